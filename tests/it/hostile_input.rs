//! What customers paste that must not be looked up: secrets (refused with
//! exit 2, never repeated, no network request at all) and text that only
//! looks like a hash (invisible and look-alike characters, control
//! sequences, huge lines, invalid UTF-8) — a clear error, never a panic.

use std::net::TcpListener;

use crate::common::*;

/// A configured endpoint that records whether anything connected to it.
struct Untouched {
    listener: TcpListener,
    cfg: TestConfig,
}

impl Untouched {
    fn new() -> Untouched {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let cfg = write_config(&[ChainSpec::new("eth", 1, vec![url])]);
        Untouched { listener, cfg }
    }

    fn assert_untouched(&self) {
        assert!(
            self.listener.accept().is_err(),
            "a network request was made"
        );
    }
}

/// Public test vectors: they hold nothing, but are shaped like the real thing.
const SECRETS: &[(&str, &str)] = &[
    (
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
        "sausage",
    ),
    ("的 一 是 在 不 了 有 和 人 这 中 大 为 上 个", "这 中"),
    (
        "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
        "5HueCGU8",
    ),
    (
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
        "xprv9s21",
    ),
    (
        "my private key is 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "ac0974bec",
    ),
];

#[test]
fn secrets_are_refused_before_any_request_and_never_repeated() {
    let node = Untouched::new();
    for (secret, fragment) in SECRETS {
        for extra in [&[][..], &["--json"], &["--reply", "-v"]] {
            let mut args = vec!["check", secret];
            args.extend(extra);
            let run = node.cfg.run(&args);
            assert_eq!(run.code, 2, "{secret}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "{}", run.stdout);
            assert!(run.stderr.contains("this looks like"), "{}", run.stderr);
            assert!(
                run.stderr.contains("support never asks for it"),
                "{}",
                run.stderr
            );
            assert!(
                !run.stderr.contains(fragment),
                "the secret was repeated: {}",
                run.stderr
            );
        }
        // Among other queries: still nothing is looked up.
        let hash = format!("0x{}", "ab".repeat(32));
        let run = node.cfg.run(&["check", &hash, secret]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(!run.stderr.contains(fragment));
    }
    node.assert_untouched();
}

#[test]
fn batch_records_a_secret_line_without_its_text() {
    let node = Untouched::new();
    let input: String = SECRETS.iter().map(|(s, _)| format!("{s}\n")).collect();
    let run = node.cfg.run_stdin(&["batch", "-", "-q"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = run.ndjson();
    assert_eq!(records.len(), SECRETS.len());
    for (record, (_, fragment)) in records.iter().zip(SECRETS) {
        assert!(record["status"].is_null());
        let query = record["query"].as_str().unwrap();
        assert!(query.starts_with("(not shown: looks like "), "{query}");
        assert!(!run.stdout.contains(fragment), "{}", run.stdout);
    }
    node.assert_untouched();
}

#[test]
fn look_alike_and_invisible_characters_are_named_not_dropped() {
    let node = Untouched::new();
    let hash = "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
    let cases = [
        (
            format!("0x{}\u{202e}{}", &hash[..10], &hash[10..]),
            "U+202E",
        ),
        (
            format!("0x{}\u{200b}{}", &hash[..10], &hash[10..]),
            "U+200B",
        ),
        (format!("0\u{445}{hash}"), "Cyrillic"),
        (format!("\u{ff10}x{hash}"), "full-width"),
        (format!("\u{1b}[31m0x{hash}"), "control character"),
    ];
    for (query, named) in &cases {
        let run = node.cfg.run(&["check", query]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(named), "{named}: {}", run.stderr);
        assert!(
            !run.stderr.contains(['\u{1b}', '\u{202e}', '\u{200b}']),
            "raw control or bidi characters reached the terminal: {:?}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // A huge argument: a short error, not the whole text back.
    let long = "a".repeat(100_000);
    let run = node.cfg.run(&["check", &long]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.len() < 1_000,
        "{} bytes of error",
        run.stderr.len()
    );
    assert!(run.stderr.contains("100000 characters"), "{}", run.stderr);
    node.assert_untouched();
}

#[test]
fn hostile_lines_in_a_batch_are_records_not_panics() {
    let node = Untouched::new();
    let mut input = Vec::new();
    input.extend_from_slice(b"\xff\xfe not utf-8\n");
    input.extend_from_slice("0x\u{202e}abc\n".as_bytes());
    input.extend_from_slice(&[b'f'; 100_000]);
    input.extend_from_slice(b"\n\x1b]0;title\x07\n\0\0\0\n");
    let run = node
        .cfg
        .run_stdin(&["batch", "-", "-q", "--format", "csv"], &input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1 + 5, "{}", run.stdout);
    assert!(
        !run.stdout.contains(['\u{1b}', '\u{7}', '\0', '\u{202e}']),
        "{:?}",
        run.stdout
    );
    assert!(run.stdout.len() < 4_000, "{} bytes", run.stdout.len());
    node.assert_untouched();
}
