//! Aptos over the node REST API (`/v1`). A lookup asks, at once, the
//! transaction (`/transactions/by_hash/{hash}`, or `/by_version/{n}` for an
//! explorer link's number) and the gas estimate: two requests, one round
//! trip. The ledger — chain id, version, block height, timestamp, oldest
//! version kept — rides along in the `X-Aptos-*` headers of every answer,
//! 404s included (aptos-core `api/src/response.rs`); only when a proxy strips
//! them is `GET /v1` asked.
//!
//! Committed is final (AptosBFT: no confirmation depth, no reorg window).
//! A pending transaction (in the answering node's mempool) costs one more
//! request: the sender's sequence number, to tell a gap from a wait. "Not
//! found" needs two unpruned nodes (`oldest_ledger_version` 0) to say
//! `transaction_not_found`; a transaction seen pending before is then
//! `replaced` (its sequence number used by another), `dropped`/`expired`
//! (past `expiration_timestamp_secs` by the ledger's own clock), or still
//! `not_found` until it expires.

pub mod account;
pub mod convert;
mod explain;
mod ids;
pub mod wire;

use alloy_primitives::hex;

use self::convert::{Ledger, normalize};
use self::wire::{ApiError, GasEstimate, LedgerInfo, Transaction};
use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::transport::{Endpoint, RestAnswer, RpcClient, snippet};
use super::{
    AddressOutcome, AddressScope, Answer, ChainOutcome, EndpointFailure, FaultKind, TxKey,
};
use crate::chain::spec::{Chain, FamilyConfig, FamilyKeys};
use crate::model::{FamilyFacts, Fate, Seen, SenderNonce, Target};

/// Aptos mainnet's chain id (the ledger info's `chain_id`).
pub const MAINNET_CHAIN_ID: u64 = 1;

pub async fn lookup_tx(
    client: &RpcClient,
    chain: &Chain,
    key: &TxKey,
    remembered: Option<&Seen>,
) -> ChainOutcome {
    let path = match key {
        TxKey::Hash(h) => format!("/transactions/by_hash/{}", hex::encode_prefixed(h)),
        TxKey::Version(v) => format!("/transactions/by_version/{v}"),
        _ => return unheld_id(chain),
    };
    let path = path.as_str();
    let asked = super::ask_endpoints(client, chain, |e| async move {
        ask(client, &e, chain, key, path).await
    })
    .await;
    let (outcome, not_found_by) = asked.outcome(chain);
    super::with_fate(outcome, remembered, |seen| async move {
        fate_on_any(client, &not_found_by, &seen).await
    })
    .await
}

/// One endpoint's answer about the transaction.
async fn ask(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    key: &TxKey,
    path: &str,
) -> Result<Answer, EndpointFailure> {
    let (answer, estimate) =
        futures_util::join!(client.rest(e, path), client.rest(e, "/estimate_gas_price"));
    let answer = answer.map_err(|e| EndpointFailure::from_error(&e))?;
    let ledger = ledger_of(client, e, &answer).await?;
    check_chain_id(&ledger, chain)?;
    let estimate = estimate
        .ok()
        .filter(|a| a.status == 200)
        .and_then(|a| serde_json::from_slice::<GasEstimate>(&a.body).ok());
    match answer.status {
        200 => {
            let tx: Transaction = decode(&answer, path)?;
            verify(key, &tx, &ledger).map_err(EndpointFailure::inconsistent)?;
            let mut facts = convert::tx_facts(&tx, &ledger, estimate.as_ref(), chain);
            if tx.kind == "pending_transaction" && !facts.from.is_empty() {
                // Which sequence number the chain expects next: a gap or a wait.
                let seq = sequence_number(client, e, &facts.from).await.ok();
                if let FamilyFacts::Aptos(a) = &mut facts.family {
                    a.sender_sequence_number = seq;
                }
            }
            Ok(Answer::Found(Box::new(facts)))
        }
        404 => {
            let error: ApiError = decode(&answer, path)?;
            if error.error_code.as_deref() != Some("transaction_not_found") {
                return Err(EndpointFailure::new(
                    FaultKind::Http,
                    format!("GET {path}: HTTP 404 {}", crate::safe::text(&error.message)),
                ));
            }
            if ledger.oldest_version > 0 && matches!(key, TxKey::Hash(_)) {
                return Err(EndpointFailure::new(
                    FaultKind::Lagging,
                    format!(
                        "is a pruned node (it keeps versions from {} on): its \"transaction not found\" does not cover older transactions",
                        ledger.oldest_version
                    ),
                ));
            }
            Ok(Answer::Unknown {
                head: ledger.block_height.or(Some(ledger.version)),
                congestion: estimate.as_ref().map(convert::congestion),
            })
        }
        // A version the node has pruned (or not reached) is not a verdict.
        status => Err(EndpointFailure::new(
            FaultKind::Http,
            format!("GET {path}: HTTP {status}: {}", snippet(&answer.body)),
        )),
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    a: &RestAnswer,
    path: &str,
) -> Result<T, EndpointFailure> {
    serde_json::from_slice(&a.body).map_err(|err| {
        EndpointFailure::new(
            FaultKind::Undecodable,
            format!(
                "GET {path}: the answer is not the Aptos API's ({err}): {}",
                snippet(&a.body)
            ),
        )
    })
}

/// The ledger an answer was given at, from its `X-Aptos-*` headers; where a
/// proxy stripped them, from `GET /v1` (one more request).
async fn ledger_of(
    client: &RpcClient,
    e: &Endpoint,
    a: &RestAnswer,
) -> Result<Ledger, EndpointFailure> {
    if let Some(l) = ledger_from_headers(a) {
        return Ok(l);
    }
    ledger_info(client, e).await
}

/// The ledger as the headers of an answer give it.
pub fn ledger_from_headers(a: &RestAnswer) -> Option<Ledger> {
    let n = |name: &str| a.header(name)?.trim().parse::<u64>().ok();
    Some(Ledger {
        chain_id: n("x-aptos-chain-id")?,
        version: n("x-aptos-ledger-version")?,
        timestamp_us: n("x-aptos-ledger-timestampusec")?,
        oldest_version: n("x-aptos-ledger-oldest-version").unwrap_or(0),
        block_height: n("x-aptos-block-height"),
    })
}

/// `GET /v1`: the ledger info.
pub async fn ledger_info(client: &RpcClient, e: &Endpoint) -> Result<Ledger, EndpointFailure> {
    let a = client
        .rest(e, "/")
        .await
        .map_err(|err| EndpointFailure::from_error(&err))?;
    if a.status != 200 {
        return Err(EndpointFailure::new(
            FaultKind::Http,
            format!(
                "GET / (ledger info): HTTP {}: {}",
                a.status,
                snippet(&a.body)
            ),
        ));
    }
    let info: LedgerInfo = decode(&a, "/ (ledger info)")?;
    Ok(Ledger {
        chain_id: info.chain_id,
        version: info.ledger_version,
        timestamp_us: info.ledger_timestamp,
        oldest_version: info.oldest_ledger_version,
        block_height: info.block_height,
    })
}

/// The endpoint serves the network chains.toml names (mainnet: 1).
fn check_chain_id(ledger: &Ledger, chain: &Chain) -> Result<(), EndpointFailure> {
    let expected = chain.chain_id.unwrap_or(MAINNET_CHAIN_ID);
    if ledger.chain_id != expected {
        return Err(EndpointFailure::new(
            FaultKind::ChainMismatch,
            format!(
                "serves Aptos chain id {}, but chains.toml says {} is {expected} (a testnet or devnet node?)",
                ledger.chain_id, chain.key
            ),
        ));
    }
    Ok(())
}

/// Whether a transaction one node gave is evidence about the one asked
/// (the trust rules): its hash (or version) is the one asked, a committed
/// one has a version not past the ledger's and an outcome, a pending one
/// has none, and a user transaction names its sender.
pub fn verify(key: &TxKey, tx: &Transaction, ledger: &Ledger) -> Result<(), String> {
    match key {
        TxKey::Hash(h) => {
            let asked = hex::encode_prefixed(h);
            if !tx.hash.eq_ignore_ascii_case(&asked) {
                return Err(format!(
                    "answered for {asked} with another transaction ({})",
                    crate::safe::shorten(&tx.hash)
                ));
            }
        }
        TxKey::Version(v) => {
            if tx.version != Some(*v) {
                return Err(format!(
                    "answered for version {v} with version {:?}",
                    tx.version
                ));
            }
        }
        _ => return Err("not an Aptos id".into()),
    }
    let pending = tx.kind == "pending_transaction";
    match (pending, tx.version) {
        (true, Some(v)) => {
            return Err(format!(
                "calls the transaction pending but gives it version {v}"
            ));
        }
        (false, None) => return Err("calls the transaction committed but gives no version".into()),
        (false, Some(v)) if v > ledger.version => {
            return Err(format!(
                "puts the transaction at version {v}, past its own ledger version {}",
                ledger.version
            ));
        }
        _ => {}
    }
    if !pending && tx.success.is_none() {
        return Err("gives a committed transaction without its outcome (success)".into());
    }
    if matches!(tx.kind.as_str(), "user_transaction" | "pending_transaction")
        && tx.sender.as_deref().and_then(normalize).is_none()
    {
        return Err("gives a user transaction without a sender address".into());
    }
    Ok(())
}

/// `GET /accounts/{a}`: the next sequence number (0 for an account that
/// does not exist yet: it has sent nothing).
pub async fn sequence_number(
    client: &RpcClient,
    e: &Endpoint,
    address: &str,
) -> Result<u64, EndpointFailure> {
    let path = format!("/accounts/{address}");
    let a = client
        .rest(e, &path)
        .await
        .map_err(|err| EndpointFailure::from_error(&err))?;
    match a.status {
        200 => Ok(decode::<wire::Account>(&a, &path)?.sequence_number),
        404 if decode::<ApiError>(&a, &path)?.error_code.as_deref()
            == Some("account_not_found") =>
        {
            Ok(0)
        }
        s => Err(EndpointFailure::new(
            FaultKind::Http,
            format!("GET {path}: HTTP {s}: {}", snippet(&a.body)),
        )),
    }
}

/// What became of a remembered transaction, asked of the endpoints that
/// answered "not found", in order, until one can say.
async fn fate_on_any(client: &RpcClient, endpoints: &[Endpoint], seen: &Seen) -> Fate {
    let mut why = Vec::new();
    for e in endpoints {
        match fate(client, e, seen).await {
            Ok(f) => return f,
            Err(err) => why.push(format!("{} {}", e.shown, err.what)),
        }
    }
    Fate::Unchecked {
        why: why.join("; "),
    }
}

/// The sender's sequence number and the ledger's clock decide: used by
/// another transaction (replaced, found in the sender's list), past the
/// expiration (expired: never included, safe to send again), or not yet.
async fn fate(client: &RpcClient, e: &Endpoint, seen: &Seen) -> Result<Fate, EndpointFailure> {
    let path = format!("/accounts/{}", seen.from);
    let a = client
        .rest(e, &path)
        .await
        .map_err(|err| EndpointFailure::from_error(&err))?;
    let ledger = ledger_of(client, e, &a).await?;
    let latest = match a.status {
        200 => decode::<wire::Account>(&a, &path)?.sequence_number,
        404 => 0,
        s => {
            return Err(EndpointFailure::new(
                FaultKind::Http,
                format!("GET {path}: HTTP {s}"),
            ));
        }
    };
    let nonce = SenderNonce {
        latest,
        pending: latest,
    };
    if latest > seen.nonce {
        let list = format!(
            "/accounts/{}/transactions?start={}&limit=1",
            seen.from, seen.nonce
        );
        let by = match client.rest(e, &list).await {
            Ok(a) if a.status == 200 => serde_json::from_slice::<Vec<Transaction>>(&a.body)
                .ok()
                .and_then(|txs| {
                    txs.into_iter()
                        .find(|t| t.sequence_number == Some(seen.nonce))
                }),
            _ => None,
        };
        let search_note = by.is_none().then(|| {
            "the transaction that used this sequence number could not be read".to_string()
        });
        return Ok(Fate::Replaced {
            block: by.as_ref().and_then(|t| t.version),
            by: by.map(|t| t.hash.to_ascii_lowercase()),
            in_pool: false,
            nonce,
            search_note,
        });
    }
    let now = ledger.timestamp_us / 1_000_000;
    Ok(match seen.expires_at {
        Some(at) if now > at => Fate::Expired {
            nonce: Some(nonce),
            expired_at: at,
        },
        Some(at) => Fate::Unexpired { until: at },
        None => Fate::Unchecked {
            why: "its expiration time was not remembered".into(),
        },
    })
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let e = super::endpoint(chain, url);
    match ledger_info(client, &e).await {
        Ok(l) if l.chain_id != chain.chain_id.unwrap_or(MAINNET_CHAIN_ID) => Probe::WrongChain {
            chain_id: l.chain_id.to_string(),
        },
        Ok(l) => Probe::Up {
            head: l.block_height.unwrap_or(l.version),
            finalized: None,
            runtime: None,
        },
        Err(f) => Probe::Down { error: f.what },
    }
}

/// The Aptos family: the node REST API.
pub struct Aptos;

impl ChainFamily for Aptos {
    /// Nothing alone: a `0x` + 64-hex text reads as a hash first (EVM's
    /// reading), which Aptos also holds, and a short `0x1` pasted alone is
    /// far likelier a hash cut short than an object's address.
    fn read(&self, _text: &str) -> Option<Result<Target, String>> {
        None
    }

    fn read_in_link(&self, id: &str, account_page: bool) -> Option<Target> {
        ids::read_in_link(id, account_page)
    }

    /// The Aptos explorer serves every network from one host: `?network=`
    /// other than mainnet is not mainnet's.
    fn test_network(&self, link: &str) -> Option<String> {
        ids::test_network(link)
    }

    /// `chain_id` (1 for mainnet; every endpoint's ledger must say it) and
    /// tokens by their fungible-asset metadata address or coin type.
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Own {
            chain_id: u64,
        }
        let own: Own = keys.own()?;
        Ok(FamilyConfig {
            chain_id: Some(own.chain_id),
            tokens: keys.tokens(|a| {
                let id = convert::asset_id(a);
                if normalize(id.split("::").next().unwrap_or_default()).is_none() {
                    anyhow::bail!(
                        "not an Aptos asset: a fungible asset's metadata address (0x…) or a coin type (0x…::module::Type)"
                    );
                }
                Ok((alloy_primitives::Address::ZERO, Some(id)))
            })?,
            ..FamilyConfig::default()
        })
    }

    /// `0x` + 64-hex hashes (the same text as an EVM hash), versions, accounts.
    fn holds(&self, target: &Target, _chain: &Chain) -> bool {
        matches!(
            target,
            Target::Tx { prefixed: true, .. } | Target::AptosAddress(_) | Target::AptosVersion(_)
        )
    }

    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        seen: Option<&'a Seen>,
    ) -> futures_util::future::BoxFuture<'a, ChainOutcome> {
        Box::pin(lookup_tx(client, chain, key, seen))
    }

    fn lookup_address<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        target: &'a Target,
        scope: &'a AddressScope,
    ) -> futures_util::future::BoxFuture<'a, AddressOutcome> {
        Box::pin(async move {
            match target {
                Target::AptosAddress(a) => account::lookup_address(client, chain, a, scope).await,
                _ => unheld_address(chain),
            }
        })
    }

    fn probe<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        url: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Probe> {
        Box::pin(probe(client, chain, url))
    }

    /// Committed is final: no count of confirmations applies.
    fn counts_confirmations(&self) -> bool {
        false
    }

    fn waiting(
        &self,
        facts: &crate::model::TxFacts,
        chain: &Chain,
    ) -> Option<(crate::model::Reason, Option<u64>)> {
        explain::waiting(facts, chain)
    }

    /// A pending transaction is known by its sender's sequence number and
    /// when it expires.
    fn marks(&self, facts: &crate::model::TxFacts) -> Option<crate::model::Marks> {
        let a = facts.family.aptos()?;
        Some(crate::model::Marks {
            nonce: facts.nonce?,
            expires_at: a.expiration_timestamp_secs,
            ..Default::default()
        })
    }

    fn prefixes_hashes(&self) -> bool {
        true
    }
}
