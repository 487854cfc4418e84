//! Solana over JSON-RPC. One batch asks everything at once — the
//! signature's status (with `searchTransactionHistory`), the transaction
//! (`jsonParsed`, versioned transactions accepted), the current slot and the
//! recent prioritization fees, and the cluster's genesis hash (checked
//! against chains.toml's `genesis_hash`, as an EVM chain id is) — so a
//! lookup is one round trip. Endpoints
//! that refuse batches get the calls one by one, concurrently (rpc.rs).
//!
//! "Not found" needs both the status and the transaction to be `null`, on
//! two endpoints where two are configured. `getBlockHeight` is not asked:
//! expiry depends on the transaction's `lastValidBlockHeight`, which only
//! the sender's wallet knows, so the height alone decides nothing.

pub mod account;
pub mod convert;
mod explain;
mod ids;
pub mod wire;

use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::{AddressOutcome, AddressScope, TxKey};
use crate::chain::spec::{FamilyConfig, FamilyKeys};
use crate::model::Target;
use serde_json::json;

use self::wire::{PrioritizationFee, SignatureStatus, Statuses, Transaction};
use super::transport::{Call, RpcClient, decode};
use super::{Answer, ChainOutcome, EndpointFailure, FaultKind, failed};
use crate::chain::spec::Chain;

pub async fn lookup_tx(client: &RpcClient, chain: &Chain, signature: &str) -> ChainOutcome {
    super::ask_endpoints(client, chain, |e| async move {
        ask(client, &e, chain, signature).await
    })
    .await
    .outcome(chain)
    .0
}

/// The endpoint serves the cluster chains.toml names (when it names one).
pub fn check_genesis(
    answer: &super::transport::CallResult,
    chain: &Chain,
) -> Result<(), EndpointFailure> {
    let Some(expected) = &chain.genesis_hash else {
        return Ok(());
    };
    let got: String = decode(answer).map_err(|e| failed(format!("getGenesisHash: {e}")))?;
    if &got != expected {
        return Err(EndpointFailure::new(
            FaultKind::ChainMismatch,
            format!(
                "serves the cluster with genesis hash {got}, but chains.toml says {} is {expected} (a devnet or testnet node?)",
                chain.key
            ),
        ));
    }
    Ok(())
}

async fn ask(
    client: &RpcClient,
    endpoint: &super::transport::Endpoint,
    chain: &Chain,
    signature: &str,
) -> Result<Answer, EndpointFailure> {
    let calls = [
        Call::new(
            "getSignatureStatuses",
            json!([[signature], {"searchTransactionHistory": true}]),
        ),
        Call::new(
            "getTransaction",
            json!([signature, {"encoding": "jsonParsed", "maxSupportedTransactionVersion": 0, "commitment": "confirmed"}]),
        ),
        Call::new("getSlot", json!([{"commitment": "confirmed"}])),
        Call::new("getRecentPrioritizationFees", json!([])),
        Call::new("getGenesisHash", json!([])),
    ];
    let answers = client
        .batch(endpoint, &calls)
        .await
        .map_err(|e| EndpointFailure::from_error(&e))?;
    check_genesis(&answers[4], chain)?;
    // Both lookups must answer: a failed call is not a "null".
    let statuses: Statuses =
        decode(&answers[0]).map_err(|e| failed(format!("getSignatureStatuses: {e}")))?;
    let tx: Option<Transaction> =
        decode(&answers[1]).map_err(|e| failed(format!("getTransaction: {e}")))?;
    let head: Option<u64> = decode(&answers[2]).ok();
    let congestion = decode::<Vec<PrioritizationFee>>(&answers[3])
        .ok()
        .and_then(|f| convert::congestion(&f));
    if statuses.value.len() != 1 {
        return Err(EndpointFailure::inconsistent(format!(
            "answered getSignatureStatuses for one signature with {} entries",
            statuses.value.len()
        )));
    }
    let status = statuses.value.into_iter().next().flatten();
    verify(signature, tx.as_ref(), status.as_ref(), head).map_err(EndpointFailure::inconsistent)?;
    let mut facts = match (&tx, &status) {
        (Some(tx), status) => convert::tx_facts(tx, status.as_ref(), head, chain),
        (None, Some(status)) => convert::status_facts(signature, status, head, chain),
        (None, None) => return Ok(Answer::Unknown { head, congestion }),
    };
    facts.congestion = congestion;
    Ok(Answer::Found(Box::new(facts)))
}

/// Whether the status and the transaction one endpoint gave are evidence
/// about `signature` (issue 18): the body is that signature's, status and
/// body agree on slot and outcome, and a confirmed slot is not past the
/// endpoint's own (confirmed) slot.
pub fn verify(
    signature: &str,
    tx: Option<&Transaction>,
    status: Option<&SignatureStatus>,
    head: Option<u64>,
) -> Result<(), String> {
    if let Some(tx) = tx {
        match tx.transaction.signatures.first() {
            Some(s) if s == signature => {}
            Some(s) => {
                return Err(format!(
                    "answered getTransaction with another transaction ({s})"
                ));
            }
            None => {
                return Err("answered getTransaction with a transaction without signatures".into());
            }
        }
        if let Some(head) = head
            && tx.slot > head
        {
            return Err(format!(
                "puts the transaction in slot {}, past its own slot {head}",
                tx.slot
            ));
        }
    }
    if let (Some(tx), Some(status)) = (tx, status) {
        if tx.slot != status.slot {
            return Err(format!(
                "puts the transaction in slot {} and its status in slot {}",
                tx.slot, status.slot
            ));
        }
        if let Some(meta) = &tx.meta
            && meta.err.is_some() != status.err.is_some()
        {
            return Err(format!(
                "says the transaction {} in its status but {} in its metadata",
                if status.err.is_some() {
                    "failed"
                } else {
                    "succeeded"
                },
                if meta.err.is_some() {
                    "failed"
                } else {
                    "succeeded"
                },
            ));
        }
    }
    Ok(())
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = super::endpoint(chain, url);
    let calls = [
        Call::new("getSlot", json!([{"commitment": "confirmed"}])),
        Call::new("getGenesisHash", json!([])),
    ];
    match client.batch(&endpoint, &calls).await {
        Ok(answers) => match check_genesis(&answers[1], chain) {
            Err(f) if f.kind == FaultKind::ChainMismatch => Probe::WrongChain {
                chain_id: decode::<String>(&answers[1]).unwrap_or_default(),
            },
            Err(f) => Probe::Down { error: f.what },
            Ok(()) => match decode::<u64>(&answers[0]) {
                Ok(head) => Probe::Up {
                    head,
                    finalized: None,
                    runtime: None,
                },
                Err(e) => Probe::Down {
                    error: format!("getSlot: {e}"),
                },
            },
        },
        Err(e) => Probe::Down {
            error: e.to_string(),
        },
    }
}

/// The Solana family: Solana JSON-RPC.
pub struct Solana;

impl ChainFamily for Solana {
    /// JSON-RPC: calls go in batches of up to `max_batch`.
    fn batches(&self) -> bool {
        true
    }

    /// The cluster's genesis hash, shortened: "genesis 5eykt4…".
    fn identity(&self, chain: &Chain) -> Option<String> {
        let g = chain.genesis_hash.as_ref()?;
        Some(format!("genesis {}…", g.get(..6).unwrap_or(g)))
    }

    /// Solana explorers name the cluster in the query string
    /// (`?cluster=devnet`): a devnet or testnet page is not mainnet's.
    fn test_network(&self, link: &str) -> Option<String> {
        link.split(['?', '&', '#'])
            .find_map(|p| p.strip_prefix("cluster="))
            .filter(|c| {
                !c.eq_ignore_ascii_case("mainnet") && !c.eq_ignore_ascii_case("mainnet-beta")
            })
            .map(|cluster| format!("the {cluster} cluster"))
    }

    /// Plain base58 (no checksum), told apart by length: 64 bytes are a
    /// signature, 32 an account.
    fn read(&self, text: &str) -> Option<Result<Target, String>> {
        ids::read(text)
    }

    /// The cluster's `genesis_hash` (checked like an EVM chain id) and
    /// tokens named by their mint.
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Own {
            genesis_hash: Option<String>,
        }
        let own: Own = keys.own()?;
        Ok(FamilyConfig {
            genesis_hash: own.genesis_hash,
            tokens: keys.tokens(|a| {
                if bs58::decode(a).into_vec().map(|b| b.len()) != Ok(32) {
                    anyhow::bail!("not a Solana mint address (base58, 32 bytes)");
                }
                Ok((alloy_primitives::Address::ZERO, Some(a.to_string())))
            })?,
            ..FamilyConfig::default()
        })
    }

    /// Base58 signatures and account addresses.
    fn holds(&self, target: &Target, _chain: &Chain) -> bool {
        matches!(target, Target::Signature(_) | Target::SolanaAddress(_))
    }

    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        _seen: Option<&'a crate::model::Seen>,
    ) -> futures_util::future::BoxFuture<'a, ChainOutcome> {
        Box::pin(async move {
            match key {
                TxKey::Signature(s) => lookup_tx(client, chain, s).await,
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
                Target::SolanaAddress(a) => account::lookup_address(client, chain, a, scope).await,
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
}
