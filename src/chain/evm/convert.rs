//! EVM wire answers → chain-neutral facts. Pure functions: revert data
//! decoding, ERC-20 `Transfer` logs, fee arithmetic, congestion from fee
//! history. Tested without a network.

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, U256, hex};
use alloy_sol_types::{Panic, Revert, SolCall, SolError, SolEvent, SolValue, sol};
use serde_json::Value;

use super::ids::checksummed;
use super::wire::{FeeHistory, Log, Receipt, Transaction};
use crate::chain::spec::Chain;
use crate::chain::transport::CallError;
use crate::model::{
    Amount, Congestion, CongestionLevel, Failure, FailureKind, FamilyFacts, Fee, PendingFacts,
    SenderNonce, TipLevels, TokenTransfer, TxFacts,
};

sol! {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function transfer(address to, uint256 amount) returns (bool);
    function transferFrom(address from, address to, uint256 amount) returns (bool);
    function symbol() returns (string);
    function decimals() returns (uint8);
    function balanceOf(address account) returns (uint256);

    // OpenZeppelin 5 errors that explain most failed token transfers.
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidReceiver(address receiver);
    error ERC20InvalidSender(address sender);
    error OwnableUnauthorizedAccount(address account);
    error SafeERC20FailedOperation(address token);
    error EnforcedPause();
}

/// What is known of a token: from chains.toml, or read from the contract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenInfo {
    pub symbol: Option<String>,
    pub decimals: Option<u8>,
}

pub type TokenBook = HashMap<Address, TokenInfo>;

/// The configured tokens of a chain.
pub fn token_book(chain: &Chain) -> TokenBook {
    chain
        .tokens
        .iter()
        .map(|t| {
            (
                t.address,
                TokenInfo {
                    symbol: Some(t.symbol.clone()),
                    decimals: Some(t.decimals),
                },
            )
        })
        .collect()
}

/// Token contracts the transaction touches that the book does not know:
/// their `symbol()` and `decimals()` must be read from the chain.
pub fn unknown_tokens(
    tx: &Transaction,
    receipt: Option<&Receipt>,
    book: &TokenBook,
) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    let from_logs = receipt
        .into_iter()
        .flat_map(|r| r.logs.iter())
        .filter(|l| is_erc20_transfer(l))
        .map(|l| l.address);
    let from_input = intended_call(tx).map(|c| c.token);
    for token in from_logs.chain(from_input) {
        if !book.contains_key(&token) && !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

/// `symbol()` answers are `string`, or `bytes32` for old tokens (MKR, SAI).
pub fn decode_symbol(data: &[u8]) -> Option<String> {
    if let Ok(s) = String::abi_decode(data) {
        let s = s.trim_matches(char::from(0)).trim().to_string();
        return (!s.is_empty() && s.len() <= 32).then_some(s);
    }
    if data.len() == 32 {
        let end = data.iter().position(|&b| b == 0).unwrap_or(32);
        let s = std::str::from_utf8(&data[..end]).ok()?.trim().to_string();
        return (!s.is_empty()).then_some(s);
    }
    None
}

pub fn decode_decimals(data: &[u8]) -> Option<u8> {
    let v = U256::abi_decode(data).ok()?;
    u8::try_from(v).ok().filter(|d| *d <= 77)
}

pub fn is_erc20_transfer(log: &Log) -> bool {
    // ERC-721 uses the same signature with the token id as a third indexed topic.
    log.topics.len() == 3 && log.topics[0] == Transfer::SIGNATURE_HASH && log.data.len() == 32
}

/// ERC-20 `Transfer` logs, in log order, with symbol and decimals from the book.
pub fn token_transfers(logs: &[Log], book: &TokenBook) -> Vec<TokenTransfer> {
    logs.iter()
        .filter(|l| is_erc20_transfer(l))
        .map(|l| {
            let from = Address::from_word(l.topics[1]);
            let to = Address::from_word(l.topics[2]);
            transfer(l.address, from, to, U256::from_be_slice(&l.data), book)
        })
        .collect()
}

pub fn transfer(
    token: Address,
    from: Address,
    to: Address,
    value: U256,
    book: &TokenBook,
) -> TokenTransfer {
    let info = book.get(&token).cloned().unwrap_or_default();
    TokenTransfer {
        memo: None,
        token: checksummed(&token),
        symbol: info.symbol,
        from: checksummed(&from),
        to: checksummed(&to),
        raw: value.to_string(),
        amount: info.decimals.map(|d| crate::model::format_units(value, d)),
        trust: crate::model::Trust::Unchecked,
    }
}

struct IntendedCall {
    token: Address,
    from: Address,
    to: Address,
    value: U256,
}

/// An ERC-20 `transfer`/`transferFrom` the transaction's input asks for.
fn intended_call(tx: &Transaction) -> Option<IntendedCall> {
    let (from, to, value) = decode_transfer_input(tx.from, &tx.input)?;
    Some(IntendedCall {
        token: tx.to?,
        from,
        to,
        value,
    })
}

/// `transfer(to, amount)` sent by `sender`, or `transferFrom(from, to,
/// amount)`: who pays, who receives, how much (TRC-20 shares the ABI).
pub fn decode_transfer_input(sender: Address, input: &[u8]) -> Option<(Address, Address, U256)> {
    if let Ok(c) = transferCall::abi_decode(input) {
        return Some((sender, c.to, c.amount));
    }
    if let Ok(c) = transferFromCall::abi_decode(input) {
        return Some((c.from, c.to, c.amount));
    }
    None
}

/// Everything but the failure reason and congestion, which need more evidence.
pub fn tx_facts(
    chain: &Chain,
    tx: &Transaction,
    receipt: Option<&Receipt>,
    head: Option<u64>,
    book: &TokenBook,
) -> TxFacts {
    let native = |raw: U256| Amount::new(raw, chain.decimals, chain.symbol.clone());
    let block = receipt
        .map(|r| r.block_number)
        .or(tx.block_number)
        .and_then(|b| u64::try_from(b).ok());
    let fee = receipt.map(|r| fee(tx, r, &native));
    let token_transfers = receipt
        .map(|r| token_transfers(&r.logs, book))
        .unwrap_or_default();
    let succeeded = receipt.map(|r| r.status.is_none_or(|s| s == U256::from(1)));
    let intended_transfer = if succeeded == Some(true) {
        None
    } else {
        intended_call(tx).map(|c| transfer(c.token, c.from, c.to, c.value, book))
    };
    TxFacts {
        hash: hex::encode_prefixed(tx.hash),
        from: checksummed(&tx.from),
        to: tx.to.as_ref().map(checksummed),
        nonce: u64::try_from(tx.nonce).ok(),
        value: native(tx.value),
        block,
        head,
        succeeded,
        fee,
        token_transfers,
        intended_transfer,
        failure: None,
        contract_created: receipt
            .and_then(|r| r.contract_address)
            .as_ref()
            .map(checksummed),
        congestion: None,
        solidified: None,
        expires_at_ms: None,
        observed_at_ms: None,
        family: FamilyFacts::Evm { pending: None },
        payees: None,
        tokens_unread: 0,
    }
}

/// The fee figures of a transaction still waiting for a block; the sender's
/// nonces come from the follow-up request.
pub fn pending_facts(
    tx: &Transaction,
    fee_history: Option<&FeeHistory>,
    pending_block_base_fee: Option<U256>,
    sender_nonce: Option<SenderNonce>,
) -> PendingFacts {
    let eip1559 = tx.max_fee_per_gas.is_some();
    PendingFacts {
        max_fee_per_gas: tx.max_fee_per_gas,
        max_priority_fee_per_gas: tx.max_priority_fee_per_gas.filter(|_| eip1559),
        gas_price: if eip1559 { None } else { tx.gas_price },
        next_base_fee: fee_history
            .and_then(|fh| fh.base_fee_per_gas.last().copied())
            .or(pending_block_base_fee),
        recent_tips: fee_history.and_then(tip_levels),
        sender_nonce,
    }
}

/// The network's side of `PendingFacts` (next base fee, recent tips), for
/// the transactions of an address's pool.
pub fn pending_facts_of_network(fee_history: Option<&FeeHistory>) -> PendingFacts {
    PendingFacts {
        next_base_fee: fee_history.and_then(|fh| fh.base_fee_per_gas.last().copied()),
        recent_tips: fee_history.and_then(tip_levels),
        ..PendingFacts::default()
    }
}

/// The median, across the sampled blocks that held transactions, of each
/// reward percentile (`FEE_HISTORY_PERCENTILES`). Empty blocks report zero
/// rewards and would drag every level down, so they are left out.
pub fn tip_levels(fh: &FeeHistory) -> Option<TipLevels> {
    let rows: Vec<&Vec<U256>> = fh
        .reward
        .iter()
        .flatten()
        .zip(fh.gas_used_ratio.iter())
        .filter(|(row, ratio)| **ratio > 0.0 && row.len() == FEE_HISTORY_PERCENTILES.len())
        .map(|(row, _)| row)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let median = |i: usize| {
        let mut v: Vec<U256> = rows.iter().map(|r| r[i]).collect();
        v.sort();
        v[v.len() / 2]
    };
    Some(TipLevels {
        p10: median(0),
        p50: median(1),
        p90: median(2),
    })
}

fn fee(tx: &Transaction, r: &Receipt, native: &impl Fn(U256) -> Amount) -> Fee {
    let price = r.effective_gas_price.or(tx.gas_price).unwrap_or_default();
    let execution = r.gas_used.saturating_mul(price);
    let l1_fee = r.l1_fee.filter(|f| !f.is_zero());
    let blob_fee = match (r.blob_gas_used, r.blob_gas_price) {
        (Some(used), Some(price)) if !used.is_zero() => Some(used.saturating_mul(price)),
        _ => None,
    };
    let total = execution
        .saturating_add(l1_fee.unwrap_or_default())
        .saturating_add(blob_fee.unwrap_or_default());
    Fee {
        payer: None,
        total: native(total),
        gas_used: u64::try_from(r.gas_used).ok(),
        gas_limit: u64::try_from(tx.gas).ok(),
        gas_price: Some(price.to_string()),
        l1_fee: l1_fee.map(native),
        blob_fee: blob_fee.map(native),
        resources: None,
    }
}

/// True when a failed transaction used every unit of gas it was given.
pub fn ran_out_of_gas(tx: &Transaction, r: &Receipt) -> bool {
    r.gas_used >= tx.gas
}

/// The failure reason carried by the receipt itself (some clients set
/// `revertReason`), if any.
pub fn failure_from_receipt(r: &Receipt) -> Option<Failure> {
    let raw = r.revert_reason.as_deref()?.trim();
    if raw.is_empty() {
        return None;
    }
    Some(match hex::decode(raw) {
        Ok(bytes) => decode_revert(&bytes),
        Err(_) => Failure {
            message: Some(raw.to_string()),
            kind: FailureKind::NodeMessage,
            data: None,
        },
    })
}

pub fn out_of_gas(tx: &Transaction) -> Failure {
    Failure {
        message: Some(format!(
            "out of gas: all {} units of the gas limit were used",
            tx.gas
        )),
        kind: FailureKind::OutOfGas,
        data: None,
    }
}

/// Interprets the answer to replaying the failed call with `eth_call`.
pub fn failure_from_replay(answer: &crate::chain::transport::CallResult) -> Failure {
    match answer {
        Ok(_) => Failure {
            message: None,
            kind: FailureKind::NotReproduced,
            data: None,
        },
        Err(CallError::Rpc { message, data, .. }) => {
            if let Some(bytes) = revert_data(data.as_ref()) {
                return decode_revert(&bytes);
            }
            let lower = message.to_ascii_lowercase();
            if lower.contains("out of gas") || lower.contains("outofgas") {
                return Failure {
                    message: Some("out of gas".into()),
                    kind: FailureKind::OutOfGas,
                    data: None,
                };
            }
            match message.split_once("execution reverted") {
                Some((_, rest)) => {
                    let rest = rest.trim_start_matches([':', ' ']).trim();
                    if rest.is_empty() {
                        Failure {
                            message: None,
                            kind: FailureKind::EmptyRevert,
                            data: None,
                        }
                    } else {
                        Failure {
                            message: Some(rest.to_string()),
                            kind: FailureKind::NodeMessage,
                            data: None,
                        }
                    }
                }
                // Any other error is the node's own ("missing trie node" from
                // a node that keeps no old state, a rate limit, …), never the
                // contract's reason: the replay could not be made here.
                None if lower.contains("revert") => Failure {
                    message: Some(message.clone()),
                    kind: FailureKind::NodeMessage,
                    data: None,
                },
                None => Failure {
                    message: None,
                    kind: FailureKind::Unavailable,
                    data: None,
                },
            }
        }
        Err(_) => Failure {
            message: None,
            kind: FailureKind::Unavailable,
            data: None,
        },
    }
}

/// Revert data as nodes return it: a hex string, or nested as `{data: "0x…"}`.
fn revert_data(data: Option<&Value>) -> Option<Vec<u8>> {
    let s = match data? {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("data").and_then(Value::as_str)?,
        _ => return None,
    };
    let s = s.strip_prefix("Reverted ").unwrap_or(s);
    hex::decode(s.trim()).ok()
}

/// Decodes revert data: `Error(string)`, `Panic(uint256)`, well-known custom
/// errors by name, anything else by its selector.
pub fn decode_revert(data: &[u8]) -> Failure {
    let data_hex = Some(hex::encode_prefixed(data));
    if data.is_empty() {
        return Failure {
            message: None,
            kind: FailureKind::EmptyRevert,
            data: None,
        };
    }
    if let Ok(r) = Revert::abi_decode(data) {
        return Failure {
            message: Some(r.reason),
            kind: FailureKind::ErrorString,
            data: data_hex,
        };
    }
    if let Ok(p) = Panic::abi_decode(data) {
        let code = p.code;
        let meaning = panic_meaning(code);
        return Failure {
            message: Some(format!("Panic(0x{code:02x}): {meaning}")),
            kind: FailureKind::Panic,
            data: data_hex,
        };
    }
    if let Some(message) = known_custom_error(data) {
        return Failure {
            message: Some(message),
            kind: FailureKind::CustomError,
            data: data_hex,
        };
    }
    let message = if data.len() >= 4 {
        format!(
            "custom error 0x{} (not a known error; look the selector up in the contract's ABI)",
            hex::encode(&data[..4])
        )
    } else {
        format!("unrecognised revert data 0x{}", hex::encode(data))
    };
    Failure {
        message: Some(message),
        kind: FailureKind::CustomError,
        data: data_hex,
    }
}

/// Solidity's panic codes, in words.
pub fn panic_meaning(code: U256) -> &'static str {
    match u64::try_from(code).unwrap_or(u64::MAX) {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "conversion into an invalid enum value",
        0x22 => "access to an incorrectly encoded storage byte array",
        0x31 => "pop() on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "too much memory allocated",
        0x51 => "call to an uninitialised internal function",
        _ => "unknown panic code",
    }
}

fn known_custom_error(data: &[u8]) -> Option<String> {
    if let Ok(e) = ERC20InsufficientBalance::abi_decode(data) {
        return Some(format!(
            "ERC20InsufficientBalance: {} holds {} base units but {} were needed",
            e.sender, e.balance, e.needed
        ));
    }
    if let Ok(e) = ERC20InsufficientAllowance::abi_decode(data) {
        return Some(format!(
            "ERC20InsufficientAllowance: {} may spend {} base units but {} were needed",
            e.spender, e.allowance, e.needed
        ));
    }
    if let Ok(e) = ERC20InvalidReceiver::abi_decode(data) {
        return Some(format!(
            "ERC20InvalidReceiver: the token refuses to send to {}",
            e.receiver
        ));
    }
    if let Ok(e) = ERC20InvalidSender::abi_decode(data) {
        return Some(format!(
            "ERC20InvalidSender: the token refuses to send from {}",
            e.sender
        ));
    }
    if let Ok(e) = OwnableUnauthorizedAccount::abi_decode(data) {
        return Some(format!(
            "OwnableUnauthorizedAccount: {} is not allowed to call this",
            e.account
        ));
    }
    if let Ok(e) = SafeERC20FailedOperation::abi_decode(data) {
        return Some(format!(
            "SafeERC20FailedOperation: a transfer of token {} failed",
            e.token
        ));
    }
    if EnforcedPause::abi_decode(data).is_ok() {
        return Some("EnforcedPause: the contract is paused".into());
    }
    None
}

/// The `eth_call` that replays a failed transaction at the state before its block.
pub fn replay_call(tx: &Transaction, block: u64) -> (Value, String) {
    let mut call = serde_json::json!({
        "from": tx.from,
        "data": Bytes::clone(&tx.input),
        "value": format!("0x{:x}", tx.value),
        "gas": format!("0x{:x}", tx.gas),
    });
    if let Some(to) = tx.to {
        call["to"] = serde_json::json!(to);
    }
    (call, format!("0x{:x}", block.saturating_sub(1)))
}

pub fn symbol_call_data() -> String {
    hex::encode_prefixed(symbolCall {}.abi_encode())
}

pub fn decimals_call_data() -> String {
    hex::encode_prefixed(decimalsCall {}.abi_encode())
}

/// How many blocks of fee history to ask for, and which reward percentiles.
pub const FEE_HISTORY_BLOCKS: u64 = 20;
pub const FEE_HISTORY_PERCENTILES: [f64; 3] = [10.0, 50.0, 90.0];

/// The network's load from recent fee history: how full blocks are and how the
/// base fee moved. A base fee that doubled across the window is a spike.
pub fn congestion(fh: &FeeHistory) -> Option<Congestion> {
    let n = fh.gas_used_ratio.len();
    if n == 0 {
        return None;
    }
    let fullness = fh.gas_used_ratio.iter().sum::<f64>() / n as f64;
    let recent = &fh.gas_used_ratio[n.saturating_sub(5)..];
    let recent_fullness = recent.iter().sum::<f64>() / recent.len() as f64;

    let gwei = |v: &U256| to_f64(v) / 1e9;
    let next_base = fh.base_fee_per_gas.last().filter(|b| !b.is_zero());
    let first_base = fh.base_fee_per_gas.iter().find(|b| !b.is_zero());
    let change_pct = match (first_base, next_base) {
        (Some(first), Some(next)) => Some((to_f64(next) / to_f64(first) - 1.0) * 100.0),
        _ => None,
    };
    let tips = tip_levels(fh);

    let rise = change_pct.unwrap_or(0.0);
    let level = if rise >= 100.0 || (recent_fullness >= 0.95 && rise >= 50.0) {
        CongestionLevel::Extreme
    } else if rise >= 40.0 || recent_fullness >= 0.85 {
        CongestionLevel::High
    } else if fullness < 0.35 && rise <= 5.0 {
        CongestionLevel::Low
    } else {
        CongestionLevel::Normal
    };
    let round = |x: f64, places: i32| (x * 10f64.powi(places)).round() / 10f64.powi(places);
    Some(Congestion {
        base_fee_gwei: next_base.map(|b| round(gwei(b), 4)),
        base_fee_change_pct: change_pct.map(|c| round(c, 1)),
        block_fullness: Some(round(fullness, 3)),
        priority_fee_gwei: tips.map(|t| round(gwei(&t.p50), 4)),
        priority_fee_high_gwei: tips.map(|t| round(gwei(&t.p90), 4)),
        blocks_sampled: n,
        ..Congestion::new(level)
    })
}

fn to_f64(v: &U256) -> f64 {
    v.to_string().parse().unwrap_or(f64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::chain::transport::answered as ok;
    use crate::config::{BUILTIN, parse};
    use alloy_primitives::{B256, address};

    fn chain(key: &str) -> Chain {
        parse(BUILTIN).unwrap().chain(key).unwrap().clone()
    }

    fn tx(input: Vec<u8>, to: Address) -> Transaction {
        Transaction {
            hash: B256::repeat_byte(0xab),
            from: address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            to: Some(to),
            nonce: U256::from(7),
            value: U256::ZERO,
            gas: U256::from(100_000),
            gas_price: Some(U256::from(3_000_000_000u64)),
            max_fee_per_gas: None,
            max_priority_fee_per_gas: None,
            input: input.into(),
            block_number: Some(U256::from(100)),
            block_hash: None,
        }
    }

    fn receipt(status: u64, gas_used: u64, logs: Vec<Log>) -> Receipt {
        Receipt {
            transaction_hash: Some(B256::repeat_byte(0xab)),
            block_hash: None,
            status: Some(U256::from(status)),
            block_number: U256::from(100),
            gas_used: U256::from(gas_used),
            effective_gas_price: Some(U256::from(1_000_000_000u64)),
            logs,
            contract_address: None,
            l1_fee: None,
            blob_gas_used: None,
            blob_gas_price: None,
            revert_reason: None,
        }
    }

    fn transfer_log(token: Address, from: Address, to: Address, value: u128) -> Log {
        Log {
            address: token,
            topics: vec![Transfer::SIGNATURE_HASH, from.into_word(), to.into_word()],
            data: U256::from(value).to_be_bytes_vec().into(),
        }
    }

    const USDT_BSC: Address = address!("55d398326f99059fF775485246999027B3197955");
    const ALICE: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

    #[test]
    fn bsc_usdt_transfer_uses_18_decimals_and_names_the_real_recipient() {
        let bsc = chain("bsc");
        let book = token_book(&bsc);
        let input = transferCall {
            to: ALICE,
            amount: U256::from(250u128 * 10u128.pow(18)),
        }
        .abi_encode();
        let t = tx(input, USDT_BSC);
        let r = receipt(
            1,
            50_000,
            vec![transfer_log(USDT_BSC, t.from, ALICE, 250 * 10u128.pow(18))],
        );
        let f = tx_facts(&bsc, &t, Some(&r), Some(110), &book);
        assert_eq!(f.token_transfers.len(), 1);
        let tt = &f.token_transfers[0];
        assert_eq!(
            (tt.symbol.as_deref(), tt.amount.as_deref()),
            (Some("USDT"), Some("250"))
        );
        assert_eq!(tt.to, ALICE.to_string());
        assert_eq!(
            f.to.as_deref(),
            Some(USDT_BSC.to_string().as_str()),
            "tx.to is the token contract"
        );
        assert_eq!(f.succeeded, Some(true));
        assert!(f.intended_transfer.is_none());
        assert_eq!(
            f.fee.as_ref().unwrap().total.raw,
            U256::from(50_000u64 * 1_000_000_000)
        );
        assert_eq!(f.fee.as_ref().unwrap().total.amount(), "0.00005");
        assert_eq!(f.block, Some(100));
    }

    #[test]
    fn unknown_tokens_are_listed_once_and_nft_transfers_ignored() {
        let book = token_book(&chain("eth"));
        let other = address!("1111111111111111111111111111111111111111");
        let t = tx(vec![], other);
        let mut nft = transfer_log(other, t.from, ALICE, 1);
        nft.topics.push(B256::ZERO);
        nft.data = Bytes::new();
        let r = receipt(
            1,
            50_000,
            vec![
                transfer_log(other, t.from, ALICE, 5),
                transfer_log(other, ALICE, t.from, 1),
                nft,
            ],
        );
        assert_eq!(unknown_tokens(&t, Some(&r), &book), vec![other]);
        let f = tx_facts(&chain("eth"), &t, Some(&r), Some(100), &book);
        assert_eq!(f.token_transfers.len(), 2);
        assert_eq!(
            f.token_transfers[0].amount, None,
            "decimals unknown: no amount is invented"
        );
        assert_eq!(
            f.token_transfers[0].display(),
            format!("5 base units of token {other}")
        );
    }

    #[test]
    fn failed_transfer_keeps_what_it_tried_to_send() {
        let eth = chain("eth");
        let usdt = eth.tokens[0].address;
        let input = transferCall {
            to: ALICE,
            amount: U256::from(100_000_000u64),
        }
        .abi_encode();
        let t = tx(input, usdt);
        let r = receipt(0, 30_000, vec![]);
        let f = tx_facts(&eth, &t, Some(&r), Some(100), &token_book(&eth));
        assert_eq!(f.succeeded, Some(false));
        let it = f.intended_transfer.unwrap();
        assert_eq!(
            (it.amount.as_deref(), it.symbol.as_deref(), it.to.as_str()),
            (Some("100"), Some("USDT"), ALICE.to_string().as_str())
        );
        assert!(!ran_out_of_gas(&t, &r));
        assert!(ran_out_of_gas(&t, &receipt(0, 100_000, vec![])));
    }

    #[test]
    fn op_stack_fee_adds_the_l1_fee() {
        let op = chain("op");
        let t = tx(vec![], ALICE);
        let mut r = receipt(1, 21_000, vec![]);
        r.l1_fee = Some(U256::from(5_000u64));
        let fee = tx_facts(&op, &t, Some(&r), Some(100), &TokenBook::new())
            .fee
            .unwrap();
        assert_eq!(fee.total.raw, U256::from(21_000u64 * 1_000_000_000 + 5_000));
        assert_eq!(fee.l1_fee.unwrap().raw, U256::from(5_000u64));
    }

    #[test]
    fn revert_data_decodes_every_kind() {
        let s = decode_revert(&Revert::from("ERC20: transfer amount exceeds balance").abi_encode());
        assert_eq!(
            (s.kind, s.message.as_deref()),
            (
                FailureKind::ErrorString,
                Some("ERC20: transfer amount exceeds balance")
            )
        );
        let p = decode_revert(&Panic::from(0x12).abi_encode());
        assert_eq!(p.kind, FailureKind::Panic);
        assert_eq!(
            p.message.as_deref(),
            Some("Panic(0x12): division or modulo by zero")
        );
        let oz = ERC20InsufficientBalance {
            sender: ALICE,
            balance: U256::from(5),
            needed: U256::from(10),
        }
        .abi_encode();
        let oz = decode_revert(&oz);
        assert_eq!(oz.kind, FailureKind::CustomError);
        assert!(oz.message.unwrap().starts_with("ERC20InsufficientBalance"));
        let custom = decode_revert(
            &hex::decode(
                "8e4a23d6000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            )
            .unwrap(),
        );
        assert!(custom.message.unwrap().contains("0x8e4a23d6"));
        assert_eq!(decode_revert(&[]).kind, FailureKind::EmptyRevert);
    }

    #[test]
    fn replay_answers_from_different_nodes() {
        let data = hex::encode_prefixed(Revert::from("nope").abi_encode());
        let geth = Err(CallError::Rpc {
            code: 3,
            message: "execution reverted: nope".into(),
            data: Some(Value::String(data.clone())),
        });
        assert_eq!(failure_from_replay(&geth).message.as_deref(), Some("nope"));
        let nested = Err(CallError::Rpc {
            code: -32000,
            message: "x".into(),
            data: Some(serde_json::json!({"data": data})),
        });
        assert_eq!(
            failure_from_replay(&nested).message.as_deref(),
            Some("nope")
        );
        let text_only = Err(CallError::Rpc {
            code: -32000,
            message: "execution reverted: paused".into(),
            data: None,
        });
        assert_eq!(
            failure_from_replay(&text_only).kind,
            FailureKind::NodeMessage
        );
        let bare = Err(CallError::Rpc {
            code: -32000,
            message: "execution reverted".into(),
            data: None,
        });
        assert_eq!(failure_from_replay(&bare).kind, FailureKind::EmptyRevert);
        assert_eq!(
            failure_from_replay(&ok(Value::String("0x".into()))).kind,
            FailureKind::NotReproduced
        );
        assert_eq!(
            failure_from_replay(&Err(CallError::Missing)).kind,
            FailureKind::Unavailable
        );
        let pruned = Err(CallError::Rpc {
            code: -32000,
            message: "missing trie node 5f3e… (path ) state 0x5f3e… is not available".into(),
            data: None,
        });
        let f = failure_from_replay(&pruned);
        assert_eq!(
            (f.kind, f.message),
            (FailureKind::Unavailable, None),
            "issue 18: a node's error is never the contract's reason"
        );
        let oog = Err(CallError::Rpc {
            code: -32000,
            message: "out of gas".into(),
            data: None,
        });
        assert_eq!(failure_from_replay(&oog).kind, FailureKind::OutOfGas);
    }

    #[test]
    fn symbols_decode_as_string_or_bytes32() {
        assert_eq!(
            decode_symbol(&"USDT".to_string().abi_encode()).as_deref(),
            Some("USDT")
        );
        let mut mkr = [0u8; 32];
        mkr[..3].copy_from_slice(b"MKR");
        assert_eq!(decode_symbol(&mkr).as_deref(), Some("MKR"));
        assert_eq!(decode_symbol(&[]), None);
        assert_eq!(decode_decimals(&U256::from(6).abi_encode()), Some(6));
        assert_eq!(decode_decimals(&U256::from(1000).abi_encode()), None);
    }

    fn history(base_gwei: &[u64], ratios: &[f64]) -> FeeHistory {
        FeeHistory {
            base_fee_per_gas: base_gwei
                .iter()
                .map(|g| U256::from(g * 1_000_000_000))
                .collect(),
            gas_used_ratio: ratios.to_vec(),
            reward: Some(
                ratios
                    .iter()
                    .map(|_| vec![U256::ZERO, U256::from(2_000_000_000u64), U256::ZERO])
                    .collect(),
            ),
        }
    }

    #[test]
    fn congestion_levels_follow_fullness_and_base_fee_trend() {
        let quiet = congestion(&history(&[10, 10, 10], &[0.1, 0.2])).unwrap();
        assert_eq!(quiet.level, CongestionLevel::Low);
        assert_eq!(quiet.priority_fee_gwei, Some(2.0));
        assert_eq!(
            congestion(&history(&[10, 10, 10], &[0.5, 0.5]))
                .unwrap()
                .level,
            CongestionLevel::Normal
        );
        assert_eq!(
            congestion(&history(&[10, 11, 12], &[0.9, 0.9]))
                .unwrap()
                .level,
            CongestionLevel::High
        );
        let spike = congestion(&history(&[10, 15, 25], &[1.0, 1.0])).unwrap();
        assert_eq!(spike.level, CongestionLevel::Extreme);
        assert_eq!(spike.base_fee_change_pct, Some(150.0));
        // BSC: no base fee, only fullness speaks.
        let bsc = congestion(&history(&[0, 0, 0], &[0.2, 0.3])).unwrap();
        assert_eq!((bsc.level, bsc.base_fee_gwei), (CongestionLevel::Low, None));
        assert!(congestion(&history(&[0], &[])).is_none());
    }
}
