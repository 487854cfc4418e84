//! Command-line flags (clap derive only) and their help text with examples.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Lang;

const EXAMPLES: &str = "\
Examples:
  txdoctor check 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
  txdoctor check https://bscscan.com/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 --json
  txdoctor chains --probe

Exit codes: 0 confirmed/finalized, 1 internal or configuration error, 2 usage error,
3 pending, 4 failed on chain, 5 not found/dropped/replaced, 6 unknown (no endpoint answered).";

const CHECK_EXAMPLES: &str = "\
Examples:
  txdoctor check 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
      search every configured EVM chain in parallel and report where it is
  txdoctor check 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 --chain bsc
      the same hash without 0x, on BNB Smart Chain only
  txdoctor check 'https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060' --json
      an explorer link fixes the chain; --json prints the JSON report
  txdoctor check https://mempool.space/tx/<txid>
      a Bitcoin transaction: confirmations, fee rate against the market, RBF/CPFP advice
  txdoctor check HASH1 HASH2 HASH3 --json
      several queries: one JSON object per line, exit code the highest of theirs
  txdoctor check HASH --reply --lang ja
      only the reply to paste for the customer, in Japanese (en, zh, ja, ko)
  txdoctor check 0xADDRESS
      balances, stuck nonces and recent token transfers on every EVM chain, with
      address-poisoning warnings
  txdoctor check 0xADDRESS --expect 100 --token USDT --since 3d
      did 100 USDT arrive in the last three days? exit 5 when nothing matches";

const WATCH_EXAMPLES: &str = "\
Examples:
  txdoctor watch 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
      poll until the transfer is final (or fails, is replaced or dropped), for at most an hour
  txdoctor watch https://bscscan.com/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 --until confirmed --timeout 10m --json
      stop at the first confirmation; print the final report as JSON

Exit codes: 0 reached --until, 3 timed out while pending (or not yet final),
4 failed, 5 replaced, dropped or not found, 6 no endpoint answered.";

const CASE_EXAMPLES: &str = "\
Examples:
  txdoctor case add 0x3f…9a --ticket T-1234 --lang zh --note \"VIP, called twice\"
      look it up now and keep it; the reply is in Chinese
  txdoctor case add TQ…xy --expect \"100 USDT\" --ticket T-1240
      follow an expected deposit until it arrives
  txdoctor case check --reply
      every open case again: the replies to paste for those that changed
  txdoctor case list --all
  txdoctor case close T-1234

A case in an end state (finalized, failed, replaced, dropped; an expected
deposit received) is closed by the check that sees it; `case add` closes a
case that is already there at once.
";

const SERVE_EXAMPLES: &str = "\
Examples:
  txdoctor serve
      the page at http://127.0.0.1:7878/ for the agent on this machine
  txdoctor serve --listen 0.0.0.0:7878 --token-file /etc/txdoctor/token
      for a team, behind a reverse proxy with TLS that adds the token
  curl -s 'http://127.0.0.1:7878/api/check?q=0x3f…9a&lang=zh'

Ctrl-C or SIGTERM stops it: lookups under way finish first (or end as unknown).
";

const BATCH_EXAMPLES: &str = "\
Examples:
  txdoctor batch withdrawals.txt > report.ndjson
      one JSON record per line, in input order, as each is ready
  cut -d, -f3 export.csv | txdoctor batch - --format csv --chain bsc
      hashes from stdin, on BNB Smart Chain only, as CSV
  txdoctor batch hashes.txt --format table
      a table for people; long cells are shortened
  txdoctor batch today.txt --fail-on pending,failed,unknown -q
      for cron: exit 3, 4 or 6 when a line is stuck, failed or unanswered

Blank lines and lines starting with # are skipped. A line that is not a hash,
signature, address or link still gets a record, with its error.
Exit codes: 0 every line has a record (whatever its status); with --fail-on,
the highest code among records whose status is listed (2 for `invalid`).";

const CHAINS_EXAMPLES: &str = "\
Examples:
  txdoctor chains                  list the configured chains and their endpoints
  txdoctor chains --probe          ask every endpoint for its chain id and head block
  txdoctor chains --config my.toml --json";

/// The version and the date of the built-in chains.toml.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (built-in chains.toml of ",
    env!("TXDOCTOR_CHAINS_DATE"),
    ")"
);

#[derive(Debug, Parser)]
#[command(name = "txdoctor", version = VERSION, about = "Where is my transfer? Diagnoses a transaction or an address from a hash, address or explorer link.", after_help = EXAMPLES)]
pub struct Cli {
    /// Log every endpoint attempt and its outcome on stderr (URLs redacted).
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing but the result.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// chains.toml to use (default: $TXDOCTOR_CONFIG, ./chains.toml, then the built-in one).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Language of the reply, the table labels and each record's `diagnosis`.
    /// Default: the language of LC_ALL, LC_MESSAGES or LANG when there is one
    /// for it, else English.
    #[arg(long, global = true, value_name = "LANG", value_parser = lang_parser(), ignore_case = true)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose transactions and addresses from a hash, address or explorer link.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Follow one transaction until it is confirmed or final, fails, or vanishes.
    #[command(after_help = WATCH_EXAMPLES)]
    Watch(WatchArgs),
    /// Check many queries from a file or stdin, one per line, for scripts.
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// List the configured chains; --probe asks each endpoint if it is up.
    #[command(after_help = CHAINS_EXAMPLES)]
    Chains(ChainsArgs),
    /// Follow up tickets: cases looked up again in one command (`case check`), kept in SQLite.
    #[command(after_help = CASE_EXAMPLES)]
    Case(CaseArgs),
    /// A page for agents in their browser and an HTTP API, on this machine.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Print a shell completion script: `txdoctor completions bash > /etc/bash_completion.d/txdoctor`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `txdoctor man > txdoctor.1; man ./txdoctor.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Transaction hash or signature, address, or explorer link, as the customer pasted it.
    #[arg(required = true, value_name = "QUERY")]
    pub queries: Vec<String>,
    /// Only look on this chain (its key in chains.toml: eth, bsc, polygon, …).
    #[arg(long, value_name = "ID")]
    pub chain: Option<String>,
    /// Print the JSON report (one per line for several queries).
    #[arg(long, conflicts_with = "reply")]
    pub json: bool,
    /// Print only the paste-ready reply (plain text, no table or codes).
    #[arg(long)]
    pub reply: bool,
    /// Give up on a query after this long: its chains still unanswered read
    /// `unknown`, never `not_found`. One request to one endpoint gets at most
    /// 10s of it; a slow endpoint is raced by the next after 1.5s.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "30s")]
    pub timeout: Duration,
    #[command(flatten)]
    pub expect: ExpectArgs,
}

/// What to look for in an address's incoming transfers.
#[derive(Debug, Args, Default)]
pub struct ExpectArgs {
    /// For an address: the amount that should have arrived, e.g. 100 or "100 USDT";
    /// exit 5 when no incoming transfer matches.
    #[arg(long, value_name = "AMOUNT")]
    pub expect: Option<String>,
    /// With --expect: the token (a symbol from chains.toml, or the chain's coin).
    #[arg(long, value_name = "SYMBOL", requires = "expect")]
    pub token: Option<String>,
    /// With --expect: only transfers from this address.
    #[arg(long, value_name = "ADDRESS", requires = "expect")]
    pub from: Option<String>,
    /// With --expect: only transfers carrying this memo (EOS deposits to an
    /// exchange are credited by memo).
    #[arg(long, value_name = "TEXT", requires = "expect")]
    pub memo: Option<String>,
    /// For an address: how far back to read transfers, e.g. 2h, 3d (default 24h).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub since: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Transaction hash (with or without 0x) or explorer link.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// Stop once the transaction is `confirmed` (in a block) or `final` (all confirmations).
    #[arg(long, value_enum, default_value_t = Until::Final)]
    pub until: Until,
    /// Time between polls, e.g. 500ms, 5s (default: the chain's block time, 1 s to 15 s).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub interval: Option<Duration>,
    /// Give up after this long, e.g. 30s, 10m, 2h.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "1h")]
    pub timeout: Duration,
    /// Only look on this chain (its key in chains.toml).
    #[arg(long, value_name = "ID")]
    pub chain: Option<String>,
    /// Print the final report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// File with one query per line; `-` (or nothing) reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Lines looked up at once; each endpoint's pace (chains.toml `rps`) still holds.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(u32).range(1..=5000))]
    pub concurrency: u32,
    /// Record format on stdout.
    #[arg(long, value_enum, default_value_t = BatchFormat::Ndjson)]
    pub format: BatchFormat,
    /// Only look on this chain (its key in chains.toml).
    #[arg(long, value_name = "ID")]
    pub chain: Option<String>,
    /// Statuses that make the exit code non-zero (the worst of them wins):
    /// pending, failed, replaced, dropped, not_found, unknown, invalid.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS,…")]
    pub fail_on: Vec<FailOn>,
    /// Also compare each EVM payment's recipient with the sender's earlier
    /// payees (address poisoning): one more request per payment.
    #[arg(long)]
    pub poisoning_check: bool,
    /// Give up on one line's lookup after this long (its record reads
    /// `unknown`); without it a line waits out rate limits (5 retries, at
    /// most 120 s each).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// Lines in flight unless `--concurrency` says otherwise.
pub const DEFAULT_CONCURRENCY: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// The JSON report of each line, one per line.
    Ndjson,
    /// A header row, then query,chain,status,reason,confirmations,value,token,fee,error,explorer_url.
    Csv,
    /// Fixed-width columns for people.
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Pending,
    Failed,
    Replaced,
    Dropped,
    #[value(name = "not_found", alias = "not-found")]
    NotFound,
    Unknown,
    /// A line that is not a valid query.
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Until {
    Confirmed,
    Final,
}

/// `500ms`, `30s`, `10m`, `2h` (humantime's units); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let d = humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 500ms, 30s, 10m)"))?;
    if d.is_zero() {
        return Err("must be more than zero".into());
    }
    Ok(d)
}

#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    pub command: CaseCommand,
    /// The case store (default: $XDG_DATA_HOME/txdoctor/cases.db, else
    /// ~/.local/share/txdoctor/cases.db).
    #[arg(long, global = true, value_name = "FILE")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Look a query up now and keep it as a case to check again.
    Add(CaseAddArgs),
    /// The open cases (or all): ticket, query, status, age, last check.
    List(CaseListArgs),
    /// Look every open case up again; print those that changed, with the reply to send.
    Check(CaseCheckArgs),
    /// Close a case by its number (7 or #7) or its ticket id.
    Close(CaseCloseArgs),
}

#[derive(Debug, Args)]
pub struct CaseAddArgs {
    /// Transaction hash or signature, explorer link, or (with --expect) the receiving address.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// The help desk's ticket id.
    #[arg(long, value_name = "ID")]
    pub ticket: Option<String>,
    /// A note for the agents (never sent anywhere).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Open another case for a ticket that has open cases already.
    #[arg(long)]
    pub again: bool,
    /// Only look on this chain (its key in chains.toml).
    #[arg(long, value_name = "ID")]
    pub chain: Option<String>,
    #[command(flatten)]
    pub expect: ExpectArgs,
    /// Print the case object as JSON.
    #[arg(long)]
    pub json: bool,
    /// Give up on the lookup after this long (the case is stored as `unknown`).
    #[arg(long, value_name = "DUR", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// Closed cases too.
    #[arg(long)]
    pub all: bool,
    /// One case object per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CaseCheckArgs {
    /// The changed cases' objects, one per line.
    #[arg(long, conflicts_with = "reply")]
    pub json: bool,
    /// Only the replies to send, each headed by its ticket id.
    #[arg(long)]
    pub reply: bool,
    /// Statuses (of any open case checked) that make the exit code non-zero, as in batch.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS,…")]
    pub fail_on: Vec<FailOn>,
    /// Cases looked up at once; each endpoint's pace (chains.toml `rps`) still holds.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(u32).range(1..=5000))]
    pub concurrency: u32,
    /// Give up on one case's lookup after this long (it stays open, `unknown` this time).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct CaseCloseArgs {
    /// The case number (7 or #7) or a ticket id (closes its open cases).
    #[arg(value_name = "CASE")]
    pub case: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; an address other than loopback needs --token-file.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7878")]
    pub listen: String,
    /// A file holding the bearer token every request but GET /healthz must carry.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The case store for /api/cases (default: as `case`).
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// Give up on one lookup after this long (it reads `unknown`).
    #[arg(long, value_name = "DUR", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// API requests a second one client address may send (a burst of 12 s
    /// worth, at least 240); behind a reverse proxy every agent is one address.
    #[arg(long, value_name = "N", default_value_t = 20.0)]
    pub client_rate: f64,
}

#[derive(Debug, Args)]
pub struct ChainsArgs {
    /// Ask every endpoint for its chain id and head block.
    #[arg(long)]
    pub probe: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `--lang`: the tags of the locale files compiled in (en, ja, ko, zh, zh-Hant), in any case.
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Lang::all().map(Lang::code))
        .map(|code: String| Lang::from_code(&code).unwrap_or(Lang::EN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn check_takes_several_queries_and_flags_anywhere() {
        let cli = Cli::try_parse_from([
            "txdoctor", "check", "a", "b", "--chain", "bsc", "--json", "-v",
        ])
        .unwrap();
        let Command::Check(c) = cli.command else {
            panic!()
        };
        assert_eq!(c.queries, ["a", "b"]);
        assert_eq!(c.chain.as_deref(), Some("bsc"));
        assert!(c.json && cli.verbose);
    }

    #[test]
    fn durations_in_the_contracts_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("0s").is_err());
        let cli = Cli::try_parse_from([
            "txdoctor",
            "watch",
            "h",
            "--until",
            "confirmed",
            "--interval",
            "2s",
        ])
        .unwrap();
        let Command::Watch(w) = cli.command else {
            panic!()
        };
        assert_eq!(
            (w.until, w.interval, w.timeout),
            (
                Until::Confirmed,
                Some(Duration::from_secs(2)),
                Duration::from_secs(3600)
            )
        );
    }

    #[test]
    fn usage_errors() {
        assert!(
            Cli::try_parse_from(["txdoctor", "check"]).is_err(),
            "a query is required"
        );
        assert!(Cli::try_parse_from(["txdoctor", "check", "x", "--json", "--reply"]).is_err());
        assert!(Cli::try_parse_from(["txdoctor", "-v", "-q", "check", "x"]).is_err());
    }

    /// Issue 20: the flags people put anywhere work before or after the
    /// subcommand.
    #[test]
    fn global_flags_go_before_or_after_the_subcommand() {
        for args in [
            &[
                "txdoctor", "--lang", "ja", "--config", "c.toml", "-v", "check", "x",
            ][..],
            &[
                "txdoctor", "check", "x", "--lang", "ja", "--config", "c.toml", "-v",
            ][..],
            &[
                "txdoctor", "-v", "check", "--lang", "ja", "x", "--config", "c.toml",
            ][..],
        ] {
            let cli = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(cli.lang, Some(Lang::JA), "{args:?}");
            assert_eq!(cli.config.as_deref(), Some(std::path::Path::new("c.toml")));
            assert!(cli.verbose);
        }
        let cli = Cli::try_parse_from(["txdoctor", "batch", "f", "-q", "--lang", "ko"]).unwrap();
        assert!(cli.quiet);
        assert_eq!(cli.lang, Some(Lang::KO));
        assert!(Cli::try_parse_from(["txdoctor", "chains", "--config", "c.toml"]).is_ok());
    }

    /// Issue 20: every hash and link in the help's examples is one txdoctor
    /// reads as it is, so an example copied from `--help` works.
    #[test]
    fn help_examples_are_real_queries() {
        let config = crate::config::parse(crate::config::BUILTIN).unwrap();
        let mut seen = 0;
        for text in [EXAMPLES, CHECK_EXAMPLES, WATCH_EXAMPLES] {
            for word in text.split_whitespace() {
                let word = word.trim_matches('\'');
                if word.starts_with("0x") && word.len() > 10 || word.starts_with("https://") {
                    if word.contains('<') {
                        continue;
                    }
                    crate::query::parse(word, &config, None)
                        .unwrap_or_else(|e| panic!("{word}: {e}"));
                    seen += 1;
                }
            }
        }
        assert!(seen >= 5, "{seen}");
    }
}
