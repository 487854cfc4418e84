//! Command-line flags (clap derive only) and their help text with examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  txdoctor check 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
  txdoctor check https://bscscan.com/tx/0x5c50…2060 --json
  txdoctor chains --probe

Exit codes: 0 confirmed/finalized, 1 internal or configuration error, 2 usage error,
3 pending, 4 failed on chain, 5 not found/dropped/replaced, 6 unknown (no endpoint answered).";

const CHECK_EXAMPLES: &str = "\
Examples:
  txdoctor check 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
      search every configured EVM chain in parallel and report where it is
  txdoctor check 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 --chain bsc
      the same hash without 0x, on BNB Smart Chain only
  txdoctor check 'https://etherscan.io/tx/0x5c50…2060' --json
      an explorer link fixes the chain; --json prints the contract's object
  txdoctor check HASH1 HASH2 HASH3 --json
      several queries: one JSON object per line, exit code the highest of theirs
  txdoctor check HASH --reply
      only the paragraph to paste into the customer reply";

const CHAINS_EXAMPLES: &str = "\
Examples:
  txdoctor chains                  list the configured chains and their endpoints
  txdoctor chains --probe          ask every endpoint for its chain id and head block
  txdoctor chains --config my.toml --json";

#[derive(Debug, Parser)]
#[command(name = "txdoctor", version, about = "Where is my transfer? Diagnoses a transaction from a hash or explorer link.", after_help = EXAMPLES)]
pub struct Cli {
    /// Log every endpoint attempt and its outcome on stderr (URLs redacted).
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing but the result.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose transactions from a hash or explorer link.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// List the configured chains; --probe asks each endpoint if it is up.
    #[command(after_help = CHAINS_EXAMPLES)]
    Chains(ChainsArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// chains.toml to use (default: $TXDOCTOR_CONFIG, ./chains.toml, then the built-in one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Transaction hash (with or without 0x) or explorer link, as the customer pasted it.
    #[arg(required = true, value_name = "QUERY")]
    pub queries: Vec<String>,
    /// Only look on this chain (its key in chains.toml: eth, bsc, polygon, …).
    #[arg(long, value_name = "ID")]
    pub chain: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print the contract's JSON object (one per line for several queries).
    #[arg(long, conflicts_with = "reply")]
    pub json: bool,
    /// Language of the paragraph and the table labels.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Print only the paste-ready paragraph.
    #[arg(long)]
    pub reply: bool,
}

#[derive(Debug, Args)]
pub struct ChainsArgs {
    /// Ask every endpoint for its chain id and head block.
    #[arg(long)]
    pub probe: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Zh,
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
    fn usage_errors() {
        assert!(
            Cli::try_parse_from(["txdoctor", "check"]).is_err(),
            "a query is required"
        );
        assert!(Cli::try_parse_from(["txdoctor", "check", "x", "--json", "--reply"]).is_err());
        assert!(Cli::try_parse_from(["txdoctor", "-v", "-q", "check", "x"]).is_err());
    }
}
