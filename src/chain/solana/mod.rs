//! Solana over JSON-RPC. One batch asks everything at once — the
//! signature's status (with `searchTransactionHistory`), the transaction
//! (`jsonParsed`, versioned transactions accepted), the current slot and the
//! recent prioritization fees — so a lookup is one round trip. Endpoints
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
use super::{Answer, ChainOutcome, ask_in_turn};
use crate::config::Chain;

pub async fn lookup_tx(client: &RpcClient, chain: &Chain, signature: &str) -> ChainOutcome {
    ask_in_turn(client, chain, |e| async move {
        ask(client, &e, chain, signature).await
    })
    .await
}

async fn ask(
    client: &RpcClient,
    endpoint: &super::rpc::Endpoint,
    chain: &Chain,
    signature: &str,
) -> Result<Answer, String> {
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
    ];
    let answers = client
        .batch(endpoint, &calls)
        .await
        .map_err(|e| e.to_string())?;
    // Both lookups must answer: a failed call is not a "null".
    let statuses: Statuses =
        decode(&answers[0]).map_err(|e| format!("getSignatureStatuses: {e}"))?;
    let tx: Option<Transaction> =
        decode(&answers[1]).map_err(|e| format!("getTransaction: {e}"))?;
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
