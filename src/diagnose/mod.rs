//! Facts → verdict. One small function per rule, no I/O: what the endpoints
//! answered (a `Search`) becomes a `TxReport` with the contract's status and
//! reason codes. The rule that matters most: `not_found` only when every chain
//! searched had a trusted endpoint answer "unknown hash"; any chain that could
//! not be asked turns the verdict into `unknown`.

pub mod address;
pub mod tokens;

use crate::chain::{ChainOutcome, EndpointFailure, FaultKind, Search};
use crate::config::{Chain, Config};
use crate::model::{FailureKind, Fate, Reason, Status, TxFacts, TxReport, Vanished, Warning};

/// Status, reason and confirmation figures for a transaction that was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub reason: Reason,
    pub confirmations: Option<u64>,
    pub required: u64,
    pub eta_seconds: Option<u64>,
}

pub fn verdict(facts: &TxFacts, chain: &Chain) -> Verdict {
    let required = chain.confirmations;
    let Some(block) = facts.block else {
        // Past its expiration a transaction can never be included.
        if let (Some(expires), Some(now)) = (facts.expires_at_ms, facts.observed_at_ms)
            && now > expires
        {
            return Verdict {
                status: Status::Dropped,
                reason: Reason::Expired,
                confirmations: None,
                required,
                eta_seconds: None,
            };
        }
        // Pending: why it waits; a healthy one needs a block plus the confirmations.
        let (reason, eta_seconds) = crate::chain::family::of(chain.family)
            .waiting(facts, chain)
            .unwrap_or((
                Reason::Waiting,
                Some(seconds(required, chain.block_time_secs)),
            ));
        return Verdict {
            status: Status::Pending,
            reason,
            confirmations: crate::chain::family::of(chain.family)
                .counts_confirmations()
                .then_some(0),
            required,
            eta_seconds,
        };
    };
    let family = crate::chain::family::of(chain.family);
    let confirmations = confirmations(block, facts.head);
    // Where the chain has no confirmation depth (BFT), no count is shown.
    let shown = family.counts_confirmations().then_some(confirmations);
    if facts.succeeded == Some(false) {
        return Verdict {
            status: Status::Failed,
            reason: failure_reason(facts),
            confirmations: shown,
            required,
            eta_seconds: None,
        };
    }
    // Where the chain says what is irreversible, that decides; elsewhere
    // the configured count does.
    let is_final = family.finality(facts).unwrap_or(confirmations >= required);
    if is_final {
        Verdict {
            status: Status::Finalized,
            reason: Reason::Included,
            confirmations: shown,
            required,
            eta_seconds: None,
        }
    } else {
        Verdict {
            status: Status::Confirmed,
            reason: Reason::Included,
            confirmations: shown,
            required,
            eta_seconds: Some(seconds(
                required.saturating_sub(confirmations).max(1),
                chain.block_time_secs,
            )),
        }
    }
}

/// The block that holds the transaction counts as one. A load-balanced
/// endpoint may report a head below the block it just served: that is one.
pub fn confirmations(block: u64, head: Option<u64>) -> u64 {
    head.map_or(1, |h| h.saturating_sub(block).saturating_add(1))
}

fn seconds(blocks: u64, block_time: f64) -> u64 {
    (blocks as f64 * block_time).ceil() as u64
}

pub fn failure_reason(facts: &TxFacts) -> Reason {
    match facts.failure.as_ref().map(|f| f.kind) {
        Some(FailureKind::OutOfGas) => Reason::OutOfGas,
        Some(FailureKind::OutOfEnergy) => Reason::OutOfEnergy,
        Some(FailureKind::InstructionError) => Reason::InstructionError,
        Some(FailureKind::InsufficientFunds) => Reason::InsufficientFunds,
        Some(FailureKind::MoveAbort) => Reason::MoveAbort,
        Some(FailureKind::ModuleError) => Reason::ModuleError,
        Some(
            FailureKind::ErrorString
            | FailureKind::Panic
            | FailureKind::CustomError
            | FailureKind::NodeMessage
            | FailureKind::EmptyRevert,
        ) => Reason::Reverted,
        Some(FailureKind::NotReproduced | FailureKind::Unavailable | FailureKind::VmError)
        | None => Reason::Other,
    }
}

/// Builds the report of one transaction query from what the chains answered.
pub fn tx_report(
    input: &str,
    hash: &str,
    searched: &[String],
    mut search: Search,
    config: &Config,
) -> TxReport {
    let single = (searched.len() == 1)
        .then(|| config.chain(&searched[0]))
        .flatten();
    let mut report = TxReport {
        chain: single.map(|c| c.key.clone()),
        chain_name: single.map(|c| c.name.clone()),
        family: single.map(|c| c.family),
        searched: searched.to_vec(),
        required_confirmations: single.map(|c| c.confirmations),
        explorer_url: single.map(|c| c.tx_url(hash)),
        ..TxReport::new(input, hash)
    };

    // The chain that has it: its answer is taken out of the search (the
    // report keeps its facts; the other chains' answers stay to be read).
    let found = search.outcomes.iter().position(|(key, o)| {
        matches!(o, ChainOutcome::Found { .. }) && config.chain(key).is_some()
    });
    let found = found.and_then(|i| match search.outcomes.remove(i) {
        (
            key,
            ChainOutcome::Found {
                facts,
                failures,
                endpoint,
            },
        ) => Some((config.chain(&key)?, facts, failures, endpoint)),
        _ => None,
    });
    if let Some((chain, facts, failures, endpoint)) = found {
        let key = &chain.key;
        let v = verdict(&facts, chain);
        report.chain = Some(chain.key.clone());
        report.chain_name = Some(chain.name.clone());
        report.family = Some(chain.family);
        report.status = v.status;
        report.reason = v.reason;
        report.confirmations = v.confirmations;
        report.required_confirmations = Some(v.required);
        report.eta_seconds = v.eta_seconds;
        report.explorer_url = Some(chain.tx_url(&facts.hash));
        report.hash = facts.hash.clone();
        report.warnings = endpoint_warnings(key, &failures);
        report.answered_by = vec![endpoint];
        report.congestion = facts.congestion.clone();
        crate::chain::family::of(chain.family).annotate(&facts, chain, &mut report);
        let mut facts = *facts;
        report.warnings.extend(tokens::check(&mut facts, chain));
        if facts.tokens_unread > 0 {
            report.warnings.push(Warning {
                chain: Some(key.clone()),
                ..Warning::new(
                    "tokens_unread",
                    format!(
                        "{key}: the transaction moved {} more unknown token contracts than one lookup reads; they are shown by contract and base units",
                        facts.tokens_unread
                    ),
                )
            });
        }
        report.warnings.extend(also_on(&search, config, key));
        report.facts = Some(facts);
        return report;
    }

    let mut all_mismatch = true;
    for (key, outcome) in &search.outcomes {
        match outcome {
            ChainOutcome::NotFound {
                failures,
                endpoints,
                congestion,
                ..
            } => {
                report.warnings.extend(endpoint_warnings(key, failures));
                report.answered_by.extend(endpoints.iter().cloned());
                if single.is_some() {
                    report.congestion = congestion.clone();
                }
            }
            ChainOutcome::Beyond { from, to, failures } => {
                report.warnings.extend(endpoint_warnings(key, failures));
                report.unavailable.push(key.clone());
                report.search_windows.push((key.clone(), *from, *to));
                all_mismatch = false;
            }
            ChainOutcome::Unavailable { failures } => {
                report.warnings.extend(endpoint_warnings(key, failures));
                report.unavailable.push(key.clone());
                all_mismatch &= !failures.is_empty()
                    && failures.iter().all(|e| e.kind == FaultKind::ChainMismatch);
            }
            ChainOutcome::Found { .. } => {}
        }
    }
    if !report.unavailable.is_empty() {
        report.status = Status::Unknown;
        report.reason = if all_mismatch {
            Reason::ChainMismatch
        } else if !report.search_windows.is_empty() {
            Reason::BeyondSearchWindow
        } else {
            Reason::EndpointsUnavailable
        };
    }
    // A chain where the hash was seen pending before and is now unknown
    // speaks for the transaction, whatever the other chains said.
    let vanished = search.outcomes.iter().find_map(|(key, o)| match o {
        ChainOutcome::NotFound {
            vanished: Some(v),
            respent: None,
            congestion,
            ..
        } => Some((key, v, congestion)),
        _ => None,
    });
    if let Some((key, vanished, congestion)) = vanished {
        apply_vanished(&mut report, config, key, vanished);
        report.congestion = congestion.clone();
    }
    // Another transaction spends its coins: replaced (replace-by-fee).
    let respent = search.outcomes.iter().find_map(|(key, o)| match o {
        ChainOutcome::NotFound {
            respent: Some(r),
            congestion,
            ..
        } => Some((config.chain(key)?, r, congestion)),
        _ => None,
    });
    if let Some((chain, respent, congestion)) = respent {
        report.chain = Some(chain.key.clone());
        report.chain_name = Some(chain.name.clone());
        report.family = Some(chain.family);
        report.required_confirmations = Some(chain.confirmations);
        report.explorer_url = Some(chain.tx_url(&report.hash));
        report.status = Status::Replaced;
        report.reason = Reason::Replaced;
        report.replacement_url = Some(chain.tx_url(&respent.by));
        report.respent = Some(respent.clone());
        report.congestion = congestion.clone();
    }
    report
}

/// The other chains where the same id was found, with their verdicts: a
/// bare hash can name a transaction on two chains of a family (failed on one,
/// finalized on the other), and the customer must know which is theirs.
fn also_on(search: &Search, config: &Config, reported: &str) -> Option<Warning> {
    let others: Vec<(String, Verdict)> = search
        .outcomes
        .iter()
        .filter(|(key, _)| key != reported)
        .filter_map(|(key, o)| match o {
            ChainOutcome::Found { facts, .. } => {
                let chain = config.chain(key)?;
                Some((key.clone(), verdict(facts, chain)))
            }
            _ => None,
        })
        .collect();
    if others.is_empty() {
        return None;
    }
    let list: Vec<String> = others
        .iter()
        .map(|(k, v)| format!("{k} ({}, {})", v.status.as_str(), v.reason.as_str()))
        .collect();
    Some(Warning {
        chains: Some(others.iter().map(|(k, _)| k.clone()).collect()),
        ..Warning::new(
            "also_on",
            format!(
                "the same id was also found on {}; this report is for {reported}",
                list.join(", ")
            ),
        )
    })
}

/// Replaced or dropped, from the sender's nonce; `not_found` stays when the
/// nonce could not be asked (the paragraph says so).
fn apply_vanished(report: &mut TxReport, config: &Config, key: &str, vanished: &Vanished) {
    if let Some(chain) = config.chain(key) {
        report.chain = Some(chain.key.clone());
        report.chain_name = Some(chain.name.clone());
        report.required_confirmations = Some(chain.confirmations);
        report.explorer_url = Some(chain.tx_url(&report.hash));
    }
    match &vanished.fate {
        Fate::Replaced {
            search_note, by, ..
        } => {
            report.status = Status::Replaced;
            report.reason = Reason::Replaced;
            report.replacement_url = by
                .as_ref()
                .zip(config.chain(key))
                .map(|(by, chain)| chain.tx_url(by));
            if let Some(note) = search_note {
                report.warnings.push(Warning {
                    chain: Some(key.to_string()),
                    ..Warning::new("replacement_not_identified", format!("{key}: {note}"))
                });
            }
        }
        Fate::Dropped { .. } => {
            report.status = Status::Dropped;
            report.reason = Reason::Dropped;
        }
        Fate::Expired { .. } => {
            report.status = Status::Dropped;
            report.reason = Reason::Expired;
        }
        // Not included yet, and it may still be until it expires: not found.
        Fate::Unexpired { .. } => {}
        Fate::Unchecked { why } => {
            report.warnings.push(Warning {
                chain: Some(key.to_string()),
                ..Warning::new(
                    "nonce_unchecked",
                    format!(
                    "{key}: seen pending before, but the sender's nonce could not be checked: {why}"
                ),
                )
            });
        }
    }
    report.vanished = Some(vanished.clone());
}

fn endpoint_warnings(chain: &str, failures: &[EndpointFailure]) -> Vec<Warning> {
    failures.iter().map(|f| failure_warning(chain, f)).collect()
}

/// The warning for one endpoint's fault: `chain_mismatch`,
/// `inconsistent_answer` (with `detail`) or `endpoint_failed`, each with
/// the endpoint and the fault's `kind`.
pub fn failure_warning(chain: &str, f: &EndpointFailure) -> Warning {
    let code = match f.kind {
        FaultKind::ChainMismatch => "chain_mismatch",
        FaultKind::Inconsistent => "inconsistent_answer",
        _ => "endpoint_failed",
    };
    let message = if f.endpoint.is_empty() {
        format!("{chain}: {}", f.what)
    } else {
        format!("{chain}: {} {}", f.endpoint, f.what)
    };
    Warning {
        endpoint: (!f.endpoint.is_empty()).then(|| f.endpoint.clone()),
        kind: Some(f.kind.as_str()),
        detail: (f.kind == FaultKind::Inconsistent).then(|| f.what.clone()),
        chain: Some(chain.to_string()),
        ..Warning::new(code, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};
    use crate::model::{Amount, Failure};
    use alloy_primitives::U256;

    fn cfg() -> Config {
        parse(BUILTIN).unwrap()
    }

    fn facts(block: Option<u64>, head: u64, succeeded: Option<bool>) -> TxFacts {
        TxFacts {
            nonce: Some(1),
            block,
            head: Some(head),
            succeeded,
            ..TxFacts::new(
                format!("0x{}", "ab".repeat(32)),
                "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                Amount::new(U256::ZERO, 18, "ETH"),
            )
        }
    }

    #[test]
    fn confirmations_count_the_holding_block() {
        assert_eq!(confirmations(100, Some(100)), 1);
        assert_eq!(confirmations(100, Some(163)), 64);
        assert_eq!(
            confirmations(100, Some(90)),
            1,
            "a lagging head never gives zero"
        );
        assert_eq!(confirmations(100, None), 1);
        assert_eq!(
            confirmations(0, Some(u64::MAX)),
            u64::MAX,
            "issue 18: saturates, never wraps"
        );
    }

    #[test]
    fn finalized_at_the_threshold_confirmed_below_with_eta() {
        let cfg = cfg();
        let eth = cfg.chain("eth").unwrap();
        let v = verdict(&facts(Some(100), 163, Some(true)), eth);
        assert_eq!(
            (v.status, v.reason, v.confirmations, v.eta_seconds),
            (Status::Finalized, Reason::Included, Some(64), None)
        );
        let v = verdict(&facts(Some(100), 162, Some(true)), eth);
        assert_eq!(
            (v.status, v.confirmations, v.eta_seconds),
            (Status::Confirmed, Some(63), Some(12))
        );
        let bsc = cfg.chain("bsc").unwrap();
        let v = verdict(&facts(Some(100), 104, Some(true)), bsc);
        assert_eq!(
            (v.status, v.confirmations, v.eta_seconds),
            (Status::Confirmed, Some(5), Some(5)),
            "10 × 0.45 s rounds up"
        );
    }

    #[test]
    fn pending_and_failed() {
        let cfg = cfg();
        let eth = cfg.chain("eth").unwrap();
        assert_eq!(
            verdict(&facts(None, 100, None), eth).status,
            Status::Pending
        );
        let mut f = facts(Some(100), 200, Some(false));
        assert_eq!(
            verdict(&f, eth).reason,
            Reason::Other,
            "no evidence, no guess"
        );
        f.failure = Some(Failure {
            message: Some("x".into()),
            kind: FailureKind::ErrorString,
            data: None,
        });
        assert_eq!(
            (verdict(&f, eth).status, verdict(&f, eth).reason),
            (Status::Failed, Reason::Reverted)
        );
        f.failure = Some(Failure {
            message: None,
            kind: FailureKind::OutOfGas,
            data: None,
        });
        assert_eq!(verdict(&f, eth).reason, Reason::OutOfGas);
        f.failure = Some(Failure {
            message: None,
            kind: FailureKind::EmptyRevert,
            data: None,
        });
        assert_eq!(verdict(&f, eth).reason, Reason::Reverted);
    }

    fn fail(endpoint: &str, mismatch: bool) -> EndpointFailure {
        EndpointFailure {
            endpoint: endpoint.into(),
            what: "could not connect".into(),
            kind: if mismatch {
                FaultKind::ChainMismatch
            } else {
                FaultKind::Connect
            },
        }
    }

    fn run(outcomes: Vec<(&str, ChainOutcome)>) -> TxReport {
        let search = Search {
            outcomes: outcomes
                .into_iter()
                .map(|(k, o)| (k.to_string(), o))
                .collect(),
        };
        let searched: Vec<String> = search.outcomes.iter().map(|(k, _)| k.clone()).collect();
        tx_report("q", "0xab", &searched, search, &cfg())
    }

    #[test]
    fn not_found_needs_an_answer_from_every_chain() {
        let nf = || ChainOutcome::NotFound {
            endpoints: vec!["https://a".into()],
            failures: vec![],
            congestion: None,
            vanished: None,
            respent: None,
        };
        let r = run(vec![("eth", nf()), ("bsc", nf())]);
        assert_eq!((r.status, r.reason), (Status::NotFound, Reason::NotFound));
        assert_eq!(r.chain, None, "several chains searched: no chain named");

        let r = run(vec![
            ("eth", nf()),
            (
                "bsc",
                ChainOutcome::Unavailable {
                    failures: vec![fail("https://b", false)],
                },
            ),
        ]);
        assert_eq!(
            (r.status, r.reason),
            (Status::Unknown, Reason::EndpointsUnavailable)
        );
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].endpoint.as_deref(), Some("https://b"));
        assert_eq!(r.warnings[0].chain.as_deref(), Some("bsc"));

        let r = run(vec![(
            "bsc",
            ChainOutcome::Unavailable {
                failures: vec![fail("https://b", true)],
            },
        )]);
        assert_eq!(
            (r.status, r.reason),
            (Status::Unknown, Reason::ChainMismatch)
        );
        assert_eq!(r.chain.as_deref(), Some("bsc"));
    }

    #[test]
    fn found_wins_and_keeps_that_chains_endpoint_warnings() {
        let found = ChainOutcome::Found {
            facts: Box::new(facts(Some(10), 20, Some(true))),
            endpoint: "https://ok".into(),
            failures: vec![fail("https://dead", false)],
        };
        let r = run(vec![
            (
                "eth",
                ChainOutcome::Unavailable {
                    failures: vec![fail("https://x", false)],
                },
            ),
            ("bsc", found),
        ]);
        assert_eq!(
            (r.status, r.chain.as_deref(), r.confirmations),
            (Status::Confirmed, Some("bsc"), Some(11))
        );
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].endpoint.as_deref(), Some("https://dead"));
        assert!(
            r.explorer_url
                .unwrap()
                .starts_with("https://bscscan.com/tx/0x")
        );
    }
}
