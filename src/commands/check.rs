//! `txdoctor check`: parse every query first (bad input fails before any
//! request), look them up concurrently, print the reports in input order.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use futures_util::StreamExt;
use futures_util::stream;
use indicatif::{ProgressBar, ProgressStyle};

use crate::chain::{self, rpc::RpcClient};
use crate::cli::CheckArgs;
use crate::diagnose;
use crate::exit::{self, UsageError};
use crate::memory::{self, Memory};
use crate::model::{Status, TxReport};
use crate::query::{self, Query, Target};
use crate::render::{
    Lang,
    json::tx_json,
    paragraph::paragraph,
    text::{TextOptions, tx_text},
};
use crate::settings::Settings;

/// How many queries of one invocation are looked up at once.
const CONCURRENT_QUERIES: usize = 8;

pub async fn run(args: &CheckArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    let queries = args
        .queries
        .iter()
        .map(|q| query::parse(q, &settings.config, args.chain.as_deref()))
        .collect::<Result<Vec<Query>, _>>()?;
    for q in &queries {
        require_transaction(q)?;
    }

    let client = RpcClient::new(settings.request_timeout, settings.log)?;
    let mut memory = open_memory(settings);
    let spinner = settings.stderr_fancy.then(|| spinner(queries.len()));
    let reports: Vec<TxReport> = stream::iter(queries.iter())
        .map(|q| lookup(&client, settings, q, &memory))
        .buffered(CONCURRENT_QUERIES)
        .collect()
        .await;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    remember(&mut memory, &reports, settings);

    let style = if args.json {
        Style::Json
    } else if args.reply {
        Style::Reply
    } else {
        Style::Text
    };
    super::print(out, &render(&reports, style, args.lang.into(), settings)?)?;
    Ok(reports
        .iter()
        .map(|r| exit::for_status(r.status))
        .max()
        .unwrap_or(exit::OK))
}

/// Addresses are recognised but not looked up by this version.
pub fn require_transaction(q: &Query) -> Result<(), UsageError> {
    if !matches!(q.target, Target::Tx { .. } | Target::Signature(_)) {
        return Err(UsageError::new(format!(
            "{:?} is an address; this version of txdoctor looks up transactions only",
            q.input.trim()
        ))
        .hint("paste the transaction hash (64 hex digits) or its explorer link"));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Table and paragraph; warnings on stderr.
    Text,
    /// The contract's JSON: pretty for one report, one line each for several.
    Json,
    /// Only the paste-ready paragraph.
    Reply,
}

/// The reports as stdout shows them.
pub fn render(
    reports: &[TxReport],
    style: Style,
    lang: Lang,
    settings: &Settings,
) -> Result<String> {
    let names = |k: &str| settings.chain_name(k);
    let width = if settings.stdout_color {
        comfy_table::Table::new().width()
    } else {
        None
    };
    let mut text = String::new();
    for (i, report) in reports.iter().enumerate() {
        match style {
            Style::Json => {
                let value = tx_json(report, lang, &names);
                let line = if reports.len() == 1 {
                    serde_json::to_string_pretty(&value)?
                } else {
                    serde_json::to_string(&value)?
                };
                text.push_str(&line);
                text.push('\n');
            }
            Style::Reply => {
                text.push_str(&paragraph(report, lang, &names));
                text.push('\n');
            }
            Style::Text => {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&tx_text(
                    report,
                    &TextOptions {
                        lang,
                        width,
                        color: settings.stdout_color,
                    },
                    &names,
                ));
                for w in &report.warnings {
                    settings.log.warn(format_args!("{}", w.message));
                }
            }
        }
    }
    if style != Style::Json && reports.iter().any(|r| r.status == Status::Unknown) {
        settings.log.warn(format_args!(
            "no usable answer from some endpoints; `txdoctor chains --probe` shows which answer, and --config FILE can list endpoints that are reachable from here"
        ));
    }
    Ok(text)
}

/// Looks one transaction query up on its candidate chains and diagnoses it.
pub async fn lookup(
    client: &RpcClient,
    settings: &Settings,
    q: &Query,
    memory: &Memory,
) -> TxReport {
    let (key, hash_hex) = match &q.target {
        Target::Tx { hash, .. } => (
            chain::TxKey::Hash(*hash),
            shown_hash(hash, &q.chains, &settings.config),
        ),
        Target::Signature(s) => (chain::TxKey::Signature(s.clone()), s.clone()),
        _ => unreachable!("address queries are refused before lookup"),
    };
    let remembered = |chain: &str| memory.get(chain, &hash_hex);
    let search = chain::search_tx(client, &settings.config, &q.chains, &key, &remembered).await;
    diagnose::tx_report(&q.input, &hash_hex, &q.chains, &search, &settings.config)
}

/// How a hash is shown when no chain has it: bare hex when no EVM chain
/// was searched (TRON and Bitcoin ids carry no 0x), else with 0x.
fn shown_hash(
    hash: &alloy_primitives::B256,
    chains: &[String],
    config: &crate::config::Config,
) -> String {
    let no_evm = chains.iter().all(|c| {
        config
            .chain(c)
            .is_some_and(|c| c.family != crate::config::Family::Evm)
    });
    if no_evm {
        alloy_primitives::hex::encode(hash)
    } else {
        alloy_primitives::hex::encode_prefixed(hash)
    }
}

/// The store of pending transactions seen; a problem with it never stops a lookup.
pub fn open_memory(settings: &Settings) -> Memory {
    let (memory, problem) = Memory::open(settings.cache_dir.clone());
    if let Some(problem) = problem {
        settings
            .log
            .warn(format_args!("memory of pending transactions: {problem}"));
    }
    memory
}

/// Remembers the pending transactions among `reports`, forgets included ones.
pub fn remember(memory: &mut Memory, reports: &[TxReport], settings: &Settings) {
    let now = memory::unix_now();
    let updates: Vec<_> = reports
        .iter()
        .filter_map(|r| memory::update_for(r, now))
        .collect();
    if let Err(e) = memory.record(&updates) {
        settings
            .log
            .verbose(format_args!("could not remember pending transactions: {e}"));
    }
}

fn spinner(n: usize) -> ProgressBar {
    let s = ProgressBar::new_spinner();
    s.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    s.set_message(if n == 1 {
        "asking the chains…".to_string()
    } else {
        format!("asking the chains about {n} transactions…")
    });
    s.enable_steady_tick(Duration::from_millis(100));
    s
}
