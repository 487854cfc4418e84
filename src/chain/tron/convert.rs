//! TRON wire answers → chain-neutral facts. Pure. Amounts stay in sun;
//! addresses become `T…`; TRC-20 `Transfer` logs are decoded with the same
//! code as ERC-20 ones (the TVM shares the EVM's log and ABI formats).

use alloy_primitives::{Address, B256, Bytes, U256, hex};

use super::address::{from_hex, to_base58};
use super::wire::{
    AccountResource, ChainParameters, Contract, Log, TransactionInfo, TransferAssetContract,
    TransferContract, TriggerSmartContract,
};
use crate::chain::evm::convert::{self as evm, TokenBook};
use crate::chain::evm::wire as evm_wire;
use crate::chain::spec::Chain;
use crate::model::{
    Amount, Congestion, CongestionLevel, EnergyMarket, Failure, FailureKind, FamilyFacts, Fee,
    ResourceFee, TokenTransfer, Trust, TxFacts,
};

/// Energy a USDT `transfer` takes when the recipient already holds USDT
/// (tronscan shows 64,285 for such transfers; about twice that to an address
/// that never held any, because a new storage slot is written).
pub const USDT_TRANSFER_ENERGY: u64 = 64_285;
/// Bandwidth (bytes) of a typical TRC-20 transfer transaction.
pub const TRC20_TRANSFER_BANDWIDTH: u64 = 345;
/// Used when the node does not give its chain parameters: the energy price
/// since proposal #104 (2025-08-29), and the bandwidth price.
pub const DEFAULT_ENERGY_PRICE_SUN: u64 = 100;
pub const DEFAULT_BANDWIDTH_PRICE_SUN: u64 = 1000;

/// What the first contract of a transaction says: who, to whom, how much.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Call {
    pub kind: String,
    pub from: Option<Address>,
    pub to: Option<Address>,
    pub value_sun: u64,
    /// The contract called (TriggerSmartContract).
    pub contract: Option<Address>,
    pub data: Vec<u8>,
    /// TRC-10 token id and amount (TransferAssetContract).
    pub asset: Option<(String, u64)>,
}

pub fn call(contract: Option<&Contract>) -> Call {
    let Some(c) = contract else {
        return Call::default();
    };
    let value = &c.parameter.value;
    let mut out = Call {
        kind: c.kind.clone(),
        ..Call::default()
    };
    match c.kind.as_str() {
        "TransferContract" => {
            if let Ok(t) = serde_json::from_value::<TransferContract>(value.clone()) {
                out.from = from_hex(&t.owner_address);
                out.to = from_hex(&t.to_address);
                out.value_sun = u64::try_from(t.amount).unwrap_or_default();
            }
        }
        "TransferAssetContract" => {
            if let Ok(t) = serde_json::from_value::<TransferAssetContract>(value.clone()) {
                out.from = from_hex(&t.owner_address);
                out.to = from_hex(&t.to_address);
                let id = hex::decode(&t.asset_name)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or(t.asset_name);
                out.asset = Some((id, u64::try_from(t.amount).unwrap_or_default()));
            }
        }
        "TriggerSmartContract" => {
            if let Ok(t) = serde_json::from_value::<TriggerSmartContract>(value.clone()) {
                out.from = from_hex(&t.owner_address);
                out.contract = from_hex(&t.contract_address);
                out.to = out.contract;
                out.value_sun = u64::try_from(t.call_value).unwrap_or_default();
                out.data = hex::decode(&t.data).unwrap_or_default();
            }
        }
        _ => {
            // Staking, voting, account updates: the owner is all that is shared.
            out.from = value
                .get("owner_address")
                .and_then(|v| v.as_str())
                .and_then(from_hex);
        }
    }
    out
}

/// TRC-20 logs in the EVM shape, so `evm::token_transfers` decodes them.
fn evm_logs(logs: &[Log]) -> Vec<evm_wire::Log> {
    logs.iter()
        .filter_map(|l| {
            Some(evm_wire::Log {
                address: from_hex(&l.address)?,
                topics: l
                    .topics
                    .iter()
                    .map(|t| t.parse::<B256>().ok())
                    .collect::<Option<Vec<_>>>()?,
                data: Bytes::from(hex::decode(&l.data).ok()?),
            })
        })
        .collect()
}

/// Token contracts in the logs or the call that the book does not know.
pub fn unknown_tokens(
    call: &Call,
    info: Option<&TransactionInfo>,
    book: &TokenBook,
) -> Vec<Address> {
    let mut out = Vec::new();
    let logs = info.map(|i| evm_logs(&i.log)).unwrap_or_default();
    let from_logs = logs
        .iter()
        .filter(|l| evm::is_erc20_transfer(l))
        .map(|l| l.address);
    let from_call = call.contract.filter(|_| intended(call, book).is_some());
    for token in from_logs.chain(from_call) {
        if !book.contains_key(&token) && !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

/// A token transfer with every address in `T…` form.
fn tron_form(t: TokenTransfer) -> TokenTransfer {
    let t58 = |s: &str| {
        s.parse::<Address>()
            .map(|a| to_base58(&a))
            .unwrap_or(s.to_string())
    };
    TokenTransfer {
        token: t58(&t.token),
        from: t58(&t.from),
        to: t58(&t.to),
        ..t
    }
}

fn intended(call: &Call, book: &TokenBook) -> Option<TokenTransfer> {
    let token = call.contract?;
    let (from, to, value) = evm::decode_transfer_input(call.from?, &call.data)?;
    Some(tron_form(evm::transfer(token, from, to, value, book)))
}

/// The receipt's verdict: `Some(true)` success, `Some(false)` failed, `None`
/// not executed yet (no info).
pub fn succeeded(info: Option<&TransactionInfo>) -> Option<bool> {
    let info = info?;
    let receipt_ok = info
        .receipt
        .as_ref()
        .and_then(|r| r.result.as_deref())
        .is_none_or(|r| r == "SUCCESS" || r == "DEFAULT");
    Some(info.result.as_deref() != Some("FAILED") && receipt_ok)
}

/// Why it failed, in words: OUT_OF_ENERGY, REVERT with its decoded message,
/// or the virtual machine's code named as it is.
pub fn failure(info: &TransactionInfo) -> Failure {
    let code = info
        .receipt
        .as_ref()
        .and_then(|r| r.result.clone())
        .unwrap_or_else(|| "FAILED".to_string());
    let node_text = info
        .res_message
        .as_deref()
        .and_then(|m| hex::decode(m).ok())
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .filter(|m| !m.is_empty());
    match code.as_str() {
        "OUT_OF_ENERGY" => Failure {
            message: node_text,
            kind: FailureKind::OutOfEnergy,
            data: None,
        },
        "REVERT" => {
            let data = info
                .contract_result
                .first()
                .and_then(|r| hex::decode(r).ok())
                .unwrap_or_default();
            if data.is_empty() {
                Failure {
                    message: node_text,
                    kind: FailureKind::EmptyRevert,
                    data: None,
                }
            } else {
                evm::decode_revert(&data)
            }
        }
        other => Failure {
            message: Some(match node_text {
                Some(t) => format!("{other}: {t}"),
                None => other.to_string(),
            }),
            kind: FailureKind::VmError,
            data: None,
        },
    }
}

fn sun(chain: &Chain, v: u64) -> Amount {
    Amount::new(U256::from(v), chain.decimals, chain.symbol.clone())
}

fn nonneg(v: Option<i64>) -> u64 {
    v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

/// The fee with its energy and bandwidth breakdown.
pub fn fee(chain: &Chain, info: &TransactionInfo, fee_limit: Option<i64>) -> Fee {
    let r = info.receipt.clone().unwrap_or_default();
    let energy_used = nonneg(r.energy_usage_total);
    let energy_from_stake = nonneg(r.energy_usage);
    let energy_from_deployer = nonneg(r.origin_energy_usage);
    Fee {
        resources: Some(crate::model::Resources::Tron(ResourceFee {
            energy_used,
            energy_from_stake,
            energy_from_deployer,
            energy_burned: energy_used
                .saturating_sub(energy_from_stake.saturating_add(energy_from_deployer)),
            energy_fee: sun(chain, nonneg(r.energy_fee)),
            energy_penalty: nonneg(r.energy_penalty_total),
            bandwidth_used: nonneg(r.net_usage),
            bandwidth_fee: sun(chain, nonneg(r.net_fee)),
            fee_limit: fee_limit
                .and_then(|l| u64::try_from(l).ok())
                .filter(|l| *l > 0)
                .map(|l| sun(chain, l)),
        })),
        ..Fee::flat(sun(chain, nonneg(info.fee)))
    }
}

/// What a transfer costs now without energy, and what the sender holds.
pub fn energy_market(
    chain: &Chain,
    params: Option<&ChainParameters>,
    sender: Option<&AccountResource>,
) -> Congestion {
    let price = |key: &str, default: u64| {
        params
            .and_then(|p| p.get(key))
            .and_then(|v| u64::try_from(v).ok())
            .filter(|v| *v > 0)
            .unwrap_or(default)
    };
    let energy_price = price("getEnergyFee", DEFAULT_ENERGY_PRICE_SUN);
    let bandwidth_price = price("getTransactionFee", DEFAULT_BANDWIDTH_PRICE_SUN);
    let burn = USDT_TRANSFER_ENERGY
        .saturating_mul(energy_price)
        .saturating_add(TRC20_TRANSFER_BANDWIDTH.saturating_mul(bandwidth_price));
    let left = |limit: Option<i64>, used: Option<i64>| nonneg(limit).saturating_sub(nonneg(used));
    Congestion {
        // Prices are set by governance, not bid up: load does not delay a
        // transaction that can pay, so there is no congestion to report.
        energy: Some(Box::new(EnergyMarket {
            energy_price_sun: energy_price,
            bandwidth_price_sun: bandwidth_price,
            usdt_transfer_energy: USDT_TRANSFER_ENERGY,
            usdt_transfer_burn: sun(chain, burn),
            sender_energy_available: sender.map(|s| left(s.energy_limit, s.energy_used)),
            sender_bandwidth_available: sender.map(|s| {
                left(s.free_net_limit, s.free_net_used)
                    .saturating_add(left(s.net_limit, s.net_used))
            }),
        })),
        ..Congestion::new(CongestionLevel::Low)
    }
}

/// Everything the two API answers say about the transaction.
#[allow(clippy::too_many_arguments)]
pub fn tx_facts(
    chain: &Chain,
    id: &str,
    contract: Option<&Contract>,
    expiration: Option<i64>,
    fee_limit: Option<i64>,
    info: Option<&TransactionInfo>,
    head: Option<u64>,
    book: &TokenBook,
) -> TxFacts {
    let call = call(contract);
    let t58 = |a: &Address| to_base58(a);
    let succeeded = succeeded(info);
    let logs = info.map(|i| evm_logs(&i.log)).unwrap_or_default();
    let mut token_transfers: Vec<TokenTransfer> = evm::token_transfers(&logs, book)
        .into_iter()
        .map(tron_form)
        .collect();
    if let (Some((id, amount)), Some(true)) = (&call.asset, succeeded) {
        token_transfers.push(TokenTransfer {
            memo: None,
            token: format!("TRC-10 {id}"),
            symbol: None,
            from: call.from.as_ref().map(t58).unwrap_or_default(),
            to: call.to.as_ref().map(t58).unwrap_or_default(),
            raw: amount.to_string(),
            amount: None,
            trust: Trust::Unchecked,
        });
    }
    let intended_transfer = if succeeded == Some(true) {
        None
    } else {
        intended(&call, book)
    };
    TxFacts {
        hash: id.to_string(),
        from: call.from.as_ref().map(t58).unwrap_or_default(),
        to: call.to.as_ref().map(t58),
        nonce: None,
        value: sun(chain, call.value_sun),
        block: info
            .and_then(|i| i.block_number)
            .and_then(|b| u64::try_from(b).ok()),
        head,
        succeeded,
        fee: info.map(|i| fee(chain, i, fee_limit)),
        token_transfers,
        intended_transfer,
        failure: info.filter(|_| succeeded == Some(false)).map(failure),
        contract_created: None,
        congestion: None,
        solidified: None,
        expires_at_ms: expiration.and_then(|e| u64::try_from(e).ok()),
        observed_at_ms: None,
        family: FamilyFacts::None,
        payees: None,
        tokens_unread: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};

    fn tron() -> Chain {
        parse(BUILTIN).unwrap().chain("tron").unwrap().clone()
    }

    #[test]
    fn failures_are_named() {
        let info = |code: &str, result: Vec<&str>, msg: &str| TransactionInfo {
            result: Some("FAILED".into()),
            receipt: Some(crate::chain::tron::wire::ResourceReceipt {
                result: Some(code.into()),
                ..Default::default()
            }),
            contract_result: result.into_iter().map(String::from).collect(),
            res_message: Some(hex::encode(msg)),
            ..Default::default()
        };
        let f = failure(&info("OUT_OF_ENERGY", vec![""], "Not enough energy"));
        assert_eq!(
            (f.kind, f.message.as_deref()),
            (FailureKind::OutOfEnergy, Some("Not enough energy"))
        );
        // Error(string) "balance too low", as the TVM returns it.
        let revert = "08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000f62616c616e636520746f6f206c6f770000000000000000000000000000000000";
        let f = failure(&info("REVERT", vec![revert], "REVERT opcode executed"));
        assert_eq!(
            (f.kind, f.message.as_deref()),
            (FailureKind::ErrorString, Some("balance too low"))
        );
        let f = failure(&info(
            "OUT_OF_TIME",
            vec![""],
            "CPU timeout for 'PUSH1' operation executing",
        ));
        assert_eq!(f.kind, FailureKind::VmError);
        assert_eq!(
            f.message.as_deref(),
            Some("OUT_OF_TIME: CPU timeout for 'PUSH1' operation executing")
        );
        assert_eq!(succeeded(Some(&info("REVERT", vec![], ""))), Some(false));
        assert_eq!(
            succeeded(Some(&TransactionInfo::default())),
            Some(true),
            "no result field: success"
        );
        assert_eq!(succeeded(None), None);
    }

    #[test]
    fn usdt_burn_follows_the_energy_price() {
        let params = ChainParameters {
            chain_parameter: vec![
                crate::chain::tron::wire::ChainParameter {
                    key: "getEnergyFee".into(),
                    value: Some(210),
                },
                crate::chain::tron::wire::ChainParameter {
                    key: "getTransactionFee".into(),
                    value: Some(1000),
                },
            ],
        };
        let c = energy_market(&tron(), Some(&params), None);
        let e = c.energy.unwrap();
        assert_eq!(e.energy_price_sun, 210);
        // 64,285 × 210 + 345 × 1000 sun
        assert_eq!(e.usdt_transfer_burn.amount(), "13.84485");
        let c = energy_market(
            &tron(),
            None,
            Some(&AccountResource {
                free_net_limit: Some(600),
                free_net_used: Some(100),
                energy_limit: Some(70_000),
                energy_used: Some(5_000),
                ..Default::default()
            }),
        );
        let e = c.energy.unwrap();
        assert_eq!(e.energy_price_sun, DEFAULT_ENERGY_PRICE_SUN);
        assert_eq!(
            (e.sender_energy_available, e.sender_bandwidth_available),
            (Some(65_000), Some(500))
        );
    }
}
