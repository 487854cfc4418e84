//! Issue 20: the table under a real pseudo-terminal (util-linux `script`),
//! 80 columns wide and 0×0: aligned lines without borders when the box does
//! not fit, the box unwrapped when the terminal reports no size.

use std::process::Command;

const HASH: &str = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";

/// Nothing listens on port 9: the lookup ends at once, `unknown`.
const CONFIG: &str = r#"
[chains.local]
name = "Local Ethereum"
family = "evm"
chain_id = 1
symbol = "ETH"
decimals = 18
confirmations = 3
block_time_secs = 1
rpc = ["http://127.0.0.1:9"]
explorer_tx = "https://etherscan.io/tx/{hash}"
"#;

/// txdoctor's stdout under a pseudo-terminal of `cols` × `rows` (with
/// colours unless `plain`: colours are what made the old code ask the
/// terminal for its width).
fn under_pty(cols: u16, rows: u16, plain: bool) -> String {
    let cfg = crate::common::write_raw_config(CONFIG);
    let bin = env!("CARGO_BIN_EXE_txdoctor");
    let inner = format!(
        "stty cols {cols} rows {rows}; exec {bin} check {HASH} --config {} -q --lang ko",
        cfg.path.display()
    );
    let mut command = Command::new("script");
    command.args(["-qec", &inner, "/dev/null"]);
    if plain {
        command.env("NO_COLOR", "1");
    } else {
        command.env_remove("NO_COLOR");
    }
    let out = command
        .env_remove("COLUMNS")
        .env("XDG_CACHE_HOME", &cfg.cache)
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .output()
        .expect("util-linux script runs (Debian's bsdutils)");
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn a_terminal_of_80_columns_gets_aligned_lines() {
    let text = under_pty(80, 24, true);
    let table = text.split("\n\n").next().unwrap_or_default();
    assert!(table.contains(HASH), "the hash is whole:\n{text}");
    assert!(
        !table.contains(['┆', '│', '┌']),
        "no borders at 80 columns:\n{text}"
    );
    for line in table.lines() {
        let width = unicode_width::UnicodeWidthStr::width(line);
        let unbreakable = line.split(' ').any(|w| w.len() > 40);
        assert!(width <= 80 || unbreakable, "{width}: {line}");
    }
}

#[test]
fn a_terminal_of_no_size_is_of_unknown_width() {
    let text = under_pty(0, 0, false);
    let table = text.split("\n\n").next().unwrap_or_default();
    assert!(table.contains('┆'), "the box, unwrapped:\n{text}");
    let hash_line = table
        .lines()
        .find(|l| l.contains("0x5c50"))
        .unwrap_or_default();
    assert!(
        hash_line.contains(HASH),
        "never one character per row:\n{text}"
    );
}
