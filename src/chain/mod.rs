//! Lookups on the chains: one adapter per family (`evm`, `tron`, `bitcoin`) and the
//! search of one query across its candidate chains in parallel. The first
//! chain to find the transaction answers; the others are cancelled.

pub mod antelope;
pub mod aptos;
pub mod bitcoin;
pub mod evm;
pub mod explain;
pub mod family;
mod outcome;
pub mod probe;
mod race;
pub mod solana;
pub mod spec;
pub mod substrate;
pub mod transport;
pub mod tron;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use alloy_primitives::B256;

use crate::model::Family;
use crate::model::Seen;
use crate::model::Target;
use spec::{Chain, Config};
use transport::{Endpoint, RpcClient};

pub use outcome::*;
pub use race::*;

/// The endpoint for `url`, with the chain's API key header when this is the
/// key's host (chains.toml `api_key_*`): a key never goes anywhere else.
pub fn endpoint(chain: &Chain, url: &str) -> Endpoint {
    let e = Endpoint::new(url).with_limits(chain.limits_of(url));
    let e = match family::of(chain.family).refusal() {
        Some(rule) => e.with_refusal(rule),
        None => e,
    };
    match &chain.api_key {
        Some(key) if e.host() == key.host.to_ascii_lowercase() => {
            match std::env::var(&key.env)
                .ok()
                .filter(|v| !v.trim().is_empty())
            {
                // An `Authorization` key is a bearer token (Aptos Build):
                // the scheme is added when the variable holds the key alone.
                Some(value)
                    if key.header.eq_ignore_ascii_case("authorization")
                        && !value.trim().contains(' ') =>
                {
                    e.with_header(&key.header, &format!("Bearer {}", value.trim()))
                }
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
pub fn token_id(chain: &Chain, token: &spec::Token) -> String {
    family::of(chain.family).token_id(token)
}

/// The part of an address that people compare by eye: without `0x` (EVM)
/// or the `bc1q`-style prefix every segwit address shares.
pub fn visible_part(address: &str, family: Family) -> String {
    family::of(family).visible_part(address)
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
    family::of(chain.family)
        .payees(client, chain, endpoint, sender, head)
        .await
}

/// How a hash is shown when no chain has it: bare hex when no EVM chain
/// was searched (TRON and Bitcoin ids carry no 0x), else with 0x.
pub fn shown_hash(hash: &B256, chains: &[String], config: &Config) -> String {
    let bare = chains.iter().all(|c| {
        config
            .chain(c)
            .is_some_and(|c| !family::of(c.family).prefixes_hashes())
    });
    if bare {
        alloy_primitives::hex::encode(hash)
    } else {
        alloy_primitives::hex::encode_prefixed(hash)
    }
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
    family::of(chain.family)
        .lookup_address(client, chain, target, scope)
        .await
}

/// What a query keeps of its time for the rest once the costly searches
/// (`ChainFamily::deferred`) run out of it.
const DEFERRED_MARGIN: std::time::Duration = std::time::Duration::from_millis(500);

/// How long, once one chain found the transaction, the others still
/// searching are waited for: long enough for a healthy endpoint's answer.
pub const ALSO_ON_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Searches every chain in `chains` for the transaction `key` at once.
/// `remembered` gives what an earlier run saw pending on a chain.
pub async fn search_tx<'a>(
    client: &RpcClient,
    config: &'a Config,
    chains: &[String],
    key: &TxKey,
    remembered: &(dyn Fn(&str) -> Option<Seen> + Sync),
    deadline: Option<tokio::time::Instant>,
) -> Search {
    // The costly searches (`ChainFamily::deferred`) wait for the others.
    let (deferred, direct): (Vec<&Chain>, Vec<&Chain>) = chains
        .iter()
        .filter_map(|key| config.chain(key))
        .partition(|chain| family::of(chain.family).deferred(chain, key));
    let search = |chain: &'a Chain| {
        let seen = remembered(&chain.key);
        async move {
            (
                chain.key.clone(),
                lookup_tx(client, chain, key, seen.as_ref()).await,
            )
        }
    };
    let mut outcomes = Vec::with_capacity(chains.len());
    if let [only] = direct[..] {
        // One chain to ask (a hint, a link, a one-chain configuration): no
        // race to run, and none of its bookkeeping per lookup.
        outcomes.push(search(only).await);
    } else {
        let mut pending: FuturesUnordered<_> = direct.into_iter().map(search).collect();
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
    }
    // The costly searches, only where no other chain has it.
    if !outcomes
        .iter()
        .any(|(_, o)| matches!(o, ChainOutcome::Found { .. }))
    {
        // The costly searches get what is left of the query's time (less a
        // moment for the rest): out of time, they are unavailable, and what
        // the other chains said stands.
        let all = futures_util::future::join_all(deferred.iter().copied().map(search));
        let until = deadline.map(|d| d.checked_sub(DEFERRED_MARGIN).unwrap_or(d));
        match until {
            Some(until) => match tokio::time::timeout_at(until, all).await {
                Ok(done) => outcomes.extend(done),
                Err(_) => outcomes.extend(deferred.iter().map(|c| {
                    let failure = EndpointFailure::new(
                        FaultKind::Timeout,
                        "the search of its recent blocks did not finish within --timeout; try again with a longer --timeout, or give the block-index or Subscan link",
                    );
                    let failures = vec![failure];
                    (c.key.clone(), ChainOutcome::Unavailable { failures })
                })),
            },
            None => outcomes.extend(all.await),
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
    family::of(chain.family)
        .lookup_tx(client, chain, key, remembered)
        .await
}
