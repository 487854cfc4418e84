//! `txdoctor check`: parse every query first (bad input fails before any
//! request), look them up concurrently, print the reports in input order.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use futures_util::StreamExt;
use futures_util::stream;
use indicatif::{ProgressBar, ProgressStyle};

use crate::chain::{self, rpc::RpcClient};
use crate::cli::{CheckArgs, LangArg};
use crate::diagnose;
use crate::exit::{self, UsageError};
use crate::model::TxReport;
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
    if let Some(q) = queries
        .iter()
        .find(|q| matches!(q.target, Target::EvmAddress(_)))
    {
        return Err(UsageError::new(format!(
            "{:?} is an address; this version of txdoctor looks up transactions only",
            q.input.trim()
        ))
        .hint("paste the transaction hash (0x followed by 64 hex digits) or its explorer link")
        .into());
    }

    let client = RpcClient::new(settings.request_timeout, settings.log)?;
    let spinner = settings.stderr_fancy.then(|| spinner(queries.len()));
    let reports: Vec<TxReport> = stream::iter(queries.iter())
        .map(|q| lookup(&client, settings, q))
        .buffered(CONCURRENT_QUERIES)
        .collect()
        .await;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }

    let lang = match args.lang {
        LangArg::En => Lang::En,
        LangArg::Zh => Lang::Zh,
    };
    let names = |k: &str| settings.chain_name(k);
    let width = if settings.stdout_color {
        comfy_table::Table::new().width()
    } else {
        None
    };
    let mut text = String::new();
    for (i, report) in reports.iter().enumerate() {
        if args.json {
            let value = tx_json(report, lang, &names);
            let line = if reports.len() == 1 {
                serde_json::to_string_pretty(&value)?
            } else {
                serde_json::to_string(&value)?
            };
            text.push_str(&line);
            text.push('\n');
        } else if args.reply {
            text.push_str(&paragraph(report, lang, &names));
            text.push('\n');
        } else {
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
    super::print(out, &text)?;
    if !args.json
        && reports
            .iter()
            .any(|r| r.status == crate::model::Status::Unknown)
    {
        settings.log.warn(format_args!(
            "no usable answer from some endpoints; `txdoctor chains --probe` shows which answer, and --config FILE can list endpoints that are reachable from here"
        ));
    }
    Ok(reports
        .iter()
        .map(|r| exit::for_status(r.status))
        .max()
        .unwrap_or(exit::OK))
}

async fn lookup(client: &RpcClient, settings: &Settings, q: &Query) -> TxReport {
    let Target::EvmTx(hash) = q.target else {
        unreachable!("address queries are refused above")
    };
    let search = chain::search_tx(client, &settings.config, &q.chains, hash).await;
    let hash_hex = alloy_primitives::hex::encode_prefixed(hash);
    diagnose::tx_report(&q.input, &hash_hex, &q.chains, &search, &settings.config)
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
