//! EVM lookups over JSON-RPC. A mined transaction takes one HTTP request: chain
//! id, transaction, receipt, head and fee history in one batch. A second
//! request is made only when the first answer needs more evidence: the reason
//! of a failure (replaying the call) or the symbol and decimals of a token not
//! in chains.toml. Endpoints are tried in order; each is trusted only after
//! its `eth_chainId` matches the configuration.

pub mod address;
pub mod convert;
mod explain;
mod fate;
pub mod history;
mod ids;
mod keys;
pub mod pending;
mod read;
pub mod verify;
pub mod wire;

use std::sync::LazyLock;

use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::{AddressOutcome, AddressScope, TxKey};
use crate::chain::spec::{FamilyConfig, FamilyKeys, Token};
use crate::model::Target;
use alloy_primitives::{Address, B256, U256, hex};
use serde_json::json;

use self::convert::TokenInfo;
use self::wire::{Receipt, Transaction};
use super::transport::{Call, CallResult, Endpoint, RpcClient, decode};
use super::{Answer, ChainOutcome, EndpointFailure, FaultKind};
use crate::chain::spec::Chain;
use crate::model::{Failure, FailureKind, Fate, Seen, SenderNonce};

/// Looks `hash` up on `chain`, endpoint by endpoint. When no endpoint knows
/// it but it was `remembered` pending by an earlier run, asks what became of
/// it: replaced (its nonce used by another transaction) or dropped.
pub async fn lookup_tx(
    client: &RpcClient,
    chain: &Chain,
    hash: B256,
    remembered: Option<&Seen>,
) -> ChainOutcome {
    let asked = super::ask_endpoints(client, chain, |e| async move {
        ask(client, &e, chain, hash).await
    })
    .await;
    let (outcome, not_found_by) = asked.outcome(chain);
    super::with_fate(outcome, remembered, |seen| async move {
        fate_on_any(client, &not_found_by, &seen).await
    })
    .await
}

/// What became of a remembered transaction, asked of the endpoints that
/// answered "unknown hash", in order, until one can say.
async fn fate_on_any(client: &RpcClient, endpoints: &[Endpoint], seen: &Seen) -> Fate {
    let mut why = Vec::new();
    for endpoint in endpoints {
        match fate::fate(client, endpoint, seen).await {
            Fate::Unchecked { why: w } => why.push(w),
            fate => return fate,
        }
    }
    Fate::Unchecked {
        why: why.join("; "),
    }
}

fn fail(mismatch: bool, what: String) -> EndpointFailure {
    let kind = if mismatch {
        FaultKind::ChainMismatch
    } else {
        FaultKind::Other
    };
    EndpointFailure::new(kind, what)
}

/// The `eth_chainId` answer matches chains.toml, or the endpoint is not used.
fn check_chain_id(answer: &CallResult, chain: &Chain) -> Result<(), EndpointFailure> {
    let id: U256 = decode(answer).map_err(|e| fail(false, format!("eth_chainId: {e}")))?;
    let expected = chain.chain_id.unwrap_or_default();
    if id != U256::from(expected) {
        return Err(fail(
            true,
            format!(
                "serves chain id {id}, but chains.toml says {} is {expected}",
                chain.key
            ),
        ));
    }
    Ok(())
}

/// `symbol()` and `decimals()` of a token not in chains.toml.
fn token_info_calls(token: Address) -> [Call; 2] {
    [
        Call::new(
            "eth_call",
            json!([{"to": token, "data": convert::symbol_call_data()}, "latest"]),
        ),
        Call::new(
            "eth_call",
            json!([{"to": token, "data": convert::decimals_call_data()}, "latest"]),
        ),
    ]
}

/// What the answers to `token_info_calls` say (either may be missing).
fn token_info(symbol: Option<&CallResult>, decimals: Option<&CallResult>) -> TokenInfo {
    TokenInfo {
        symbol: symbol
            .and_then(bytes_of)
            .and_then(|b| convert::decode_symbol(&b)),
        decimals: decimals
            .and_then(bytes_of)
            .and_then(|b| convert::decode_decimals(&b)),
    }
}

/// One endpoint's answer: `Ok(None)` is a proper "this hash is unknown here".
async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    hash: B256,
) -> Result<Answer, EndpointFailure> {
    // The calls every lookup shares, written once.
    static SHARED: LazyLock<[Call; 3]> = LazyLock::new(|| {
        [
            Call::new("eth_chainId", json!([])),
            Call::new("eth_blockNumber", json!([])),
            Call::new(
                "eth_feeHistory",
                json!([
                    format!("0x{:x}", convert::FEE_HISTORY_BLOCKS),
                    "latest",
                    convert::FEE_HISTORY_PERCENTILES
                ]),
            ),
        ]
    });
    let [chain_id, block_number, fee_history] = &*SHARED;
    let hash_hex = [hex::encode_prefixed(hash)];
    let calls = [
        chain_id.clone(),
        Call::new("eth_getTransactionByHash", &hash_hex),
        Call::new("eth_getTransactionReceipt", &hash_hex),
        block_number.clone(),
        fee_history.clone(),
    ];
    let answers = client
        .batch(endpoint, &calls)
        .await
        .map_err(|e| EndpointFailure::from_error(&e))?;
    // Read outside this future: what a found transaction needs is kept
    // across an await only when a second request follows (boxed), and a
    // batch holds thousands of lookups waiting for their first answer.
    match read::read(client, endpoint, chain, hash, answers)? {
        read::Read::Done(answer) => Ok(answer),
        read::Read::FollowUp(rest) => rest.await,
    }
}

/// The replay of a failed call on the chain's other endpoints, in order,
/// when the one that answered could not make it (a node without the old
/// state answers "missing trie node"): the first that gives a reason.
async fn replay_elsewhere(
    client: &RpcClient,
    chain: &Chain,
    asked: &Endpoint,
    tx: &Transaction,
) -> Option<Failure> {
    let block = tx
        .block_number
        .and_then(|b| u64::try_from(b).ok())
        .unwrap_or_default();
    let (call, at) = convert::replay_call(tx, block);
    let calls = [
        Call::new("eth_chainId", json!([])),
        Call::new("eth_call", json!([call, at])),
    ];
    for url in &chain.rpc {
        let endpoint = super::endpoint(chain, url);
        if endpoint == *asked {
            continue;
        }
        let Ok(answers) = client.batch(&endpoint, &calls).await else {
            continue;
        };
        if answers.len() != 2 || check_chain_id(&answers[0], chain).is_err() {
            continue;
        }
        let failure = convert::failure_from_replay(&answers[1]);
        if failure.kind != FailureKind::Unavailable {
            return Some(failure);
        }
    }
    None
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

/// What the first answer left open, asked in one follow-up batch.
struct Wanted {
    /// Replay a failed call for its revert reason.
    replay: bool,
    /// Symbol and decimals of tokens not in chains.toml.
    tokens: Vec<Address>,
    /// The sender's confirmed and pending nonces (pending transactions).
    sender_nonce: Option<Address>,
    /// The pending block's base fee, when fee history gave none.
    pending_block: bool,
}

impl Wanted {
    fn is_empty(&self) -> bool {
        !self.replay && self.tokens.is_empty() && self.sender_nonce.is_none() && !self.pending_block
    }
}

#[derive(Default)]
struct Extra {
    failure: Option<Failure>,
    tokens: Vec<(Address, TokenInfo)>,
    sender_nonce: Option<SenderNonce>,
    pending_base_fee: Option<U256>,
}

/// The second request, when needed, in one batch on the endpoint that
/// answered: the replay of a failed call, the metadata of unknown tokens, the
/// sender's nonces of a pending transaction. A call that fails leaves its
/// part empty; it never turns the found transaction into an error.
async fn follow_up(
    client: &RpcClient,
    endpoint: &Endpoint,
    tx: &Transaction,
    wanted: &Wanted,
) -> Extra {
    let mut calls = Vec::new();
    if wanted.replay {
        let block = tx
            .block_number
            .and_then(|b| u64::try_from(b).ok())
            .unwrap_or_default();
        let (call, at) = convert::replay_call(tx, block);
        calls.push(Call::new("eth_call", json!([call, at])));
    }
    for token in &wanted.tokens {
        calls.extend(token_info_calls(*token));
    }
    if let Some(sender) = wanted.sender_nonce {
        calls.extend(fate::nonce_calls(sender));
    }
    if wanted.pending_block {
        calls.push(Call::new("eth_getBlockByNumber", json!(["pending", false])));
    }
    let answers = match client.batch(endpoint, &calls).await {
        Ok(a) => a,
        Err(_) => {
            return Extra {
                failure: wanted.replay.then_some(Failure {
                    message: None,
                    kind: FailureKind::Unavailable,
                    data: None,
                }),
                ..Extra::default()
            };
        }
    };
    let mut answers = answers.into_iter();
    let mut extra = Extra::default();
    if wanted.replay {
        extra.failure = answers.next().map(|a| convert::failure_from_replay(&a));
    }
    extra.tokens = wanted
        .tokens
        .iter()
        .map(|token| {
            let (symbol, decimals) = (answers.next(), answers.next());
            (*token, token_info(symbol.as_ref(), decimals.as_ref()))
        })
        .collect();
    if wanted.sender_nonce.is_some() {
        let (latest, pending) = (answers.next(), answers.next());
        extra.sender_nonce = latest
            .zip(pending)
            .and_then(|(l, p)| fate::sender_nonce(&l, &p).ok());
    }
    if wanted.pending_block {
        extra.pending_base_fee = answers
            .next()
            .and_then(|a| decode::<Option<wire::BlockHeader>>(&a).ok())
            .flatten()
            .and_then(|b| b.base_fee_per_gas);
    }
    extra
}

fn bytes_of(answer: &CallResult) -> Option<Vec<u8>> {
    hex::decode(decode::<String>(answer).ok()?).ok()
}

/// One batch: `eth_chainId` (checked against chains.toml) and `eth_blockNumber`.
pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = super::endpoint(chain, url);
    let calls = [
        Call::new("eth_chainId", json!([])),
        Call::new("eth_blockNumber", json!([])),
    ];
    let answers = match client.batch(&endpoint, &calls).await {
        Ok(a) => a,
        Err(e) => {
            return Probe::Down {
                error: e.to_string(),
            };
        }
    };
    let id = match decode::<U256>(&answers[0]) {
        Ok(id) => id,
        Err(e) => {
            return Probe::Down {
                error: format!("eth_chainId: {e}"),
            };
        }
    };
    if Some(id) != chain.chain_id.map(U256::from) {
        return Probe::WrongChain {
            chain_id: id.to_string(),
        };
    }
    match decode::<U256>(&answers[1]) {
        Ok(head) => Probe::Up {
            head: u64::try_from(head).unwrap_or(u64::MAX),
            finalized: None,
            runtime: None,
        },
        Err(e) => Probe::Down {
            error: format!("eth_blockNumber: {e}"),
        },
    }
}

/// The EVM family: Ethereum JSON-RPC (every chain with an `eth_chainId`).
pub struct Evm;

impl ChainFamily for Evm {
    /// JSON-RPC: calls go in batches of up to `max_batch`.
    fn batches(&self) -> bool {
        true
    }

    /// The nonce and the fees offered: a replacement must outbid them.
    fn marks(&self, facts: &crate::model::TxFacts) -> Option<crate::model::Marks> {
        let pending = facts.family.pending();
        Some(crate::model::Marks {
            nonce: facts.nonce?,
            max_fee: pending
                .and_then(|p| p.max_fee_per_gas.or(p.gas_price))
                .map(|v| v.to_string()),
            tip: pending
                .and_then(|p| p.max_priority_fee_per_gas)
                .map(|v| v.to_string()),
            inputs: Vec::new(),
            expires_at: None,
        })
    }

    /// A 64-hex hash (`0x` optional) or a `0x` address of 40 hex digits,
    /// whose mixed case, when it has one, must be its EIP-55 checksum.
    fn read(&self, text: &str) -> Option<Result<Target, String>> {
        ids::read(text)
    }

    fn waiting(
        &self,
        facts: &crate::model::TxFacts,
        chain: &Chain,
    ) -> Option<(crate::model::Reason, Option<u64>)> {
        pending::assessment(facts, chain).map(|a| (a.reason, a.eta_seconds))
    }

    fn annotate(
        &self,
        facts: &crate::model::TxFacts,
        chain: &Chain,
        report: &mut crate::model::TxReport,
    ) {
        report.waiting = pending::assessment(facts, chain)
            .map(|a| crate::model::assessment::Waiting::Evm(Box::new(a)));
    }

    fn assess_pooled(
        &self,
        fees: &crate::model::PendingFacts,
        nonce: u64,
        chain: &Chain,
    ) -> Option<crate::model::assessment::pending::Assessment> {
        Some(pending::assess(fees, nonce, chain))
    }

    /// `chain_id` (every endpoint is checked against it), `0x` token
    /// contracts, and how many blocks one `eth_getLogs` may span.
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        keys::check(keys)
    }

    /// Any 32-byte hash (with or without 0x) and 0x addresses.
    fn holds(&self, target: &Target, _chain: &Chain) -> bool {
        matches!(target, Target::Tx { .. } | Target::EvmAddress(_))
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
                TxKey::Hash(h) => lookup_tx(client, chain, *h, seen).await,
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
                Target::EvmAddress(a) => address::lookup_address(client, chain, *a, scope).await,
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

    fn token_id(&self, token: &Token) -> String {
        token.address.to_string()
    }

    fn payees<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        endpoint: &'a str,
        sender: &'a str,
        head: u64,
    ) -> futures_util::future::BoxFuture<'a, Option<crate::model::address::SenderHistory>> {
        Box::pin(async move {
            let sender = sender.parse().ok()?;
            address::payees(client, chain, endpoint, sender, head).await
        })
    }

    /// Without `0x`, in one case: what people compare.
    fn visible_part(&self, address: &str) -> String {
        address
            .strip_prefix("0x")
            .unwrap_or(address)
            .to_ascii_lowercase()
    }

    fn prefixes_hashes(&self) -> bool {
        true
    }
}

/// Reading this family's ids, addresses and explorer links through
/// `query::parse` (the whole path a pasted text takes).
#[cfg(test)]
mod reading_tests {
    use crate::query::testing::*;

    #[test]
    fn address_links_and_bare_addresses_are_addresses() {
        // Issue 18: one mistyped letter's case breaks EIP-55 and is refused;
        // all lower- or upper-case carries no checksum and is accepted.
        let typo = parse("0xdAC17F958D2ee523a2206206994597C13D831Ec7", &cfg(), None).unwrap_err();
        assert!(typo.to_string().contains("checksum is wrong"), "{typo}");
        for plain in [
            "0xdac17f958d2ee523a2206206994597c13d831ec7",
            "0xDAC17F958D2EE523A2206206994597C13D831EC7",
        ] {
            assert!(parse(plain, &cfg(), None).is_ok(), "{plain}");
        }
        let addr = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
        let q = parse(
            &format!("https://etherscan.io/address/{addr}"),
            &cfg(),
            None,
        )
        .unwrap();
        assert_eq!(q.target, Target::EvmAddress(addr.parse().unwrap()));
        assert_eq!(q.chains, ["eth"]);
        let q = parse(&addr.to_lowercase(), &cfg(), None).unwrap();
        assert!(matches!(q.target, Target::EvmAddress(_)));
        assert_eq!(q.chains.len(), PREFIXED_HASH_CHAINS);
    }
}
