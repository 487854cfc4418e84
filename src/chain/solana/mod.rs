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
pub mod wire;

use serde_json::json;

use self::wire::{PrioritizationFee, Statuses, Transaction};
use super::rpc::{Call, RpcClient, decode};
use super::{Answer, ChainOutcome, EndpointFailure, failed};
use crate::config::Chain;

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
    answer: &super::rpc::CallResult,
    chain: &Chain,
) -> Result<(), EndpointFailure> {
    let Some(expected) = &chain.genesis_hash else {
        return Ok(());
    };
    let got: String = decode(answer).map_err(|e| failed(format!("getGenesisHash: {e}")))?;
    if &got != expected {
        return Err(EndpointFailure {
            endpoint: String::new(),
            what: format!(
                "serves the cluster with genesis hash {got}, but chains.toml says {} is {expected} (a devnet or testnet node?)",
                chain.key
            ),
            chain_mismatch: true,
        });
    }
    Ok(())
}

async fn ask(
    client: &RpcClient,
    endpoint: &super::rpc::Endpoint,
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
        .map_err(|e| failed(e.to_string()))?;
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
    let status = statuses.value.into_iter().next().flatten();
    let mut facts = match (&tx, &status) {
        (Some(tx), status) => convert::tx_facts(tx, status.as_ref(), head, chain),
        (None, Some(status)) => convert::status_facts(signature, status, head, chain),
        (None, None) => return Ok(Answer::Unknown { head, congestion }),
    };
    facts.congestion = congestion;
    Ok(Answer::Found(Box::new(facts)))
}
