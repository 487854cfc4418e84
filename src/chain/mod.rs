//! Lookups on the chains: one adapter per family (`evm`, `tron`, `bitcoin`) and the
//! search of one query across its candidate chains in parallel. The first
//! chain to find the transaction answers; the others are cancelled.

pub mod bitcoin;
pub mod evm;
pub mod probe;
pub mod solana;
pub mod transport;
pub mod tron;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use alloy_primitives::B256;

use crate::config::{Chain, Config, Family};
use crate::model::address::AddressFacts;
use crate::model::{Congestion, Respent, Seen, TxFacts, Vanished};
use crate::query::Target;
use transport::{Endpoint, RpcClient};

/// The endpoint for `url`, with the chain's API key header when this is the
/// key's host (chains.toml `api_key_*`): a key never goes anywhere else.
pub fn endpoint(chain: &Chain, url: &str) -> Endpoint {
    let e = Endpoint::new(url).with_limits(chain.limits_of(url));
    let e = match chain.family {
        Family::Tron => e.with_refusal(tron::refusal),
        _ => e,
    };
    match &chain.api_key {
        Some(key) if e.host() == key.host.to_ascii_lowercase() => {
            match std::env::var(&key.env)
                .ok()
                .filter(|v| !v.trim().is_empty())
            {
                Some(value) => e.with_header(&key.header, value.trim()),
                None => e,
            }
        }
        _ => e,
    }
}

/// The most distinct unknown token contracts one transaction lookup reads
/// `symbol()` and `decimals()` of: a transaction emitting Transfer logs of
/// hundreds of contracts must not cost hundreds of calls. The rest are
/// shown by contract and base units, and the report says so.
pub const MAX_TOKEN_READS: usize = 8;

/// A configured token as the family's adapters name token contracts in
/// transfers (EVM checksummed `0x…`, TRON `T…`, a Solana mint).
pub fn token_id(chain: &Chain, token: &crate::config::Token) -> String {
    match chain.family {
        Family::Evm => token.address.to_string(),
        Family::Tron => tron::address::to_base58(&token.address),
        Family::Solana | Family::Bitcoin => token.mint.clone().unwrap_or_default(),
    }
}

/// Why one endpoint could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFailure {
    /// Redacted URL.
    pub endpoint: String,
    pub what: String,
    pub kind: FaultKind,
}

/// What kind of fault an endpoint showed: a machine code beside the
/// message (the JSON warning's `kind`), and what decides the warning's code
/// (`chain_mismatch`, `inconsistent_answer`, `endpoint_failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Timeout,
    RateLimited,
    Connect,
    Http,
    /// Redirected elsewhere: not followed, so no key travels with it.
    Redirected,
    Undecodable,
    TooLarge,
    /// The node answered with an error of its own.
    NodeError,
    /// The endpoint answered for another chain.
    ChainMismatch,
    /// Too far behind the others (or not synced) to testify "not found".
    Lagging,
    /// Its answers contradict each other or the question: not evidence.
    Inconsistent,
    Other,
}

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Timeout => "timeout",
            FaultKind::RateLimited => "rate_limited",
            FaultKind::Connect => "connect",
            FaultKind::Http => "http",
            FaultKind::Redirected => "redirected",
            FaultKind::Undecodable => "undecodable",
            FaultKind::TooLarge => "too_large",
            FaultKind::NodeError => "node_error",
            FaultKind::ChainMismatch => "chain_mismatch",
            FaultKind::Lagging => "lagging",
            FaultKind::Inconsistent => "inconsistent",
            FaultKind::Other => "other",
        }
    }
}

impl EndpointFailure {
    /// A failure of `kind` (the endpoint is filled in by whoever asked it).
    pub fn new(kind: FaultKind, what: impl Into<String>) -> Self {
        EndpointFailure {
            endpoint: String::new(),
            what: what.into(),
            kind,
        }
    }

    /// The endpoint's answers disagree with the question or with each other.
    pub fn inconsistent(detail: impl Into<String>) -> Self {
        Self::new(FaultKind::Inconsistent, detail)
    }

    /// An endpoint-level error, with its kind.
    pub fn from_error(e: &transport::EndpointError) -> Self {
        Self::new(e.kind(), e.to_string())
    }

    /// The same failure with `context` ("eth_chainId: …") before its message.
    pub fn context(self, context: &str) -> Self {
        EndpointFailure {
            what: format!("{context}: {}", self.what),
            ..self
        }
    }
}

/// What one chain said about a query.
#[derive(Debug, Clone, PartialEq)]
pub enum ChainOutcome {
    Found {
        facts: Box<TxFacts>,
        endpoint: String,
        failures: Vec<EndpointFailure>,
    },
    /// At least one trusted endpoint answered that it does not know the hash.
    NotFound {
        endpoints: Vec<String>,
        failures: Vec<EndpointFailure>,
        congestion: Option<Congestion>,
        /// The transaction was seen pending by an earlier run: what became of it.
        vanished: Option<Box<Vanished>>,
        /// Another transaction spends its coins (Bitcoin RBF).
        respent: Option<Respent>,
    },
    /// No endpoint gave a usable answer.
    Unavailable { failures: Vec<EndpointFailure> },
}

/// What one endpoint answered about a transaction.
pub enum Answer {
    Found(Box<TxFacts>),
    /// It does not know the transaction. `head`: its newest block (or slot),
    /// to tell a node that lags behind the others; the network's load, when asked.
    Unknown {
        head: Option<u64>,
        congestion: Option<Congestion>,
    },
}

/// "Not found" needs this many endpoints to say so, where that many are
/// configured: one lagging or pruned node must not tell a customer their
/// money is gone.
pub const NOT_FOUND_QUORUM: usize = 2;

/// An endpoint whose head is more than this far behind the best head seen
/// is not trusted to say a transaction does not exist.
const LAG_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(30);

/// `LAG_TOLERANCE` in the chain's blocks (at least 2).
pub fn lag_tolerance(chain: &Chain) -> u64 {
    ((LAG_TOLERANCE.as_secs_f64() / chain.block_time_secs.max(0.001)).ceil() as u64).max(2)
}

/// Whether an endpoint at `head` is too far behind the `best` head seen
/// (more than `lag_tolerance` blocks) to be trusted to say a transaction
/// does not exist. Saturating: a head is whatever an endpoint answered.
pub fn is_lagging(chain: &Chain, head: u64, best: u64) -> bool {
    head.saturating_add(lag_tolerance(chain)) < best
}

/// What the endpoints of one chain said about a transaction.
pub struct Asked {
    /// The facts and the (redacted) endpoint that found them.
    pub found: Option<(Box<TxFacts>, String)>,
    /// The endpoints that answered "unknown", with their heads, in answer order.
    pub unknown: Vec<(Endpoint, Option<u64>)>,
    pub failures: Vec<EndpointFailure>,
    pub congestion: Option<Congestion>,
}

impl Asked {
    /// The "unknown" answers that count: from endpoints within
    /// `lag_tolerance` of the best head among them (an endpoint without a
    /// head cannot be judged and counts).
    fn trusted<'a>(
        &'a self,
        chain: &'a Chain,
    ) -> impl Iterator<Item = &'a (Endpoint, Option<u64>)> {
        let best = self.unknown.iter().filter_map(|(_, h)| *h).max();
        self.unknown.iter().filter(move |(_, h)| match (h, best) {
            (Some(h), Some(best)) => !is_lagging(chain, *h, best),
            _ => true,
        })
    }

    /// The verdict of the chain: found; not found when `NOT_FOUND_QUORUM`
    /// endpoints (or every configured one, when fewer) that are not behind
    /// the best head said so; otherwise unavailable, with why.
    pub fn outcome(mut self, chain: &Chain) -> (ChainOutcome, Vec<Endpoint>) {
        if let Some((facts, endpoint)) = self.found {
            let outcome = ChainOutcome::Found {
                facts,
                endpoint,
                failures: self.failures,
            };
            return (outcome, Vec::new());
        }
        let trusted: Vec<Endpoint> = self.trusted(chain).map(|(e, _)| e.clone()).collect();
        let best = self.unknown.iter().filter_map(|(_, h)| *h).max();
        for (e, head) in &self.unknown {
            if let (Some(h), Some(best)) = (head, best)
                && is_lagging(chain, *h, best)
            {
                self.failures.push(EndpointFailure {
                    endpoint: e.shown.clone(),
                    what: format!(
                        "is {} blocks behind the most up-to-date endpoint (head {h}, best {best}): its \"unknown transaction\" is not trusted",
                        best - h
                    ),
                    kind: FaultKind::Lagging,
                });
            }
        }
        let quorum = NOT_FOUND_QUORUM.min(chain.rpc.len());
        if trusted.len() >= quorum && !trusted.is_empty() {
            let outcome = ChainOutcome::NotFound {
                endpoints: trusted.iter().map(|e| e.shown.clone()).collect(),
                failures: self.failures,
                congestion: self.congestion,
                vanished: None,
                respent: None,
            };
            return (outcome, trusted);
        }
        if !trusted.is_empty() {
            self.failures.push(EndpointFailure::new(
                FaultKind::Other,
                format!(
                    "only {} of the {quorum} endpoints a \"not found\" needs said they do not know the transaction; the others failed or lag",
                    trusted.len()
                ),
            ));
        }
        let outcome = ChainOutcome::Unavailable {
            failures: self.failures,
        };
        (outcome, Vec::new())
    }
}

/// Asks `endpoints` in order. The next one is asked as soon as `judge` lets
/// an answer pass (returns false) and — with the client's `hedge_after` —
/// when the one asked has not answered in that time: a hung endpoint costs
/// a moment, not a timeout. Stops at the first answer `judge` keeps (true),
/// dropping the requests still running, or when every endpoint answered.
pub async fn race_in_turn<T, F, Fut>(
    client: &RpcClient,
    endpoints: &[Endpoint],
    mut ask: F,
    mut judge: impl FnMut(usize, Result<T, EndpointFailure>) -> bool,
) where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<T, EndpointFailure>>,
{
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    let mut start = |next: &mut usize, running: &mut FuturesUnordered<_>| {
        if let Some(e) = endpoints.get(*next) {
            let i = *next;
            let answer = ask(e.clone());
            running.push(async move { (i, answer.await) });
            *next += 1;
        }
    };
    loop {
        if running.is_empty() {
            if next == endpoints.len() {
                return;
            }
            start(&mut next, &mut running);
        }
        let hedge = client.hedge_after().filter(|_| next < endpoints.len());
        tokio::select! {
            Some((i, answer)) = running.next() => {
                if judge(i, answer) {
                    return;
                }
                start(&mut next, &mut running);
            }
            () = tokio::time::sleep(hedge.unwrap_or_default()), if hedge.is_some() => {
                start(&mut next, &mut running);
            }
        }
    }
}

/// Asks the chain's endpoints (`race_in_turn`) until one finds the
/// transaction or enough trusted ones say they do not know it. Every family
/// uses this.
pub async fn ask_endpoints<F, Fut>(client: &RpcClient, chain: &Chain, ask: F) -> Asked
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, EndpointFailure>>,
{
    let endpoints: Vec<Endpoint> = chain.rpc.iter().map(|u| endpoint(chain, u)).collect();
    let quorum = NOT_FOUND_QUORUM.min(endpoints.len());
    let mut asked = Asked {
        found: None,
        unknown: Vec::new(),
        failures: Vec::new(),
        congestion: None,
    };
    race_in_turn(client, &endpoints, ask, |i, answer| match answer {
        Ok(Answer::Found(facts)) => {
            asked.found = Some((facts, endpoints[i].shown.clone()));
            true
        }
        // A node that cannot say where its chain is (no head, or block 0:
        // not synced) has nothing to compare the hash with.
        Ok(Answer::Unknown { head: None | Some(0), .. }) => {
            asked.failures.push(EndpointFailure {
                endpoint: endpoints[i].shown.clone(),
                ..EndpointFailure::new(
                    FaultKind::Lagging,
                    "does not know the transaction, but gave no head block (or block 0): an unsynced node cannot say a transaction does not exist",
                )
            });
            false
        }
        Ok(Answer::Unknown { head, congestion }) => {
            asked.congestion = asked.congestion.take().or(congestion);
            asked.unknown.push((endpoints[i].clone(), head));
            asked.trusted(chain).count() >= quorum
        }
        Err(failure) => {
            asked.failures.push(EndpointFailure {
                endpoint: endpoints[i].shown.clone(),
                ..failure
            });
            false
        }
    })
    .await;
    asked
}

/// A plain-message failure as an `EndpointFailure` (the endpoint is filled in later).
pub(crate) fn failed(what: String) -> EndpointFailure {
    EndpointFailure::new(FaultKind::Other, what)
}

/// The sender's recent payees, where the family can read them (EVM: one
/// batch of `eth_getLogs` on the endpoint that answered), for the
/// address-poisoning check of a payment; `None` elsewhere.
pub async fn payees(
    client: &RpcClient,
    chain: &Chain,
    endpoint: &str,
    sender: &str,
    head: u64,
) -> Option<crate::model::address::SenderHistory> {
    match chain.family {
        Family::Evm => {
            let sender = sender.parse().ok()?;
            evm::address::payees(client, chain, endpoint, sender, head).await
        }
        Family::Tron | Family::Bitcoin | Family::Solana => None,
    }
}

/// How a hash is shown when no chain has it: bare hex when no EVM chain
/// was searched (TRON and Bitcoin ids carry no 0x), else with 0x.
pub fn shown_hash(hash: &B256, chains: &[String], config: &Config) -> String {
    let no_evm = chains
        .iter()
        .all(|c| config.chain(c).is_some_and(|c| c.family != Family::Evm));
    if no_evm {
        alloy_primitives::hex::encode(hash)
    } else {
        alloy_primitives::hex::encode_prefixed(hash)
    }
}

/// What an address lookup reads: transfers back to `now - since_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressScope {
    pub since_secs: u64,
    /// Unix seconds.
    pub now: u64,
}

/// What one chain said about an address.
#[derive(Debug, Clone, PartialEq)]
pub enum AddressOutcome {
    Found {
        facts: Box<AddressFacts>,
        endpoint: String,
        failures: Vec<EndpointFailure>,
    },
    /// No endpoint gave a usable answer.
    Unavailable { failures: Vec<EndpointFailure> },
}

/// Looks the address up on every chain in `chains` at once; outcomes in
/// the order of `chains`.
pub async fn search_address(
    client: &RpcClient,
    config: &Config,
    chains: &[String],
    target: &Target,
    scope: &AddressScope,
) -> Vec<(String, AddressOutcome)> {
    let lookups = chains
        .iter()
        .filter_map(|key| config.chain(key))
        .map(|chain| async move {
            (
                chain.key.clone(),
                lookup_address(client, chain, target, scope).await,
            )
        });
    futures_util::future::join_all(lookups).await
}

async fn lookup_address(
    client: &RpcClient,
    chain: &Chain,
    target: &Target,
    scope: &AddressScope,
) -> AddressOutcome {
    match (chain.family, target) {
        (Family::Evm, Target::EvmAddress(a)) => {
            evm::address::lookup_address(client, chain, *a, scope).await
        }
        (Family::Tron, Target::TronAddress(a)) => {
            tron::account::lookup_address(client, chain, *a, scope).await
        }
        (Family::Solana, Target::SolanaAddress(a)) => {
            solana::account::lookup_address(client, chain, a, scope).await
        }
        (Family::Bitcoin, Target::UtxoAddress { address, .. }) => {
            bitcoin::account::lookup_address(client, chain, address, scope).await
        }
        (family, _) => AddressOutcome::Unavailable {
            failures: vec![failed(format!(
                "a {} chain cannot hold this kind of address",
                family.as_str()
            ))],
        },
    }
}

/// Asks the chain's endpoints (`race_in_turn`) for an address until one
/// answers; failures are kept for the report. For the REST-style families.
pub async fn first_answer<F, Fut>(client: &RpcClient, chain: &Chain, mut ask: F) -> AddressOutcome
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<AddressFacts, String>>,
{
    let endpoints: Vec<Endpoint> = chain.rpc.iter().map(|u| endpoint(chain, u)).collect();
    let (found, failures) = first_of(client, &endpoints, |e| {
        let answer = ask(e);
        async move { answer.await.map_err(failed) }
    })
    .await;
    match found {
        Some((facts, i)) => AddressOutcome::Found {
            facts: Box::new(facts),
            endpoint: endpoints[i].shown.clone(),
            failures,
        },
        None => AddressOutcome::Unavailable { failures },
    }
}

/// The first proper answer of `endpoints` (`race_in_turn`) with the index
/// of the endpoint that gave it, and the failures before it.
pub async fn first_of<T, F, Fut>(
    client: &RpcClient,
    endpoints: &[Endpoint],
    ask: F,
) -> (Option<(T, usize)>, Vec<EndpointFailure>)
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<T, EndpointFailure>>,
{
    let mut found = None;
    let mut failures = Vec::new();
    race_in_turn(client, endpoints, ask, |i, answer| match answer {
        Ok(t) => {
            found = Some((t, i));
            true
        }
        Err(f) => {
            failures.push(EndpointFailure {
                endpoint: endpoints[i].shown.clone(),
                ..f
            });
            false
        }
    })
    .await;
    (found, failures)
}

/// The outcome on every chain searched, in configuration order; when a chain
/// found the transaction, that chain's outcome and those that finished
/// before it or within `ALSO_ON_GRACE` after it (the same id may exist on
/// two chains: the report says so).
#[derive(Debug, Clone)]
pub struct Search {
    pub outcomes: Vec<(String, ChainOutcome)>,
}

/// How long, once one chain found the transaction, the others still
/// searching are waited for: long enough for a healthy endpoint's answer.
pub const ALSO_ON_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// How a transaction is named: a 32-byte hash (EVM, TRON, Bitcoin) or a
/// 64-byte signature (Solana, base58).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxKey {
    Hash(B256),
    Signature(String),
}

/// Searches every chain in `chains` for the transaction `key` at once.
/// `remembered` gives what an earlier run saw pending on a chain.
pub async fn search_tx(
    client: &RpcClient,
    config: &Config,
    chains: &[String],
    key: &TxKey,
    remembered: &dyn Fn(&str) -> Option<Seen>,
) -> Search {
    let mut pending: FuturesUnordered<_> = chains
        .iter()
        .filter_map(|key| config.chain(key))
        .map(|chain| {
            let seen = remembered(&chain.key);
            async move {
                (
                    chain.key.clone(),
                    lookup_tx(client, chain, key, seen.as_ref()).await,
                )
            }
        })
        .collect();
    let mut outcomes = Vec::new();
    let mut grace: Option<tokio::time::Instant> = None;
    loop {
        let next = match grace {
            None => pending.next().await,
            Some(until) => match tokio::time::timeout_at(until, pending.next()).await {
                Ok(next) => next,
                Err(_) => break,
            },
        };
        let Some((key, outcome)) = next else { break };
        if grace.is_none() && matches!(outcome, ChainOutcome::Found { .. }) {
            grace = Some(tokio::time::Instant::now() + ALSO_ON_GRACE);
        }
        outcomes.push((key, outcome));
    }
    let order = |k: &String| chains.iter().position(|c| c == k);
    outcomes.sort_by_key(|(k, _)| order(k));
    Search { outcomes }
}

async fn lookup_tx(
    client: &RpcClient,
    chain: &Chain,
    key: &TxKey,
    remembered: Option<&Seen>,
) -> ChainOutcome {
    match (chain.family, key) {
        (Family::Evm, TxKey::Hash(h)) => evm::lookup_tx(client, chain, *h, remembered).await,
        (Family::Tron, TxKey::Hash(h)) => tron::lookup_tx(client, chain, *h).await,
        (Family::Bitcoin, TxKey::Hash(h)) => {
            bitcoin::lookup_tx(client, chain, *h, remembered).await
        }
        (Family::Solana, TxKey::Signature(s)) => solana::lookup_tx(client, chain, s).await,
        // query::parse only pairs a key with the families that use its kind.
        (family, _) => ChainOutcome::Unavailable {
            failures: vec![failed(format!(
                "a {} chain cannot hold this kind of id",
                family.as_str()
            ))],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};

    #[test]
    fn lag_is_judged_in_the_chains_blocks_and_a_wild_head_cannot_overflow() {
        let cfg = parse(BUILTIN).unwrap();
        let eth = cfg.chain("eth").unwrap(); // 12 s blocks: 3 blocks of slack
        assert!(!is_lagging(eth, 97, 100));
        assert!(is_lagging(eth, 96, 100));
        let bsc = cfg.chain("bsc").unwrap(); // 0.45 s blocks: 67
        assert!(!is_lagging(bsc, 33, 100));
        assert!(is_lagging(bsc, 32, 100));
        assert!(!is_lagging(eth, u64::MAX, 100));
        assert!(is_lagging(eth, 0, u64::MAX));
    }
}
