//! `txdoctor watch`: poll one transaction until it reaches `--until`
//! (confirmed or final), fails, is replaced or dropped, or `--timeout`
//! passes. Progress goes to stderr (a bar with n/N confirmations on a
//! terminal, one line per change otherwise); the final report to stdout.
//!
//! Every poll is a full `check` lookup (one batch, two for a pending
//! transaction), restricted to the chain where the transaction was found
//! once it is found, and every pending sighting is remembered, so a
//! transaction that vanishes mid-watch reads replaced or dropped. A "dropped"
//! verdict ends the watch only when two polls in a row agree: a pending
//! transaction can be briefly missing from one node's pool.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::time::Instant;

use crate::app::{self, Report, Style, lookup, store};
use crate::chain::transport::RpcClient;
use crate::cli::{Until, WatchArgs};
use crate::exit;
use crate::exit::UsageError;
use crate::i18n::Lang;
use crate::model::{Status, TxReport};
use crate::query;
use crate::settings::Settings;

/// `watch` follows a transaction; an address has no end state to wait for.
fn require_transaction(q: &query::Query) -> Result<(), UsageError> {
    if !q.target.is_tx() {
        return Err(UsageError::new(format!(
            "{:?} is an address; watch follows one transaction",
            q.input.trim()
        ))
        .hint("paste the transaction hash, or use `txdoctor check ADDRESS --expect AMOUNT` to look for a transfer"));
    }
    Ok(())
}

/// Default poll interval bounds: a block time below a second (BSC) would
/// hammer public endpoints; one above 15 s (Ethereum's 12 s is below) is
/// too slow to notice a replacement.
const MIN_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(15);

pub async fn run(args: &WatchArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    let mut q = query::parse(&args.query, &settings.config, args.chain.as_deref())?;
    require_transaction(&q)?;
    let client = RpcClient::new(settings.request_timeout_within(args.timeout), settings.log)?;
    let mut memory = store::open_memory(settings);
    let deadline = Instant::now() + args.timeout;
    let mut progress = Progress::new(settings);
    let mut dropped_polls = 0;
    let mut last: Option<TxReport> = None;

    let (report, reached) = loop {
        // `--timeout` bounds the poll too: a hung endpoint cannot hold the
        // watch past it. Out of time, the last answer stands (or unknown).
        let poll = lookup::lookup(&client, settings, &q, &memory, Some(deadline));
        let report = match tokio::time::timeout_at(deadline, poll).await {
            Ok(report) => report,
            Err(_) => {
                let report = last.unwrap_or_else(|| lookup::timed_out(settings, &q, args.timeout));
                break (report, false);
            }
        };
        store::remember(&mut memory, std::slice::from_ref(&report), settings);
        if report.facts.is_some()
            && let Some(chain) = &report.chain
        {
            q.chains = vec![chain.clone()];
        }
        dropped_polls = if report.status == Status::Dropped {
            dropped_polls + 1
        } else {
            0
        };
        progress.show(&report, settings.lang);
        if let Some(reached) = finished(&report, args.until, dropped_polls) {
            break (report, reached);
        }
        let now = Instant::now();
        if now >= deadline {
            break (report, false);
        }
        last = Some(report);
        let interval = args
            .interval
            .unwrap_or_else(|| default_interval(settings, &q.chains));
        tokio::time::sleep_until((now + interval).min(deadline)).await;
    };
    progress.finish();

    let style = if args.json { Style::Json } else { Style::Text };
    super::print(
        out,
        &app::render(
            &[Report::Tx(Box::new(report.clone()))],
            style,
            settings.lang,
            settings,
        )?,
    )?;
    if !reached {
        settings.log.warn(format_args!(
            "gave up after {} with the transaction {} ({})",
            humantime::format_duration(args.timeout),
            report.status.as_str(),
            report.reason.as_str()
        ));
    }
    Ok(exit_code(report.status, reached))
}

/// `Some(true)` when the watch reached its goal, `Some(false)` when it ended
/// short of it for good (failed, replaced, dropped twice), `None` to go on.
fn finished(report: &TxReport, until: Until, dropped_polls: u32) -> Option<bool> {
    match report.status {
        Status::Finalized => Some(true),
        Status::Confirmed if until == Until::Confirmed => Some(true),
        Status::Failed | Status::Replaced => Some(false),
        Status::Dropped if dropped_polls >= 2 => Some(false),
        _ => None,
    }
}

/// The contract's codes; a watch that timed out short of its goal while the
/// transaction is still on its way (pending, or confirmed but not final) is 3.
fn exit_code(status: Status, reached: bool) -> u8 {
    match status {
        Status::Pending | Status::Confirmed if !reached => exit::PENDING,
        _ => exit::for_status(status),
    }
}

/// The fastest block time among the chains still searched, within bounds.
fn default_interval(settings: &Settings, chains: &[String]) -> Duration {
    let block_time = chains
        .iter()
        .filter_map(|c| settings.config.chain(c))
        .map(|c| c.block_time_secs)
        .fold(f64::INFINITY, f64::min);
    if !block_time.is_finite() || block_time <= 0.0 {
        return MAX_INTERVAL;
    }
    Duration::from_secs_f64(block_time).clamp(MIN_INTERVAL, MAX_INTERVAL)
}

/// What the watcher shows on stderr while it waits.
enum Progress {
    /// A terminal: one bar, redrawn in place.
    Bar(ProgressBar),
    /// A pipe or file: one line whenever the picture changes.
    Lines {
        started: Instant,
        last: Option<String>,
    },
    Quiet,
}

impl Progress {
    fn new(settings: &Settings) -> Progress {
        if settings.log.is_quiet() {
            Progress::Quiet
        } else if settings.stderr_fancy {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                started: Instant::now(),
                last: None,
            }
        }
    }

    fn show(&mut self, report: &TxReport, lang: Lang) {
        let line = describe(report, lang);
        match self {
            Progress::Bar(bar) => match (report.status, report.confirmations) {
                (Status::Confirmed, Some(n)) => {
                    let required = report.required_confirmations.unwrap_or(n);
                    bar.set_style(
                        ProgressStyle::with_template(&format!(
                            "{{spinner}} {{wide_bar}} {{pos}}/{{len}} {} {{msg}}",
                            lang.t("watch_bar_unit", &[]).replace(['{', '}'], "")
                        ))
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    bar.set_length(required);
                    bar.set_position(n.min(required));
                    bar.set_message(String::new());
                }
                _ => {
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.set_message(line);
                }
            },
            Progress::Lines { started, last } => {
                if last.as_deref() != Some(line.as_str()) {
                    let secs = started.elapsed().as_secs();
                    crate::log::line(format_args!("[{:02}:{:02}] {line}", secs / 60, secs % 60));
                    *last = Some(line);
                }
            }
            Progress::Quiet => {}
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// "pending (fee_below_base_fee)", "confirmed: 3 (12 required)", in the
/// language of `--lang`.
fn describe(report: &TxReport, lang: Lang) -> String {
    match (
        report.status,
        report.confirmations,
        report.required_confirmations,
    ) {
        (Status::Confirmed | Status::Finalized, Some(n), Some(r)) => {
            let id = if report.status == Status::Finalized {
                "value_confirmations_final"
            } else {
                "value_confirmations"
            };
            let confirmations = lang.t(
                id,
                &[
                    ("confirmations", &n.to_string()),
                    ("required", &r.to_string()),
                ],
            );
            if report.status == Status::Finalized {
                return confirmations;
            }
            let status = lang.t_or(
                &format!("status_{}", report.status.as_str()),
                report.status.as_str(),
            );
            lang.t(
                "watch_progress",
                &[("status", &status), ("confirmations", &confirmations)],
            )
        }
        (Status::NotFound, ..) => lang.t("watch_not_seen", &[]),
        _ => crate::i18n::words::status(lang, report.status.as_str(), report.reason.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 20: the progress line follows --lang.
    #[test]
    fn the_progress_line_is_in_the_language() {
        let mut r = TxReport::new("h", "h");
        r.status = Status::Pending;
        r.reason = crate::model::Reason::NonceGap;
        assert_eq!(describe(&r, Lang::EN), "pending (nonce_gap)");
        assert_eq!(describe(&r, Lang::ZH), "等待中（缺少更早的 nonce）");
        r.status = Status::Confirmed;
        r.confirmations = Some(2);
        r.required_confirmations = Some(12);
        assert_eq!(describe(&r, Lang::EN), "confirmed: 2 (12 required)");
        assert_eq!(describe(&r, Lang::KO), "확인됨: 2회 (필요 12회)");
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(exit_code(Status::Finalized, true), exit::OK);
        assert_eq!(exit_code(Status::Confirmed, true), exit::OK);
        assert_eq!(
            exit_code(Status::Confirmed, false),
            exit::PENDING,
            "timed out short of final"
        );
        assert_eq!(exit_code(Status::Pending, false), exit::PENDING);
        assert_eq!(exit_code(Status::Failed, false), exit::FAILED);
        assert_eq!(exit_code(Status::Replaced, false), exit::NOT_FOUND);
        assert_eq!(exit_code(Status::NotFound, false), exit::NOT_FOUND);
        assert_eq!(exit_code(Status::Unknown, false), exit::UNKNOWN);
    }
}
