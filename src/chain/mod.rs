//! Lookups on the chains: one adapter per family (`evm`, `tron`, `bitcoin`) and the
//! search of one query across its candidate chains in parallel. The first
//! chain to find the transaction answers; the others are cancelled.

pub mod bitcoin;
mod coalesce;
pub mod evm;
pub mod rpc;
pub mod solana;
pub mod throttle;
pub mod tron;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use alloy_primitives::B256;

use crate::config::{Chain, Config, Family};
use crate::model::address::AddressFacts;
use crate::model::{Congestion, Seen, TxFacts, Vanished};
use crate::query::Target;
use rpc::{Endpoint, RpcClient};

/// The endpoint for `url`, with the chain's API key header when this is the
/// key's host (chains.toml `api_key_*`): a key never goes anywhere else.
pub fn endpoint(chain: &Chain, url: &str) -> Endpoint {
    let e = Endpoint::new(url).with_limits(chain.limits_of(url));
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

/// Why one endpoint could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFailure {
    /// Redacted URL.
    pub endpoint: String,
    pub what: String,
    /// The endpoint answered for another chain.
    pub chain_mismatch: bool,
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
    },
    /// No endpoint gave a usable answer.
    Unavailable { failures: Vec<EndpointFailure> },
}

/// What one endpoint of a REST-style family answered about a transaction.
pub enum Answer {
    Found(Box<TxFacts>),
    /// It does not know the transaction; the network's load, when asked.
    Unknown(Option<Congestion>),
}

/// "Not found" needs this many endpoints to say so, where that many are configured.
pub const NOT_FOUND_QUORUM: usize = 2;

/// Asks the chain's endpoints in order until one finds the transaction or
/// `NOT_FOUND_QUORUM` say they do not know it; failures are kept for the
/// report. Shared by the TRON, Bitcoin and Solana adapters.
pub async fn ask_in_turn<F, Fut>(chain: &Chain, mut ask: F) -> ChainOutcome
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, String>>,
{
    let mut failures = Vec::new();
    let mut not_found_by = Vec::new();
    let mut congestion = None;
    for url in &chain.rpc {
        let endpoint = endpoint(chain, url);
        let shown = endpoint.shown.clone();
        match ask(endpoint).await {
            Ok(Answer::Found(facts)) => {
                return ChainOutcome::Found {
                    facts,
                    endpoint: shown,
                    failures,
                };
            }
            Ok(Answer::Unknown(c)) => {
                congestion = congestion.or(c);
                not_found_by.push(shown);
                if not_found_by.len() >= NOT_FOUND_QUORUM {
                    break;
                }
            }
            Err(what) => failures.push(EndpointFailure {
                endpoint: shown,
                what,
                chain_mismatch: false,
            }),
        }
    }
    if not_found_by.is_empty() {
        ChainOutcome::Unavailable { failures }
    } else {
        ChainOutcome::NotFound {
            endpoints: not_found_by,
            failures,
            congestion,
            vanished: None,
        }
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
            failures: vec![EndpointFailure {
                endpoint: String::new(),
                what: format!(
                    "a {} chain cannot hold this kind of address",
                    family.as_str()
                ),
                chain_mismatch: false,
            }],
        },
    }
}

/// Asks the chain's endpoints in order for an address until one answers;
/// failures are kept for the report. For the REST-style families.
pub async fn first_answer<F, Fut>(chain: &Chain, mut ask: F) -> AddressOutcome
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<AddressFacts, String>>,
{
    let mut failures = Vec::new();
    for url in &chain.rpc {
        let endpoint = endpoint(chain, url);
        let shown = endpoint.shown.clone();
        match ask(endpoint).await {
            Ok(facts) => {
                return AddressOutcome::Found {
                    facts: Box::new(facts),
                    endpoint: shown,
                    failures,
                };
            }
            Err(what) => failures.push(EndpointFailure {
                endpoint: shown,
                what,
                chain_mismatch: false,
            }),
        }
    }
    AddressOutcome::Unavailable { failures }
}

/// The outcome on every chain searched, in configuration order; when a chain
/// found the transaction, only that chain's outcome and those that finished
/// before it.
#[derive(Debug, Clone)]
pub struct Search {
    pub outcomes: Vec<(String, ChainOutcome)>,
}

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
    while let Some((key, outcome)) = pending.next().await {
        let found = matches!(outcome, ChainOutcome::Found { .. });
        outcomes.push((key, outcome));
        if found {
            break;
        }
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
        (Family::Bitcoin, TxKey::Hash(h)) => bitcoin::lookup_tx(client, chain, *h).await,
        (Family::Solana, TxKey::Signature(s)) => solana::lookup_tx(client, chain, s).await,
        // query::parse only pairs a key with the families that use its kind.
        (family, _) => ChainOutcome::Unavailable {
            failures: vec![EndpointFailure {
                endpoint: String::new(),
                what: format!("a {} chain cannot hold this kind of id", family.as_str()),
                chain_mismatch: false,
            }],
        },
    }
}
