//! Lookups on the chains: one adapter per family (`evm`, `tron`, `bitcoin`) and the
//! search of one query across its candidate chains in parallel. The first
//! chain to find the transaction answers; the others are cancelled.

pub mod bitcoin;
pub mod evm;
mod outcome;
pub mod probe;
mod race;
pub mod solana;
pub mod transport;
pub mod tron;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use alloy_primitives::B256;

use crate::config::{Chain, Config, Family};
use crate::model::Seen;
use crate::query::Target;
use transport::{Endpoint, RpcClient};

pub use outcome::*;
pub use race::*;

/// The endpoint for `url`, with the chain's API key header when this is the
/// key's host (chains.toml `api_key_*`): a key never goes anywhere else.
pub fn endpoint(chain: &Chain, url: &str) -> Endpoint {
    let e = Endpoint::new(url).with_limits(chain.limits_of(url));
    let e = match chain.family {
        Family::Tron => e.with_refusal(tron::refusal),
        Family::Evm | Family::Bitcoin | Family::Solana => e,
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

/// The part of an address that people compare by eye: without `0x` (EVM)
/// or the `bc1q`-style prefix every segwit address shares.
pub fn visible_part(address: &str, family: Family) -> String {
    match family {
        Family::Evm => address
            .strip_prefix("0x")
            .unwrap_or(address)
            .to_ascii_lowercase(),
        Family::Bitcoin => match address.to_ascii_lowercase().split_once('1') {
            Some((hrp, rest)) if !hrp.is_empty() && hrp.len() <= 4 && rest.len() > 30 => {
                rest.chars().skip(1).collect()
            }
            _ => address.to_string(),
        },
        Family::Tron | Family::Solana => address.to_string(),
    }
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
    // Exhaustive over the families: a new one must say how it reads an
    // address (query::parse only pairs a target with the families it fits).
    let wrong_kind = || AddressOutcome::Unavailable {
        failures: vec![failed(format!(
            "a {} chain cannot hold this kind of address",
            chain.family.as_str()
        ))],
    };
    match chain.family {
        Family::Evm => match target {
            Target::EvmAddress(a) => evm::address::lookup_address(client, chain, *a, scope).await,
            _ => wrong_kind(),
        },
        Family::Tron => match target {
            Target::TronAddress(a) => tron::account::lookup_address(client, chain, *a, scope).await,
            _ => wrong_kind(),
        },
        Family::Solana => match target {
            Target::SolanaAddress(a) => {
                solana::account::lookup_address(client, chain, a, scope).await
            }
            _ => wrong_kind(),
        },
        Family::Bitcoin => match target {
            Target::UtxoAddress { address, .. } => {
                bitcoin::account::lookup_address(client, chain, address, scope).await
            }
            _ => wrong_kind(),
        },
    }
}

/// How long, once one chain found the transaction, the others still
/// searching are waited for: long enough for a healthy endpoint's answer.
pub const ALSO_ON_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

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
    // Exhaustive over the families: a new one must say how it looks ids up.
    // query::parse only pairs a key with the families that use its kind.
    let wrong_kind = || ChainOutcome::Unavailable {
        failures: vec![failed(format!(
            "a {} chain cannot hold this kind of id",
            chain.family.as_str()
        ))],
    };
    match chain.family {
        Family::Evm => match key {
            TxKey::Hash(h) => evm::lookup_tx(client, chain, *h, remembered).await,
            TxKey::Signature(_) => wrong_kind(),
        },
        Family::Tron => match key {
            TxKey::Hash(h) => tron::lookup_tx(client, chain, *h).await,
            TxKey::Signature(_) => wrong_kind(),
        },
        Family::Bitcoin => match key {
            TxKey::Hash(h) => bitcoin::lookup_tx(client, chain, *h, remembered).await,
            TxKey::Signature(_) => wrong_kind(),
        },
        Family::Solana => match key {
            TxKey::Signature(s) => solana::lookup_tx(client, chain, s).await,
            TxKey::Hash(_) => wrong_kind(),
        },
    }
}
