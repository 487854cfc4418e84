//! `txdoctor check`: parse every query first (bad input fails before any
//! request), look them up concurrently, print the reports in input order.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use futures_util::StreamExt;
use futures_util::stream;
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::{self, Ask, Report, Style, store};
use crate::chain::{self, transport::RpcClient};
use crate::cli::{CheckArgs, ExpectArgs};
use crate::diagnose::address::Expect;
use crate::exit::{self, UsageError};
use crate::memory;
use crate::query::{self, Query};
use crate::settings::Settings;

/// How many queries of one invocation are looked up at once.
const CONCURRENT_QUERIES: usize = 8;

pub async fn run(args: &CheckArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    let queries = args
        .queries
        .iter()
        .map(|q| query::parse(q, &settings.config, args.chain.as_deref()))
        .collect::<Result<Vec<Query>, _>>()?;
    let expect = expectation(&args.expect)?;
    if expect.is_some()
        && let Some(q) = queries
            .iter()
            .find(|q| !app::lookup::takes_expect(q, settings))
    {
        return Err(UsageError::new(format!(
            "--expect looks for a transfer to an address, but {:?} is a transaction",
            q.input.trim()
        ))
        .hint("check the transaction alone, or give the receiving address with --expect")
        .into());
    }
    let scope = chain::AddressScope {
        since_secs: args
            .expect
            .since
            .unwrap_or(app::DEFAULT_ADDRESS_WINDOW)
            .as_secs()
            .max(1),
        now: memory::unix_now(),
        sender: args.expect.from.clone(),
    };

    // Several queries share what is not a transaction's own (a head,
    // prices, fee estimates), as batch does (issue 24).
    let client = RpcClient::with_options(
        settings.request_timeout_within(args.timeout),
        settings.log,
        chain::transport::Options {
            share_facts: queries.len() > 1,
            ..chain::transport::Options::INTERACTIVE
        },
    )?;
    let mut memory = store::open_memory(settings);
    let spinner = settings.stderr_fancy.then(|| spinner(queries.len()));
    let reports: Vec<Report> = stream::iter(queries.iter())
        .map(|q| {
            let ask = Ask {
                expect: expect.as_ref(),
                scope: &scope,
                memory: &memory,
                timeout: Some(args.timeout),
                poisoning_check: true,
            };
            app::answer(&client, settings, q, ask)
        })
        .buffered(CONCURRENT_QUERIES)
        .collect()
        .await;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let tx_reports = reports.iter().filter_map(|r| match r {
        Report::Tx(t) => Some(&**t),
        Report::Address(a) => a.match_report.as_deref(),
    });
    store::remember(&mut memory, tx_reports, settings);

    let style = if args.json {
        Style::Json
    } else if args.reply {
        Style::Reply
    } else {
        Style::Text
    };
    super::print(out, &app::render(&reports, style, settings.lang, settings)?)?;
    Ok(reports
        .iter()
        .map(Report::exit_code)
        .max()
        .unwrap_or(exit::OK))
}

/// `--expect "100 USDT"` or `--expect 100 --token USDT`.
pub fn expectation(args: &ExpectArgs) -> Result<Option<Expect>, UsageError> {
    app::expectation(
        args.expect.as_deref(),
        args.token.as_deref(),
        args.from.as_deref(),
        args.memo.as_deref(),
    )
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
