//! Antelope chains (EOS/Vaulta; WAX and Telos by configuration) over two
//! APIs: `history` endpoints (Hyperion v2) find a transaction by id, `rpc`
//! endpoints (nodeos's chain API) give the chain's head, balances and
//! resources. A lookup asks each history, at once, `get_transaction` and
//! `/v2/health` (its nodeos's chain id, head and LIB; its index's first and
//! last block): two requests, one round trip. `chain_id` (chains.toml) is
//! checked on every answer.
//!
//! Under Savanna a block is irreversible about a second after inclusion;
//! deferred transactions are gone, so a transaction either runs when pushed
//! or never reaches the chain. `executed: false` counts as "not found" only
//! from a history that names its LIB, reports no error, indexes the whole
//! chain and is not behind its node; two such are needed. Then the chain
//! API's `get_transaction_status` (where the node keeps it) can still say
//! the node holds it waiting for a block, or that it is in a block the
//! histories have not indexed yet. Hyperion's v1-compatible
//! `/v1/history/get_transaction` is never asked: it says "executed" of ids
//! it does not know.

pub mod account;
pub mod convert;
mod explain;
mod ids;
pub mod wire;

use serde_json::{Value, json};

use self::wire::{GetTransaction, Health, Info, TransactionStatus};
use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::transport::{Endpoint, RpcClient, snippet};
use super::{
    AddressOutcome, AddressScope, Answer, ChainOutcome, EndpointFailure, FaultKind, TxKey,
    is_lagging,
};
use crate::chain::spec::{Chain, FamilyConfig, FamilyKeys};
use crate::model::{Fate, Seen, Target, Vanished};

/// What a history's `/v2/health` says of its node and its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryView {
    pub chain_id: String,
    pub head: u64,
    pub lib: u64,
    pub first_indexed: Option<u64>,
    pub last_indexed: Option<u64>,
}

/// Reads `/v2/health`: the `NodeosRPC` service (chain id, head, LIB) must
/// be there and OK; `Elasticsearch` gives the indexed range.
pub fn history_view(h: &Health) -> Result<HistoryView, String> {
    let service = |name: &str| h.health.iter().find(|s| s.service == name);
    let nodeos = service("NodeosRPC")
        .filter(|s| s.status == "OK")
        .and_then(|s| s.service_data.as_ref())
        .ok_or("its health names no working nodeos (NodeosRPC), so its chain cannot be checked")?;
    let n = |v: &Value, k: &str| v[k].as_u64();
    let es = service("Elasticsearch").and_then(|s| s.service_data.as_ref());
    let view = HistoryView {
        chain_id: nodeos["chain_id"]
            .as_str()
            .ok_or("its health gives no chain_id")?
            .to_ascii_lowercase(),
        head: n(nodeos, "head_block_num").ok_or("its health gives no head block")?,
        lib: n(nodeos, "last_irreversible_block").ok_or("its health gives no LIB")?,
        first_indexed: es.and_then(|e| n(e, "first_indexed_block")),
        last_indexed: es.and_then(|e| n(e, "last_indexed_block")),
    };
    if view.lib > view.head {
        return Err(format!(
            "says its LIB {} is past its head {}",
            view.lib, view.head
        ));
    }
    Ok(view)
}

fn check_chain_id(got: &str, chain: &Chain) -> Result<(), EndpointFailure> {
    match &chain.genesis_hash {
        Some(want) if !got.eq_ignore_ascii_case(want) => Err(EndpointFailure::new(
            FaultKind::ChainMismatch,
            format!(
                "serves the chain {}…, but chains.toml says {} is {}… (another Antelope chain or a testnet?)",
                got.get(..12).unwrap_or(got),
                chain.key,
                want.get(..12).unwrap_or(want)
            ),
        )),
        _ => Ok(()),
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &RpcClient,
    e: &Endpoint,
    path: &str,
) -> Result<T, EndpointFailure> {
    let a = client
        .rest(e, path)
        .await
        .map_err(|err| EndpointFailure::from_error(&err))?;
    if a.status != 200 {
        return Err(EndpointFailure::new(
            FaultKind::Http,
            format!("GET {path}: HTTP {}: {}", a.status, snippet(&a.body)),
        ));
    }
    serde_json::from_slice(&a.body).map_err(|err| {
        EndpointFailure::new(
            FaultKind::Undecodable,
            format!(
                "GET {path}: not Hyperion's answer ({err}): {}",
                snippet(&a.body)
            ),
        )
    })
}

/// `POST /v1/chain/{call}` on a chain API endpoint.
async fn chain_call<T: serde::de::DeserializeOwned>(
    client: &RpcClient,
    e: &Endpoint,
    call: &'static str,
    body: Value,
) -> Result<T, EndpointFailure> {
    let v = client
        .post(e, call, &body)
        .await
        .map_err(|err| EndpointFailure::from_error(&err))?;
    serde_json::from_value(v)
        .map_err(|err| EndpointFailure::new(FaultKind::Undecodable, format!("{call}: {err}")))
}

pub async fn lookup_tx(
    client: &RpcClient,
    chain: &Chain,
    id: &str,
    remembered: Option<&Seen>,
) -> ChainOutcome {
    let asked = super::ask_these(client, chain, &chain.history, |e| async move {
        ask(client, &e, chain, id).await
    })
    .await;
    let (outcome, _) = asked.outcome(chain);
    let ChainOutcome::NotFound {
        endpoints,
        failures,
        congestion,
        ..
    } = outcome
    else {
        return outcome;
    };
    // Not indexed: the chain API may still hold it (waiting for a block) or
    // have it in a block the histories have not reached.
    let status = chain_status(client, chain, id).await;
    if let Some((s, endpoint)) = &status
        && let Some(facts) = convert::status_facts(id, s, chain)
    {
        return ChainOutcome::Found {
            facts: Box::new(facts),
            endpoint: endpoint.clone(),
            failures,
        };
    }
    let vanished = remembered.map(|seen| {
        let now = status
            .as_ref()
            .and_then(|(s, _)| s.head_timestamp.as_deref())
            .and_then(convert::unix);
        Box::new(Vanished {
            seen: seen.clone(),
            fate: fate(seen, now),
        })
    });
    ChainOutcome::NotFound {
        endpoints,
        failures,
        congestion,
        vanished,
        respent: None,
    }
}

/// A remembered transaction the chain no longer knows: past its expiration
/// by the chain's own clock it never will be included; before, it still may.
pub fn fate(seen: &Seen, now: Option<u64>) -> Fate {
    match (seen.expires_at, now) {
        (Some(at), Some(now)) if now > at => Fate::Expired {
            nonce: None,
            expired_at: at,
        },
        (Some(at), _) => Fate::Unexpired { until: at },
        (None, _) => Fate::Unchecked {
            why: "its expiration time was not remembered".into(),
        },
    }
}

/// `get_transaction_status` on the first chain API endpoint that answers;
/// `None` where none keeps the finality status (a node option).
async fn chain_status(
    client: &RpcClient,
    chain: &Chain,
    id: &str,
) -> Option<(TransactionStatus, String)> {
    for url in &chain.rpc {
        let e = super::endpoint(chain, url);
        let status: Result<TransactionStatus, _> = chain_call(
            client,
            &e,
            "/v1/chain/get_transaction_status",
            json!({ "id": id }),
        )
        .await;
        if let Ok(s) = status {
            return Some((s, e.shown.clone()));
        }
    }
    None
}

/// One history's answer: the transaction's actions, or a "not executed"
/// that counts only from a healthy, whole, caught-up index.
async fn ask(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    id: &str,
) -> Result<Answer, EndpointFailure> {
    let path = format!("/v2/history/get_transaction?id={id}");
    let (tx, health) = futures_util::join!(
        get_json::<GetTransaction>(client, e, &path),
        get_json::<Health>(client, e, "/v2/health")
    );
    let health = health?;
    let view = history_view(&health).map_err(|w| EndpointFailure::new(FaultKind::Other, w))?;
    check_chain_id(&view.chain_id, chain)?;
    let tx = tx?;
    if let Some(asked) = &tx.trx_id
        && !asked.eq_ignore_ascii_case(id)
    {
        return Err(EndpointFailure::inconsistent(format!(
            "answered for {id} about another id ({})",
            crate::safe::shorten(asked)
        )));
    }
    if tx.executed {
        verify(id, &tx, &view).map_err(EndpointFailure::inconsistent)?;
        let lib = tx.lib.unwrap_or(view.lib).min(view.head);
        let facts = convert::tx_facts(id, &tx.actions, Some(lib), Some(view.head), chain);
        return Ok(Answer::Found(Box::new(facts)));
    }
    if let Some(error) = &tx.error {
        return Err(EndpointFailure::new(
            FaultKind::NodeError,
            format!(
                "says \"{}\": its \"not executed\" is no verdict",
                crate::safe::text(error)
            ),
        ));
    }
    if tx.lib.is_none() {
        return Err(EndpointFailure::new(
            FaultKind::Lagging,
            "answered \"not executed\" without its LIB: it could not ask its own node",
        ));
    }
    match (view.first_indexed, view.last_indexed) {
        (Some(first), _) if first > 2 => Err(EndpointFailure::new(
            FaultKind::Lagging,
            format!(
                "indexes the chain from block {first} only: its \"not executed\" does not cover older transactions"
            ),
        )),
        (_, Some(last)) if is_lagging(chain, last, view.head) => Err(EndpointFailure::new(
            FaultKind::Lagging,
            format!(
                "has indexed up to block {last}, {} behind its node's head {}: its \"not executed\" is not trusted",
                view.head - last,
                view.head
            ),
        )),
        (Some(_), Some(last)) => Ok(Answer::Unknown {
            head: Some(last),
            congestion: None,
        }),
        _ => Err(EndpointFailure::new(
            FaultKind::Lagging,
            "its health does not say which blocks it has indexed: its \"not executed\" cannot be judged",
        )),
    }
}

/// Whether a history's actions are evidence about `id`: every action is
/// that transaction's, all in one block, not past the node's head.
pub fn verify(id: &str, tx: &GetTransaction, view: &HistoryView) -> Result<(), String> {
    if tx.actions.is_empty() {
        return Err("says the transaction executed but gives no action".into());
    }
    for a in &tx.actions {
        match &a.trx_id {
            Some(t) if t.eq_ignore_ascii_case(id) => {}
            other => {
                return Err(format!(
                    "gives an action of another transaction ({}) for {id}",
                    other
                        .as_deref()
                        .map(crate::safe::shorten)
                        .unwrap_or_default()
                ));
            }
        }
    }
    let block = tx.actions[0].block_num;
    if tx.actions.iter().any(|a| a.block_num != block) {
        return Err("puts the transaction's actions in different blocks".into());
    }
    if block > view.head {
        return Err(format!(
            "puts the transaction in block {block}, past its node's head {}",
            view.head
        ));
    }
    if tx.lib.is_some_and(|l| l > view.head) {
        return Err("gives a LIB past its node's head".into());
    }
    Ok(())
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let e = super::endpoint(chain, url);
    if chain.history.iter().any(|h| h == url) {
        return match get_json::<Health>(client, &e, "/v2/health").await {
            Err(f) => Probe::Down { error: f.what },
            Ok(h) => match history_view(&h) {
                Err(w) => Probe::Down { error: w },
                Ok(v) if check_chain_id(&v.chain_id, chain).is_err() => Probe::WrongChain {
                    chain_id: v.chain_id.get(..12).unwrap_or(&v.chain_id).to_string(),
                },
                Ok(v) => Probe::Up {
                    head: v.last_indexed.unwrap_or(v.head),
                    finalized: None,
                    runtime: None,
                },
            },
        };
    }
    match chain_call::<Info>(client, &e, "/v1/chain/get_info", json!({})).await {
        Err(f) => Probe::Down { error: f.what },
        Ok(i) if check_chain_id(&i.chain_id, chain).is_err() => Probe::WrongChain {
            chain_id: i.chain_id.get(..12).unwrap_or(&i.chain_id).to_string(),
        },
        Ok(i) => Probe::Up {
            head: i.head_block_num,
            finalized: None,
            runtime: None,
        },
    }
}

/// The Antelope family: nodeos chain API + Hyperion history.
pub struct Antelope;

impl ChainFamily for Antelope {
    /// Account names (when the whole query is one) and public keys (refused).
    fn read(&self, text: &str) -> Option<Result<Target, String>> {
        ids::read(text)
    }

    fn read_in_link(&self, id: &str, account_page: bool) -> Option<Target> {
        ids::read_in_link(id, account_page)
    }

    /// `chain_id` (64 hex, from `get_info`), `history` endpoints (at least
    /// one), tokens by their contract account (`eosio.token`), `frozen`
    /// where the issuer froze them.
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Own {
            chain_id: String,
        }
        let own: Own = keys.own_with_history()?;
        let id = own.chain_id.to_ascii_lowercase();
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            anyhow::bail!(
                "{} must be the chain's id as get_info gives it: 64 hex digits",
                keys.at("chain_id")
            );
        }
        if keys.history == 0 {
            anyhow::bail!(
                "{} must list at least one Hyperion endpoint: transactions are found by id there",
                keys.at("history")
            );
        }
        Ok(FamilyConfig {
            genesis_hash: Some(id),
            tokens: keys.tokens(|a| {
                if !convert::is_name(a) {
                    anyhow::bail!("not an Antelope contract account (1-12 of a-z, 1-5 and .)");
                }
                Ok((alloy_primitives::Address::ZERO, Some(a.to_string())))
            })?,
            ..FamilyConfig::default()
        })
    }

    /// 64-hex ids without `0x` and account names.
    fn holds(&self, target: &Target, _chain: &Chain) -> bool {
        matches!(
            target,
            Target::Tx {
                prefixed: false,
                ..
            } | Target::AntelopeAccount(_)
        )
    }

    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        seen: Option<&'a Seen>,
    ) -> futures_util::future::BoxFuture<'a, ChainOutcome> {
        Box::pin(async move {
            match key {
                TxKey::Hash(h) => {
                    let id = alloy_primitives::hex::encode(h);
                    lookup_tx(client, chain, &id, seen).await
                }
                _ => unheld_id(chain),
            }
        })
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
                Target::AntelopeAccount(a) => {
                    account::lookup_address(client, chain, a, scope).await
                }
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

    /// Irreversibility decides, not a count.
    fn counts_confirmations(&self) -> bool {
        false
    }

    /// "chain aca376f206b8…".
    fn identity(&self, chain: &Chain) -> Option<String> {
        let g = chain.genesis_hash.as_ref()?;
        Some(format!("chain {}…", g.get(..12).unwrap_or(g)))
    }

    /// Waiting in a node for a block: remembered by when it expires.
    fn marks(&self, facts: &crate::model::TxFacts) -> Option<crate::model::Marks> {
        let a = facts.family.antelope()?;
        Some(crate::model::Marks {
            expires_at: a.expiration,
            ..Default::default()
        })
    }
}
