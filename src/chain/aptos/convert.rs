//! Aptos answers → facts, pure. A committed transaction is final (BFT: no
//! confirmation depth); what moved is read from the `Withdraw`/`Deposit`
//! events, which name a fungible *store*, resolved to its owner and asset
//! through the `FungibleStore` and `ObjectCore` resources the transaction
//! wrote (legacy coin events name the account and its `CoinStore<T>`); the
//! fee is gas used × gas unit price less the storage refund, paid by the
//! fee payer when one signed.

use std::collections::HashMap;

use alloy_primitives::U256;
use serde_json::Value;

use super::wire::{Change, Event, GasEstimate, Transaction};
use crate::chain::spec::Chain;
use crate::model::{
    Amount, AptosFacts, Congestion, CongestionLevel, Failure, FailureKind, FamilyFacts, Fee,
    FeeStatement, MoveAbort, TokenTransfer, TxFacts,
};

/// APT as a fungible asset (its paired metadata object) and as a coin.
pub const APT_METADATA: &str = "0x000000000000000000000000000000000000000000000000000000000000000a";
pub const APT_COIN: &str = "0x1::aptos_coin::AptosCoin";

/// What the answering node said of its ledger (the `X-Aptos-*` headers or
/// `GET /v1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ledger {
    pub chain_id: u64,
    pub version: u64,
    /// Microseconds.
    pub timestamp_us: u64,
    pub oldest_version: u64,
    pub block_height: Option<u64>,
}

/// An account address as the chain writes it: `0x` + 64 lower-case hex
/// digits, short forms (`0x1`) padded on the left. `None` when it is not one.
pub fn normalize(address: &str) -> Option<String> {
    let hex = address
        .strip_prefix("0x")
        .or_else(|| address.strip_prefix("0X"))?;
    if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!("0x{:0>64}", hex.to_ascii_lowercase()))
}

/// An asset as the configuration names it: a fungible asset's metadata
/// address (normalised) or a coin type tag (`0x1::aptos_coin::AptosCoin`).
pub fn asset_id(asset: &str) -> String {
    match asset.split_once("::") {
        Some((addr, rest)) => match normalize(addr) {
            Some(a) => format!("{}::{rest}", short(&a)),
            None => asset.to_string(),
        },
        None => normalize(asset).unwrap_or_else(|| asset.to_string()),
    }
}

/// `0x1` for a special address, else the full form: how type tags write
/// addresses.
fn short(address: &str) -> String {
    let digits = address.trim_start_matches("0x").trim_start_matches('0');
    if digits.len() <= 1 {
        format!("0x{}", if digits.is_empty() { "0" } else { digits })
    } else {
        address.to_string()
    }
}

/// Whether `asset` is APT (its metadata object `0xa` or its coin type).
pub fn is_apt(asset: &str) -> bool {
    asset == APT_METADATA || asset == APT_COIN
}

/// Reads `vm_status`. `Move abort in 0x1::coin: EINSUFFICIENT_BALANCE(0x10006):
/// Not enough coins …`, `Move abort in 0x1::util: 0x10001`, `Move abort:
/// code 0x1` (a script), `Out of gas`, `Execution failed in …`, anything else.
pub fn failure(vm_status: &str) -> Failure {
    let text = crate::safe::text(vm_status);
    if vm_status.trim().eq_ignore_ascii_case("out of gas") {
        return Failure {
            message: Some(text),
            kind: FailureKind::OutOfGas,
            data: None,
        };
    }
    if vm_status.starts_with("Move abort") {
        return Failure {
            message: Some(text),
            kind: FailureKind::MoveAbort,
            data: None,
        };
    }
    Failure {
        message: Some(text),
        kind: FailureKind::VmError,
        data: None,
    }
}

/// The parts of a Move abort's `vm_status`.
pub fn move_abort(vm_status: &str) -> Option<MoveAbort> {
    let rest = vm_status.strip_prefix("Move abort")?;
    let clean = |s: &str| {
        let s = crate::safe::text(s.trim());
        (!s.is_empty()).then_some(s)
    };
    if let Some(code) = rest.strip_prefix(": code ") {
        return Some(MoveAbort {
            module: None,
            name: None,
            code: clean(code),
            description: None,
        });
    }
    let rest = rest.strip_prefix(" in ")?;
    // The module is `0x…::name`: its `::` are not the separator.
    let (module, rest) = match rest.find(": ") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest, ""),
    };
    let (head, description) = rest
        .split_once("): ")
        .map_or((rest, None), |(h, d)| (h, Some(d)));
    let (name, code) = match head.split_once('(') {
        Some((name, code)) => (Some(name), Some(code.trim_end_matches(')'))),
        None if head.starts_with("0x") => (None, Some(head)),
        None => (Some(head), None),
    };
    Some(MoveAbort {
        module: clean(module),
        name: name.and_then(clean),
        code: code.and_then(clean),
        description: description.and_then(clean),
    })
}

/// The `FeeStatement` event's figures.
pub fn fee_statement(events: &[Event]) -> Option<FeeStatement> {
    let e = events
        .iter()
        .find(|e| e.kind == "0x1::transaction_fee::FeeStatement")?;
    let n = |k: &str| number(&e.data[k]);
    Some(FeeStatement {
        total_charge_gas_units: n("total_charge_gas_units")?,
        execution_gas_units: n("execution_gas_units").unwrap_or(0),
        io_gas_units: n("io_gas_units").unwrap_or(0),
        storage_fee_octas: n("storage_fee_octas").unwrap_or(0),
        storage_fee_refund_octas: n("storage_fee_refund_octas").unwrap_or(0),
    })
}

/// A u64 the API wrote as a string or a number.
pub fn number(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// The fee payer of a sponsored transaction (`fee_payer_signature`).
pub fn fee_payer(signature: Option<&Value>) -> Option<String> {
    let s = signature?;
    (s["type"] == "fee_payer_signature")
        .then(|| s["fee_payer_address"].as_str().and_then(normalize))
        .flatten()
}

/// One side of a movement: who, which asset, how much.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Leg {
    owner: String,
    asset: String,
    amount: u64,
}

/// What the transaction's write set says of the stores and coin stores it
/// touched: a store's owner and asset, an asset's symbol and decimals, and
/// which coin store an account's event handle belongs to.
#[derive(Default)]
struct Stores {
    asset_of: HashMap<String, String>,
    owner_of: HashMap<String, String>,
    /// (account, event creation number) → coin type.
    coin_handle: HashMap<(String, String), String>,
    /// Asset → (symbol, decimals) from `Metadata` / `CoinInfo` written.
    metadata: HashMap<String, (String, u8)>,
}

fn stores(changes: &[Change]) -> Stores {
    let mut s = Stores::default();
    for c in changes {
        let (Some(addr), Some(res)) = (c.address.as_deref().and_then(normalize), &c.data) else {
            continue;
        };
        let d = &res.data;
        match res.kind.as_str() {
            "0x1::fungible_asset::FungibleStore" => {
                if let Some(m) = d["metadata"]["inner"].as_str().and_then(normalize) {
                    s.asset_of.insert(addr, m);
                }
            }
            "0x1::object::ObjectCore" => {
                if let Some(o) = d["owner"].as_str().and_then(normalize) {
                    s.owner_of.insert(addr, o);
                }
            }
            "0x1::fungible_asset::Metadata" => {
                if let (Some(sym), Some(dec)) = (d["symbol"].as_str(), d["decimals"].as_u64()) {
                    s.metadata.insert(
                        addr,
                        (sym.to_string(), u8::try_from(dec).unwrap_or(u8::MAX)),
                    );
                }
            }
            kind if kind.starts_with("0x1::coin::CoinStore<") => {
                let coin = asset_id(&kind["0x1::coin::CoinStore<".len()..kind.len() - 1]);
                for handle in ["withdraw_events", "deposit_events"] {
                    if let Some(n) = d[handle]["guid"]["id"]["creation_num"].as_str() {
                        s.coin_handle
                            .insert((addr.clone(), n.to_string()), coin.clone());
                    }
                }
            }
            kind if kind.starts_with("0x1::coin::CoinInfo<") => {
                let coin = asset_id(&kind["0x1::coin::CoinInfo<".len()..kind.len() - 1]);
                if let (Some(sym), Some(dec)) = (d["symbol"].as_str(), d["decimals"].as_u64()) {
                    s.metadata.insert(
                        coin,
                        (sym.to_string(), u8::try_from(dec).unwrap_or(u8::MAX)),
                    );
                }
            }
            _ => {}
        }
    }
    s
}

/// The withdrawals and deposits the events record, with their owners and
/// assets; events whose store or handle the write set does not explain are
/// counted in the second value.
fn legs(events: &[Event], stores: &Stores) -> (Vec<Leg>, Vec<Leg>, usize) {
    let (mut out, mut into, mut unresolved) = (Vec::new(), Vec::new(), 0);
    for e in events {
        let amount = number(&e.data["amount"]);
        let leg = match e.kind.as_str() {
            "0x1::fungible_asset::Withdraw" | "0x1::fungible_asset::Deposit" => {
                let store = e.data["store"].as_str().and_then(normalize);
                store.and_then(|st| {
                    Some(Leg {
                        owner: stores.owner_of.get(&st)?.clone(),
                        asset: stores.asset_of.get(&st)?.clone(),
                        amount: amount?,
                    })
                })
            }
            "0x1::coin::WithdrawEvent" | "0x1::coin::DepositEvent" => {
                e.guid.as_ref().and_then(|g| {
                    let owner = normalize(&g.account_address)?;
                    let n = g.creation_number.clone()?;
                    Some(Leg {
                        asset: stores.coin_handle.get(&(owner.clone(), n))?.clone(),
                        owner,
                        amount: amount?,
                    })
                })
            }
            "0x1::coin::CoinWithdraw" | "0x1::coin::CoinDeposit" => Some(Leg {
                owner: e.data["account"]
                    .as_str()
                    .and_then(normalize)
                    .unwrap_or_default(),
                asset: asset_id(e.data["coin_type"].as_str().unwrap_or_default()),
                amount: amount.unwrap_or(0),
            })
            .filter(|l| !l.owner.is_empty() && amount.is_some()),
            _ => continue,
        };
        let withdrawal = e.kind.contains("Withdraw");
        match leg {
            Some(l) if withdrawal => out.push(l),
            Some(l) => into.push(l),
            None => unresolved += 1,
        }
    }
    (out, into, unresolved)
}

/// Who sent what to whom: each deposit to someone other than the account
/// that withdrew the asset, from that account (the one that withdrew the
/// same amount first, else the first that withdrew the asset, else the
/// sender). A deposit back to the withdrawing account is change, not a
/// transfer.
fn movements(out: &[Leg], into: &[Leg], sender: &str) -> Vec<(String, Leg)> {
    let mut moved = Vec::new();
    for d in into {
        let from = out
            .iter()
            .find(|w| w.asset == d.asset && w.amount == d.amount)
            .or_else(|| out.iter().find(|w| w.asset == d.asset))
            .map_or(sender.to_string(), |w| w.owner.clone());
        if from != d.owner {
            moved.push((from, d.clone()));
        }
    }
    moved
}

/// The facts of a transaction as one node answered, with its ledger.
pub fn tx_facts(
    tx: &Transaction,
    ledger: &Ledger,
    estimate: Option<&GasEstimate>,
    chain: &Chain,
) -> TxFacts {
    let sender = tx.sender.as_deref().and_then(normalize).unwrap_or_default();
    let apt = |raw: u64| Amount::new(U256::from(raw), chain.decimals, chain.symbol.clone());
    let committed = tx.kind != "pending_transaction";
    let stores = stores(&tx.changes);
    let (out, into, unresolved) = legs(&tx.events, &stores);
    let moved = movements(&out, &into, &sender);
    let (apt_moves, token_moves): (Vec<_>, Vec<_>) =
        moved.into_iter().partition(|(_, l)| is_apt(&l.asset));
    let mut token_transfers: Vec<TokenTransfer> = token_moves
        .iter()
        .map(|(from, l)| token_transfer(from, l, &stores, chain))
        .collect();
    // APT to one recipient is the transaction's value; to several, each is listed.
    let (value, to) = match apt_moves.as_slice() {
        [(from, l)] if *from == sender => (apt(l.amount), Some(l.owner.clone())),
        [] => (apt(0), None),
        many => {
            token_transfers.extend(
                many.iter()
                    .map(|(from, l)| token_transfer(from, l, &stores, chain)),
            );
            (apt(0), None)
        }
    };
    let to = to.or_else(|| match token_transfers.as_slice() {
        [one] => Some(one.to.clone()),
        _ => None,
    });
    let statement = fee_statement(&tx.events);
    let payer = fee_payer(tx.signature.as_ref());
    let gas_unit_price = tx.gas_unit_price.unwrap_or(0);
    let fee = tx.gas_used.filter(|_| committed).map(|used| {
        let gross = U256::from(used) * U256::from(gas_unit_price);
        let refund = U256::from(statement.map_or(0, |s| s.storage_fee_refund_octas));
        Fee {
            gas_used: Some(used),
            gas_limit: tx.max_gas_amount,
            gas_price: Some(gas_unit_price.to_string()),
            payer: payer.clone(),
            ..Fee::flat(Amount::new(
                gross.saturating_sub(refund),
                chain.decimals,
                chain.symbol.clone(),
            ))
        }
    });
    let vm_status = tx.vm_status.as_deref().map(crate::safe::text);
    let failed = committed && tx.success == Some(false);
    let failure = failed.then(|| failure(tx.vm_status.as_deref().unwrap_or_default()));
    let abort = tx
        .vm_status
        .as_deref()
        .filter(|_| failed)
        .and_then(move_abort);
    let intended = (!committed || failed)
        .then(|| intended_transfer(tx, &sender, chain))
        .flatten();
    let mut facts = TxFacts {
        to: to.or_else(|| intended.as_ref().map(|t| t.to.clone())),
        nonce: tx.sequence_number,
        block: tx.version.filter(|_| committed),
        head: Some(ledger.version),
        succeeded: committed.then_some(tx.success.unwrap_or(true)),
        fee,
        token_transfers: if failed { Vec::new() } else { token_transfers },
        intended_transfer: intended.filter(|t| t.token != APT_METADATA),
        failure,
        congestion: estimate.map(congestion),
        solidified: committed.then_some(true),
        expires_at_ms: tx.expiration_timestamp_secs.map(|s| s.saturating_mul(1000)),
        observed_at_ms: Some(ledger.timestamp_us / 1000),
        family: FamilyFacts::Aptos(Box::new(AptosFacts {
            kind: crate::safe::text(&tx.kind),
            version: tx.version.filter(|_| committed),
            ledger_version: Some(ledger.version),
            sequence_number: tx.sequence_number,
            sender_sequence_number: None,
            gas_unit_price,
            max_gas_amount: tx.max_gas_amount.unwrap_or(0),
            gas_used: tx.gas_used.filter(|_| committed),
            fee_statement: statement,
            fee_payer: payer,
            expiration_timestamp_secs: tx.expiration_timestamp_secs,
            vm_status,
            abort,
            function: tx
                .payload
                .as_ref()
                .and_then(|p| p.function.as_deref())
                .map(crate::safe::text),
        })),
        tokens_unread: unresolved,
        ..TxFacts::new(tx.hash.to_ascii_lowercase(), sender.clone(), apt(0))
    };
    facts.value = if failed { apt(0) } else { value };
    if !committed || failed {
        // Nothing moved yet: the intended APT amount is the value offered.
        if let Some(t) = intended_apt(tx, &sender, chain) {
            facts.value = apt(t.1);
            facts.to = Some(t.0);
        }
    }
    facts
}

fn token_transfer(from: &str, l: &Leg, stores: &Stores, chain: &Chain) -> TokenTransfer {
    let configured = chain.token_by_mint(&l.asset);
    let (symbol, decimals) = match configured {
        Some(t) => (Some(t.symbol.clone()), Some(t.decimals)),
        None if is_apt(&l.asset) => (Some(chain.symbol.clone()), Some(chain.decimals)),
        None => match stores.metadata.get(&l.asset) {
            Some((s, d)) => (Some(s.clone()), Some(*d)),
            None => (None, None),
        },
    };
    TokenTransfer {
        token: l.asset.clone(),
        symbol,
        from: from.to_string(),
        to: l.owner.clone(),
        raw: l.amount.to_string(),
        amount: decimals.map(|d| crate::model::format_units(U256::from(l.amount), d)),
        memo: None,
        trust: Default::default(),
    }
}

/// The transfer a pending or failed transaction asked for, from its entry
/// function's arguments: `primary_fungible_store::transfer(metadata, to,
/// amount)`, `aptos_account::transfer(to, amount)`,
/// `aptos_account::transfer_coins<T>(to, amount)`, `coin::transfer<T>(to, amount)`,
/// `aptos_account::transfer_fungible_assets(metadata, to, amount)`.
fn intended_transfer(tx: &Transaction, sender: &str, chain: &Chain) -> Option<TokenTransfer> {
    let p = tx.payload.as_ref()?;
    let f = p.function.as_deref()?;
    let a = &p.arguments;
    let (asset, to, amount) = match f {
        "0x1::primary_fungible_store::transfer"
        | "0x1::aptos_account::transfer_fungible_assets" => (
            a.first()?["inner"].as_str().and_then(normalize)?,
            a.get(1)?.as_str().and_then(normalize)?,
            number(a.get(2)?)?,
        ),
        "0x1::aptos_account::transfer" => (
            APT_METADATA.to_string(),
            a.first()?.as_str().and_then(normalize)?,
            number(a.get(1)?)?,
        ),
        "0x1::aptos_account::transfer_coins" | "0x1::coin::transfer" => {
            let coin = asset_id(p.type_arguments.first()?.as_str()?);
            let asset = if coin == APT_COIN {
                APT_METADATA.to_string()
            } else {
                coin
            };
            (
                asset,
                a.first()?.as_str().and_then(normalize)?,
                number(a.get(1)?)?,
            )
        }
        _ => return None,
    };
    Some(token_transfer(
        sender,
        &Leg {
            owner: to,
            asset,
            amount,
        },
        &Stores::default(),
        chain,
    ))
}

fn intended_apt(tx: &Transaction, sender: &str, chain: &Chain) -> Option<(String, u64)> {
    let t = intended_transfer(tx, sender, chain)?;
    (t.token == APT_METADATA).then(|| (t.to, t.raw.parse().unwrap_or(0)))
}

/// The network's load from the node's gas estimate: 100 octas is the floor
/// every transaction pays when blocks have room.
pub fn congestion(e: &GasEstimate) -> Congestion {
    let level = match e.gas_estimate {
        0..=100 => CongestionLevel::Low,
        101..=200 => CongestionLevel::Normal,
        201..=1000 => CongestionLevel::High,
        _ => CongestionLevel::Extreme,
    };
    Congestion {
        gas_estimate: Some(Box::new(crate::model::GasEstimate {
            deprioritized: e.deprioritized_gas_estimate,
            normal: e.gas_estimate,
            prioritized: e.prioritized_gas_estimate,
        })),
        ..Congestion::new(level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_padded_and_lower_case() {
        assert_eq!(normalize("0x1").unwrap(), format!("0x{}1", "0".repeat(63)));
        assert_eq!(normalize("0xA").unwrap(), APT_METADATA);
        assert!(normalize("0x").is_none());
        assert!(normalize("1").is_none());
        assert!(normalize(&format!("0x{}", "1".repeat(65))).is_none());
        assert_eq!(asset_id("0x0001::aptos_coin::AptosCoin"), APT_COIN);
    }

    #[test]
    fn every_vm_status_form_aptos_core_writes_is_read() {
        let a = move_abort(
            "Move abort in 0x1::coin: EINSUFFICIENT_BALANCE(0x10006): Not enough coins to complete transaction",
        )
        .unwrap();
        assert_eq!(a.module.as_deref(), Some("0x1::coin"));
        assert_eq!(a.name.as_deref(), Some("EINSUFFICIENT_BALANCE"));
        assert_eq!(a.code.as_deref(), Some("0x10006"));
        assert_eq!(
            a.description.as_deref(),
            Some("Not enough coins to complete transaction")
        );
        let a = move_abort("Move abort in 0x1::util: 0x10001").unwrap();
        assert_eq!(
            (a.module.as_deref(), a.name, a.code.as_deref()),
            (Some("0x1::util"), None, Some("0x10001"))
        );
        let a = move_abort("Move abort: code 0x1").unwrap();
        assert_eq!((a.module, a.code.as_deref()), (None, Some("0x1")));
        let a = move_abort("Move abort in 0x1::platform::forwarder: E_INVALID_SIGNATURE").unwrap();
        assert_eq!(a.name.as_deref(), Some("E_INVALID_SIGNATURE"));
        assert_eq!(failure("Out of gas").kind, FailureKind::OutOfGas);
        assert_eq!(
            failure("Execution failed in 0x1::m::f at code offset 3").kind,
            FailureKind::VmError
        );
        // Chain text is data: a control character never survives.
        let a = move_abort("Move abort in 0x1::x: E\u{1b}[2J(0x1): d\u{202e}").unwrap();
        assert!(!format!("{a:?}").contains('\u{1b}'));
    }
}
