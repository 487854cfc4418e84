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
    !q.target.is_tx()
}

/// Whether `--expect` can look at what `q` names: an address, or a bare id
/// that reads as an Aptos account (`account_reading`). `check`, `case add`
/// and the API refuse an expected amount for anything else.
pub fn takes_expect(q: &Query, settings: &Settings) -> bool {
    is_address(q) || account_reading(q, settings).is_some()
}

/// `--expect "100 USDT"` or `--expect 100 --token USDT` (with `--from`,
/// `--memo`): what an address query looks for.
pub fn expectation(
    text: Option<&str>,
    token: Option<&str>,
    from: Option<&str>,
    memo: Option<&str>,
) -> Result<Option<Expect>, crate::exit::UsageError> {
    let Some(text) = text else {
        return Ok(None);
    };
    let mut words = text.split_whitespace();
    let amount = words.next().unwrap_or_default().to_string();
    let symbol = words.next().map(str::to_string);
    if words.next().is_some() || !address::is_amount(&amount) {
        return Err(
            crate::exit::UsageError::new(format!("--expect {text:?} is not an amount")).hint(
                "give the amount in whole units, e.g. --expect 100 --token USDT or --expect \"0.5 ETH\"",
            ),
        );
    }
    let token = match (symbol, token) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => {
            return Err(crate::exit::UsageError::new(format!(
                "--expect names {a} but --token names {b}"
            )));
        }
        (a, b) => b.map(str::to_string).or(a),
    };
    Ok(Some(Expect {
        amount,
        token,
        from: from.map(str::to_string),
        memo: memo.map(str::to_string),
    }))
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
    // The rarer paths are boxed: a future is as large as its largest
    // path, and a batch holds thousands of transaction lookups at once.
    let deadline = ask.timeout.map(|t| tokio::time::Instant::now() + t);
    let limit = ask.timeout.unwrap_or_default();
    // A `0x` + 64-hex id with `--expect` is an account (Aptos): a hash has
    // no incoming transfers to look for.
    let as_account = account_reading(q, settings);
    if let (Some(aq), Some(_)) = (&as_account, ask.expect) {
        let lookup = Box::pin(lookup_address(
            client, settings, aq, ask.expect, ask.scope, ask.memory,
        ));
        let report = within(deadline, lookup).await;
        return Report::Address(Box::new(
            report.unwrap_or_else(|| address_timed_out(settings, aq, ask.expect, limit)),
        ));
    }
    if is_address(q) {
        let lookup = Box::pin(lookup_address(
            client, settings, q, ask.expect, ask.scope, ask.memory,
        ));
        let report = within(deadline, lookup).await;
        return Report::Address(Box::new(
            report.unwrap_or_else(|| address_timed_out(settings, q, ask.expect, limit)),
        ));
    }
    let lookup = lookup(client, settings, q, ask.memory, deadline);
    let report = within(deadline, lookup).await;
    // Boxed now: the report (2 KB) is kept across the rarer steps below.
    let mut report = Box::new(report.unwrap_or_else(|| timed_out(settings, q, limit)));
    // No chain has it as a transaction: it may be an Aptos account's address.
    if let Some(aq) = as_account.filter(|_| {
        matches!(report.status, Status::NotFound | Status::Unknown) && report.facts.is_none()
    }) {
        let lookup = Box::pin(lookup_address(
            client, settings, &aq, None, ask.scope, ask.memory,
        ));
        if let Some(mut account) = within(deadline, lookup).await
            && account_exists(&account)
        {
            account.warnings.push(Warning::new(
                "read_as_account",
                format!(
                    "no chain searched has {} as a transaction; it is an Aptos account's address, shown as such",
                    report.hash
                ),
            ));
            return Report::Address(Box::new(account));
        }
    }
    if ask.poisoning_check {
        let check = Box::pin(payee_check(client, settings, &mut report));
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
    Report::Tx(report)
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

/// The query read as an Aptos account, where it can be one: a `0x` +
/// 64-hex id pasted on its own (not a transaction link) and Aptos chains
/// among those searched.
pub fn account_reading(q: &Query, settings: &Settings) -> Option<Query> {
    let Target::Tx {
        hash,
        prefixed: true,
    } = &q.target
    else {
        return None;
    };
    let target = Target::AptosAddress(alloy_primitives::hex::encode_prefixed(hash));
    let chains: Vec<String> = q
        .chains
        .iter()
        .filter(|k| {
            settings
                .config
                .chain(k)
                .is_some_and(|c| crate::chain::family::of(c.family).holds(&target, c))
        })
        .cloned()
        .collect();
    if q.from_link || chains.is_empty() {
        return None;
    }
    Some(Query {
        target,
        chains,
        from_link: false,
        ..q.clone()
    })
}

/// Whether an account exists on a chain that answered: it sent something
/// or holds a coin or token.
fn account_exists(report: &AddressReport) -> bool {
    report
        .chains
        .iter()
        .filter_map(|c| c.facts.as_ref())
        .any(|f| {
            f.nonce.is_some_and(|n| n.latest > 0)
                || f.balance.as_ref().is_some_and(|b| !b.raw.is_zero())
                || f.tokens.iter().any(|t| !t.balance.raw.is_zero())
        })
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
        report.match_report = Some(Box::new(lookup(client, settings, &tx, memory, None).await));
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
        Target::AptosVersion(v) => v.to_string(),
        Target::Extrinsic { block, index } => format!("{block}-{index}"),
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
    diagnose::tx_report(&q.input, &hash, &q.chains, search, &settings.config)
}

/// Looks one transaction query up on its candidate chains and diagnoses it.
pub async fn lookup(
    client: &RpcClient,
    settings: &Settings,
    q: &Query,
    memory: &Memory,
    deadline: Option<tokio::time::Instant>,
) -> TxReport {
    let (key, hash_hex) = match &q.target {
        Target::Tx { hash, .. } => (
            chain::TxKey::Hash(*hash),
            chain::shown_hash(hash, &q.chains, &settings.config),
        ),
        Target::Signature(s) => (chain::TxKey::Signature(s.clone()), s.clone()),
        Target::AptosVersion(v) => (chain::TxKey::Version(*v), v.to_string()),
        Target::Extrinsic { block, index } => (
            chain::TxKey::Extrinsic {
                block: *block,
                index: *index,
            },
            format!("{block}-{index}"),
        ),
        _ => unreachable!("address queries go to lookup_address"),
    };
    let remembered = |chain: &str| memory.get(chain, &hash_hex);
    let search = chain::search_tx(
        client,
        &settings.config,
        &q.chains,
        &key,
        &remembered,
        deadline,
    )
    .await;
    diagnose::tx_report(&q.input, &hash_hex, &q.chains, search, &settings.config)
}
