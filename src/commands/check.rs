//! `txdoctor check`: parse every query first (bad input fails before any
//! request), look them up concurrently, print the reports in input order.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use futures_util::StreamExt;
use futures_util::stream;
use indicatif::{ProgressBar, ProgressStyle};

use crate::chain::{self, rpc::RpcClient};
use crate::cli::{CheckArgs, ExpectArgs};
use crate::config::Family;
use crate::diagnose::{
    self,
    address::{self, AddressReport, Expect, Outcome},
};
use crate::exit::{self, UsageError};
use crate::memory::{self, Memory};
use crate::model::{Status, TxReport, Warning};
use crate::query::{self, Query, Target};
use crate::render::{
    Lang,
    address::{address_json, address_paragraph, address_text},
    json::tx_json,
    paragraph::{paragraph, with_reminder},
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
    let expect = expectation(&args.expect)?;
    if expect.is_some()
        && let Some(q) = queries.iter().find(|q| !is_address(q))
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
            .unwrap_or(DEFAULT_ADDRESS_WINDOW)
            .as_secs()
            .max(1),
        now: memory::unix_now(),
    };

    let client = RpcClient::new(
        settings.request_timeout.min(args.timeout.mul_f64(0.8)),
        settings.log,
    )?;
    let mut memory = open_memory(settings);
    let spinner = settings.stderr_fancy.then(|| spinner(queries.len()));
    let reports: Vec<Report> = stream::iter(queries.iter())
        .map(|q| {
            let (client, memory, expect) = (&client, &memory, expect.as_ref());
            async move {
                // `--timeout` bounds each query whole: the lookup, an
                // address's history, the poisoning check.
                let deadline = tokio::time::Instant::now() + args.timeout;
                if is_address(q) {
                    let lookup = lookup_address(client, settings, q, expect, &scope, memory);
                    Report::Address(Box::new(
                        match tokio::time::timeout_at(deadline, lookup).await {
                            Ok(report) => report,
                            Err(_) => address_timed_out(settings, q, expect, args.timeout),
                        },
                    ))
                } else {
                    let lookup = lookup(client, settings, q, memory);
                    let mut report = match tokio::time::timeout_at(deadline, lookup).await {
                        Ok(report) => report,
                        Err(_) => timed_out(settings, q, args.timeout),
                    };
                    let check = payee_check(client, settings, &mut report);
                    if tokio::time::timeout_at(deadline, check).await.is_err() {
                        report.warnings.push(Warning::new(
                            "poisoning_unchecked",
                            format!(
                                "the address-poisoning check did not finish within --timeout {}",
                                humantime::format_duration(args.timeout)
                            ),
                        ));
                    }
                    Report::Tx(Box::new(report))
                }
            }
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
    remember(&mut memory, tx_reports, settings);

    let style = if args.json {
        Style::Json
    } else if args.reply {
        Style::Reply
    } else {
        Style::Text
    };
    super::print(
        out,
        &render(
            &reports,
            style,
            args.lang.unwrap_or_else(Lang::from_env),
            settings,
        )?,
    )?;
    Ok(reports
        .iter()
        .map(Report::exit_code)
        .max()
        .unwrap_or(exit::OK))
}

/// How far back an address's transfers are read without `--since`.
pub const DEFAULT_ADDRESS_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The answer to one query of either kind.
#[derive(Debug, Clone)]
pub enum Report {
    Tx(Box<TxReport>),
    Address(Box<AddressReport>),
}

impl Report {
    pub fn exit_code(&self) -> u8 {
        match self {
            Report::Tx(r) => exit::for_status(r.status),
            Report::Address(a) => match a.outcome {
                Outcome::Shown => exit::OK,
                Outcome::NoMatch => exit::NOT_FOUND,
                Outcome::NoMatchIncomplete | Outcome::Unavailable => exit::UNKNOWN,
            },
        }
    }

    fn has_unknown(&self) -> bool {
        match self {
            Report::Tx(r) => r.status == Status::Unknown,
            Report::Address(a) => a.outcome == Outcome::Unavailable,
        }
    }

    fn warnings(&self) -> &[Warning] {
        match self {
            Report::Tx(r) => &r.warnings,
            Report::Address(a) => &a.warnings,
        }
    }
}

pub fn is_address(q: &Query) -> bool {
    !matches!(q.target, Target::Tx { .. } | Target::Signature(_))
}

/// `--expect "100 USDT"` or `--expect 100 --token USDT`.
pub fn expectation(args: &ExpectArgs) -> Result<Option<Expect>, UsageError> {
    let Some(text) = &args.expect else {
        return Ok(None);
    };
    let mut words = text.split_whitespace();
    let amount = words.next().unwrap_or_default().to_string();
    let symbol = words.next().map(str::to_string);
    if words.next().is_some() || !address::is_amount(&amount) {
        return Err(
            UsageError::new(format!("--expect {text:?} is not an amount")).hint(
                "give the amount in whole units, e.g. --expect 100 --token USDT or --expect \"0.5 ETH\"",
            ),
        );
    }
    let token = match (symbol, &args.token) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => {
            return Err(UsageError::new(format!(
                "--expect names {a} but --token names {b}"
            )));
        }
        (a, b) => b.clone().or(a),
    };
    Ok(Some(Expect {
        amount,
        token,
        from: args.from.clone(),
    }))
}

/// Looks an address up on its candidate chains; when `expect` finds the
/// transfer, looks its transaction up as `check` would.
pub async fn lookup_address(
    client: &RpcClient,
    settings: &Settings,
    q: &Query,
    expect: Option<&Expect>,
    scope: &chain::AddressScope,
    memory: &Memory,
) -> AddressReport {
    let outcomes =
        chain::search_address(client, &settings.config, &q.chains, &q.target, scope).await;
    let mut report = address::address_report(
        &q.input,
        query::clean(&q.input),
        &outcomes,
        expect,
        &settings.config,
    );
    if let Some(m) = &report.matched
        && let Ok(tx) = query::parse(&m.transfer.hash, &settings.config, Some(&m.chain))
    {
        report.match_report = Some(Box::new(lookup(client, settings, &tx, memory).await));
    }
    report
}

/// A payment to an address that looks like one the sender paid before:
/// reads the sender's recent payees (EVM, one request) and warns.
pub async fn payee_check(client: &RpcClient, settings: &Settings, report: &mut TxReport) {
    let Some(chain) = report
        .chain
        .as_deref()
        .and_then(|k| settings.config.chain(k))
    else {
        return;
    };
    let Some(facts) = report.facts.as_mut() else {
        return;
    };
    if chain.family != Family::Evm {
        return;
    }
    let (Some(recipient), Some(head), Some(endpoint), Ok(sender)) = (
        address::payment_recipient(facts),
        facts.head,
        report.answered_by.first(),
        facts.from.parse::<alloy_primitives::Address>(),
    ) else {
        return;
    };
    let Some(history) = chain::evm::address::payees(client, chain, endpoint, sender, head).await
    else {
        return;
    };
    if let Some(w) = address::payment_poisoning(&recipient, &facts.hash, &history, chain.family) {
        report.warnings.push(Warning {
            chain: Some(chain.key.clone()),
            ..w
        });
    }
    facts.payees = Some(history);
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
pub fn render(reports: &[Report], style: Style, lang: Lang, settings: &Settings) -> Result<String> {
    let names = |k: &str| settings.chain_name(k);
    let width = if settings.stdout_color {
        comfy_table::Table::new().width()
    } else {
        None
    };
    let opts = TextOptions {
        lang,
        width,
        color: settings.stdout_color,
    };
    let mut text = String::new();
    for (i, report) in reports.iter().enumerate() {
        match style {
            Style::Json => {
                let value = match report {
                    Report::Tx(r) => tx_json(r, lang, &names),
                    Report::Address(a) => address_json(a, lang, &names),
                };
                let line = if reports.len() == 1 {
                    serde_json::to_string_pretty(&value)?
                } else {
                    serde_json::to_string(&value)?
                };
                text.push_str(&line);
                text.push('\n');
            }
            Style::Reply => {
                let body = match report {
                    Report::Tx(r) => paragraph(r, lang, &names),
                    Report::Address(a) => address_paragraph(a, lang, &names),
                };
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&with_reminder(body, lang));
                text.push('\n');
            }
            Style::Text => {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&match report {
                    Report::Tx(r) => tx_text(r, &opts, &names),
                    Report::Address(a) => address_text(a, &opts, &names),
                });
                for w in report.warnings() {
                    settings.log.warn(format_args!("{}", w.message));
                }
            }
        }
    }
    if style != Style::Json && reports.iter().any(Report::has_unknown) {
        settings.log.warn(format_args!(
            "no usable answer from some endpoints; `txdoctor chains --probe` shows which answer, and --config FILE can list endpoints that are reachable from here"
        ));
    }
    Ok(text)
}

/// The report of a lookup that ran out of `--timeout`: every chain searched
/// is unavailable (so `unknown`, never `not_found`), and a warning says why.
/// Why a chain still open when `--timeout` ran out gave no answer.
fn out_of_time(limit: Duration) -> chain::EndpointFailure {
    chain::EndpointFailure::new(
        chain::FaultKind::Timeout,
        format!(
            "no verdict within --timeout {}: the endpoints were too slow; try again, or with a longer --timeout",
            humantime::format_duration(limit)
        ),
    )
}

/// The report of an address query that ran out of time: every chain
/// unavailable, saying why.
fn address_timed_out(
    settings: &Settings,
    q: &Query,
    expect: Option<&Expect>,
    limit: Duration,
) -> AddressReport {
    let outcomes: Vec<(String, chain::AddressOutcome)> = q
        .chains
        .iter()
        .map(|key| {
            let failures = vec![out_of_time(limit)];
            (key.clone(), chain::AddressOutcome::Unavailable { failures })
        })
        .collect();
    address::address_report(
        &q.input,
        query::clean(&q.input),
        &outcomes,
        expect,
        &settings.config,
    )
}

pub fn timed_out(settings: &Settings, q: &Query, limit: Duration) -> TxReport {
    let hash = match &q.target {
        Target::Tx { hash, .. } => shown_hash(hash, &q.chains, &settings.config),
        Target::Signature(s) => s.clone(),
        _ => q.input.clone(),
    };
    let search = chain::Search {
        outcomes: q
            .chains
            .iter()
            .map(|key| {
                let failures = vec![out_of_time(limit)];
                (key.clone(), chain::ChainOutcome::Unavailable { failures })
            })
            .collect(),
    };
    diagnose::tx_report(&q.input, &hash, &q.chains, &search, &settings.config)
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
        _ => unreachable!("address queries go to lookup_address"),
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
pub fn remember<'a>(
    memory: &mut Memory,
    reports: impl IntoIterator<Item = &'a TxReport>,
    settings: &Settings,
) {
    let now = memory::unix_now();
    let updates: Vec<_> = reports
        .into_iter()
        .filter_map(|r| memory::update_for(r, now))
        .collect();
    save(memory, &updates, settings);
}

/// Writes `updates` to the store; a failure is a warning (a later run
/// could not tell replaced or dropped from not found), never fatal.
pub fn save(memory: &mut Memory, updates: &[memory::Update], settings: &Settings) {
    if let Err(e) = memory.record(updates) {
        settings
            .log
            .warn(format_args!("could not remember pending transactions: {e}"));
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
