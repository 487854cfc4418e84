//! EVM lookups over JSON-RPC. A mined transaction takes one HTTP request: chain
//! id, transaction, receipt, head and fee history in one batch. A second
//! request is made only when the first answer needs more evidence: the reason
//! of a failure (replaying the call) or the symbol and decimals of a token not
//! in chains.toml. Endpoints are tried in order; each is trusted only after
//! its `eth_chainId` matches the configuration.

pub mod convert;
pub mod wire;

use alloy_primitives::{Address, B256, U256, hex};
use serde_json::{Value, json};

use self::convert::TokenInfo;
use self::wire::{FeeHistory, Receipt, Transaction};
use super::rpc::{Call, CallResult, Endpoint, RpcClient, decode};
use super::{ChainOutcome, EndpointFailure};
use crate::config::Chain;
use crate::model::{Failure, FailureKind, TxFacts};

/// A not-found verdict for a chain needs this many endpoints answering
/// "unknown hash" (or all of them, when fewer are configured): one lagging
/// or pruned node must not tell a customer their money is gone.
const NOT_FOUND_QUORUM: usize = 2;

/// Looks `hash` up on `chain`, endpoint by endpoint.
pub async fn lookup_tx(client: &RpcClient, chain: &Chain, hash: B256) -> ChainOutcome {
    let expected_id = chain.chain_id.unwrap_or_default();
    let mut failures = Vec::new();
    let mut not_found_by = Vec::new();
    for url in &chain.rpc {
        let endpoint = Endpoint::new(url);
        match ask(client, &endpoint, chain, expected_id, hash).await {
            Ok(Some(facts)) => {
                return ChainOutcome::Found {
                    facts: Box::new(facts),
                    endpoint: endpoint.shown,
                    failures,
                };
            }
            Ok(None) => {
                not_found_by.push(endpoint.shown);
                if not_found_by.len() >= NOT_FOUND_QUORUM {
                    break;
                }
            }
            Err(failure) => failures.push(EndpointFailure {
                endpoint: endpoint.shown,
                ..failure
            }),
        }
    }
    if not_found_by.is_empty() {
        ChainOutcome::Unavailable { failures }
    } else {
        ChainOutcome::NotFound {
            endpoints: not_found_by,
            failures,
        }
    }
}

fn fail(mismatch: bool, what: String) -> EndpointFailure {
    EndpointFailure {
        endpoint: String::new(),
        what,
        chain_mismatch: mismatch,
    }
}

/// One endpoint's answer: `Ok(None)` is a proper "this hash is unknown here".
async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    expected_id: u64,
    hash: B256,
) -> Result<Option<TxFacts>, EndpointFailure> {
    let hash_hex = hex::encode_prefixed(hash);
    let calls = [
        Call::new("eth_chainId", json!([])),
        Call::new("eth_getTransactionByHash", json!([hash_hex])),
        Call::new("eth_getTransactionReceipt", json!([hash_hex])),
        Call::new("eth_blockNumber", json!([])),
        Call::new(
            "eth_feeHistory",
            json!([
                format!("0x{:x}", convert::FEE_HISTORY_BLOCKS),
                "latest",
                convert::FEE_HISTORY_PERCENTILES
            ]),
        ),
    ];
    let answers = client
        .batch(endpoint, &calls)
        .await
        .map_err(|e| fail(false, e.to_string()))?;
    let [chain_id, tx, receipt, head, fee_history] = <[CallResult; 5]>::try_from(answers)
        .map_err(|_| fail(false, "wrong number of answers".into()))?;

    let chain_id: U256 = decode(&chain_id).map_err(|e| fail(false, format!("eth_chainId: {e}")))?;
    if chain_id != U256::from(expected_id) {
        return Err(fail(
            true,
            format!(
                "serves chain id {chain_id}, but chains.toml says {} is {expected_id}",
                chain.key
            ),
        ));
    }
    let tx: Option<Transaction> =
        decode(&tx).map_err(|e| fail(false, format!("eth_getTransactionByHash: {e}")))?;
    let receipt: Option<Receipt> =
        decode(&receipt).map_err(|e| fail(false, format!("eth_getTransactionReceipt: {e}")))?;
    let Some(tx) = tx else {
        return match receipt {
            None => Ok(None),
            Some(_) => Err(fail(
                false,
                "returned a receipt but not the transaction".into(),
            )),
        };
    };
    if tx.hash != hash {
        return Err(fail(
            false,
            format!(
                "answered for another transaction ({})",
                hex::encode_prefixed(tx.hash)
            ),
        ));
    }
    if tx.block_number.is_some() && receipt.is_none() {
        return Err(fail(
            false,
            "knows the transaction's block but returned no receipt (still indexing?)".into(),
        ));
    }
    let head: U256 = decode(&head).map_err(|e| fail(false, format!("eth_blockNumber: {e}")))?;
    let head = u64::try_from(head).ok();
    // Fee history only feeds the congestion figures; its absence is not fatal.
    let fee_history: Option<FeeHistory> = decode(&fee_history).ok();

    let mut book = convert::token_book(chain);
    let unknown = convert::unknown_tokens(&tx, receipt.as_ref(), &book);
    let needs_replay = needs_replay(&tx, receipt.as_ref());
    let mut failure = receipt
        .as_ref()
        .and_then(|r| failure_without_replay(&tx, r));
    if needs_replay || !unknown.is_empty() {
        let (replayed, tokens) = follow_up(client, endpoint, &tx, needs_replay, &unknown).await;
        failure = failure.or(replayed);
        book.extend(tokens);
    }

    let mut facts = convert::tx_facts(chain, &tx, receipt.as_ref(), head, &book);
    facts.failure = failure;
    facts.congestion = fee_history.as_ref().and_then(convert::congestion);
    Ok(Some(facts))
}

/// A failed transaction whose reason is not already known from the receipt.
fn needs_replay(tx: &Transaction, receipt: Option<&Receipt>) -> bool {
    receipt.is_some_and(|r| r.status == Some(U256::ZERO) && failure_without_replay(tx, r).is_none())
}

fn failure_without_replay(tx: &Transaction, r: &Receipt) -> Option<Failure> {
    if r.status != Some(U256::ZERO) {
        return None;
    }
    convert::failure_from_receipt(r)
        .or_else(|| convert::ran_out_of_gas(tx, r).then(|| convert::out_of_gas(tx)))
}

/// The second request, when needed: the replay of a failed call and the
/// metadata of unknown tokens, in one batch on the endpoint that answered.
async fn follow_up(
    client: &RpcClient,
    endpoint: &Endpoint,
    tx: &Transaction,
    replay: bool,
    tokens: &[Address],
) -> (Option<Failure>, Vec<(Address, TokenInfo)>) {
    let mut calls = Vec::new();
    if replay {
        let block = tx
            .block_number
            .and_then(|b| u64::try_from(b).ok())
            .unwrap_or_default();
        let (call, at) = convert::replay_call(tx, block);
        calls.push(Call::new("eth_call", json!([call, at])));
    }
    for token in tokens {
        calls.push(Call::new(
            "eth_call",
            json!([{"to": token, "data": convert::symbol_call_data()}, "latest"]),
        ));
        calls.push(Call::new(
            "eth_call",
            json!([{"to": token, "data": convert::decimals_call_data()}, "latest"]),
        ));
    }
    let answers = match client.batch(endpoint, &calls).await {
        Ok(a) => a,
        Err(_) => {
            let failure = replay.then_some(Failure {
                message: None,
                kind: FailureKind::Unavailable,
                data: None,
            });
            return (failure, Vec::new());
        }
    };
    let mut answers = answers.into_iter();
    let failure = if replay {
        answers.next().map(|a| convert::failure_from_replay(&a))
    } else {
        None
    };
    let infos = tokens
        .iter()
        .map(|token| {
            let symbol = answers
                .next()
                .and_then(|a| bytes_of(&a))
                .and_then(|b| convert::decode_symbol(&b));
            let decimals = answers
                .next()
                .and_then(|a| bytes_of(&a))
                .and_then(|b| convert::decode_decimals(&b));
            (*token, TokenInfo { symbol, decimals })
        })
        .collect();
    (failure, infos)
}

fn bytes_of(answer: &CallResult) -> Option<Vec<u8>> {
    match answer {
        Ok(Value::String(s)) => hex::decode(s).ok(),
        _ => None,
    }
}
