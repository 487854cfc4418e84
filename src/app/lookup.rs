//! Looking one query up, whatever asks: the transaction or address lookup
//! across its candidate chains, bounded by its deadline, with the payment's
//! address-poisoning check; and `Report`, the answer of either kind with
//! its exit code.

use std::time::Duration;

use crate::chain::{self, transport::RpcClient};
use crate::diagnose::{
    self,
    address::{self, AddressReport, Expect, Outcome},
};
use crate::exit;
use crate::memory::Memory;
use crate::model::{Status, TxReport, Warning};
use crate::query::{self, Query, Target};
use crate::settings::Settings;

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

    pub fn has_unknown(&self) -> bool {
        match self {
            Report::Tx(r) => r.status == Status::Unknown,
            Report::Address(a) => a.outcome == Outcome::Unavailable,
        }
    }

    pub fn warnings(&self) -> &[Warning] {
        match self {
            Report::Tx(r) => &r.warnings,
            Report::Address(a) => &a.warnings,
        }
    }
}

pub fn is_address(q: &Query) -> bool {
    !matches!(q.target, Target::Tx { .. } | Target::Signature(_))
}

/// How one query is looked up.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// What an address query looks for (`--expect`).
    pub expect: Option<&'a Expect>,
    pub scope: &'a chain::AddressScope,
    pub memory: &'a Memory,
    /// Bounds the whole query — the lookup, an address's history, the
    /// poisoning check (`None`: no bound but the endpoints' own).
    pub timeout: Option<Duration>,
    /// Read the sender's recent payees to spot a look-alike recipient
    /// (one more request per payment, where the family reads payees).
    pub poisoning_check: bool,
}

/// Looks `q` up as `ask` says: an address or a transaction, within its
/// deadline; out of time, every chain still open reads `unknown`.
pub async fn answer(client: &RpcClient, settings: &Settings, q: &Query, ask: Ask<'_>) -> Report {
    let deadline = ask.timeout.map(|t| tokio::time::Instant::now() + t);
    let limit = ask.timeout.unwrap_or_default();
    if is_address(q) {
        let lookup = lookup_address(client, settings, q, ask.expect, ask.scope, ask.memory);
        let report = within(deadline, lookup).await;
        return Report::Address(Box::new(
            report.unwrap_or_else(|| address_timed_out(settings, q, ask.expect, limit)),
        ));
    }
    let lookup = lookup(client, settings, q, ask.memory);
    let report = within(deadline, lookup).await;
    let mut report = report.unwrap_or_else(|| timed_out(settings, q, limit));
    if ask.poisoning_check {
        let check = payee_check(client, settings, &mut report);
        if within(deadline, check).await.is_none() {
            report.warnings.push(Warning::new(
                "poisoning_unchecked",
                format!(
                    "the address-poisoning check did not finish within --timeout {}",
                    humantime::format_duration(limit)
                ),
            ));
        }
    }
    Report::Tx(Box::new(report))
}

/// `work`'s result, or `None` when `deadline` passed first.
async fn within<T>(
    deadline: Option<tokio::time::Instant>,
    work: impl std::future::Future<Output = T>,
) -> Option<T> {
    match deadline {
        Some(d) => tokio::time::timeout_at(d, work).await.ok(),
        None => Some(work.await),
    }
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
    let mut outcomes =
        chain::search_address(client, &settings.config, &q.chains, &q.target, scope).await;
    if let Some(contract) = &q.token {
        address::focus_token(&mut outcomes, contract);
    }
    let mut report = address::address_report(
        &q.input,
        query::clean(&q.input),
        &outcomes,
        expect,
        &settings.config,
    );
    report.token_filter = q.token.clone();
    if let Some(m) = &report.matched
        && let Ok(tx) = query::parse(&m.transfer.hash, &settings.config, Some(&m.chain))
    {
        report.match_report = Some(Box::new(lookup(client, settings, &tx, memory).await));
    }
    report
}

/// A payment to an address that looks like one the sender paid before:
/// reads the sender's recent payees (one request, where the family can) and warns.
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
    let (Some(recipient), Some(head), Some(endpoint)) = (
        address::payment_recipient(facts),
        facts.head,
        report.answered_by.first(),
    ) else {
        return;
    };
    let Some(history) = chain::payees(client, chain, endpoint, &facts.from, head).await else {
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
pub fn address_timed_out(
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

/// The report of a lookup that ran out of `--timeout`: every chain searched
/// is unavailable (so `unknown`, never `not_found`), and a warning says why.
pub fn timed_out(settings: &Settings, q: &Query, limit: Duration) -> TxReport {
    let hash = match &q.target {
        Target::Tx { hash, .. } => chain::shown_hash(hash, &q.chains, &settings.config),
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
            chain::shown_hash(hash, &q.chains, &settings.config),
        ),
        Target::Signature(s) => (chain::TxKey::Signature(s.clone()), s.clone()),
        _ => unreachable!("address queries go to lookup_address"),
    };
    let remembered = |chain: &str| memory.get(chain, &hash_hex);
    let search = chain::search_tx(client, &settings.config, &q.chains, &key, &remembered).await;
    diagnose::tx_report(&q.input, &hash_hex, &q.chains, &search, &settings.config)
}
