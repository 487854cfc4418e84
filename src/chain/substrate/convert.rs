//! A Substrate extrinsic → facts, pure. The outcome is the block's own
//! events: `system.ExtrinsicSuccess` or `system.ExtrinsicFailed` (its
//! `DispatchError::Module {index, error}` named from the runtime's metadata
//! where it was read); the fee is `transactionPayment.TransactionFeePaid`
//! (else the node's `partialFee`), paid by failures too; what moved is
//! `balances.Transfer` and `assets.Transferred` (asset id → configured
//! token), with the real recipient; an XCM transfer is named with its
//! destination and beneficiary, not the sovereign account the events show.

use alloy_primitives::U256;
use serde_json::Value;

use super::wire::{Block, Extrinsic, PalletErrors};
use crate::chain::spec::Chain;
use crate::model::{
    Amount, Failure, FailureKind, FamilyFacts, Fee, ModuleError, SubstrateFacts, TokenTransfer,
    TxFacts, XcmTransfer,
};

/// Parachains people send to, by id (the rest read "parachain N").
const PARACHAINS: &[(u64, &str)] = &[
    (1000, "Asset Hub"),
    (1002, "Bridge Hub"),
    (2000, "Acala"),
    (2004, "Moonbeam"),
    (2006, "Astar"),
    (2030, "Bifrost"),
    (2034, "Hydration"),
    (2035, "Phala"),
];

/// A string or number event field as a u128-sized integer.
pub fn int(v: &Value) -> Option<U256> {
    match v {
        Value::String(s) if s.starts_with("0x") => U256::from_str_radix(&s[2..], 16).ok(),
        Value::String(s) => U256::from_str_radix(s, 10).ok(),
        Value::Number(n) => n.as_u64().map(U256::from),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(crate::safe::text(s)),
        // An account id as an object (`{"id": "1…"}`).
        Value::Object(o) => o.get("id").and_then(text),
        _ => None,
    }
}

/// The signer of a signed extrinsic.
pub fn signer(ex: &Extrinsic) -> Option<String> {
    let s = ex.signature.as_ref()?;
    text(&s["signer"])
}

/// The module error of `system.ExtrinsicFailed`'s first field:
/// `{"module": {"index": "5", "error": "3"}}` (older runtimes) or with a
/// 4-byte hex error (`"0x02000000"`: its first byte is the index).
pub fn module_error(dispatch: &Value) -> Option<(u32, u32)> {
    let m = dispatch.get("module").or_else(|| dispatch.get("Module"))?;
    let index = int(&m["index"]).and_then(|i| u32::try_from(i).ok())?;
    let error = match &m["error"] {
        Value::String(s) if s.starts_with("0x") && s.len() >= 4 => {
            u32::from_str_radix(&s[2..4], 16).ok()?
        }
        v => int(v).and_then(|e| u32::try_from(e).ok())?,
    };
    Some((index, error))
}

/// A non-module dispatch error in words (`{"token": "FundsUnavailable"}` →
/// "token: FundsUnavailable", `{"badOrigin": null}` → "badOrigin").
fn dispatch_words(dispatch: &Value) -> String {
    match dispatch {
        Value::Object(o) => o
            .iter()
            .next()
            .map(|(k, v)| match v {
                Value::Null => k.clone(),
                Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {}", crate::safe::shorten(&other.to_string())),
            })
            .unwrap_or_default(),
        Value::String(s) => s.clone(),
        other => crate::safe::shorten(&other.to_string()),
    }
}

/// Where an XCM call sends to, from its `dest` argument (versioned
/// location, as polkadot-js writes it: `{"v4": {"parents", "interior"}}`).
pub fn xcm_destination(dest: &Value) -> Option<String> {
    let loc = dest
        .as_object()?
        .values()
        .next()
        .filter(|v| v.is_object())
        .unwrap_or(dest);
    let parents = int(&loc["parents"]).unwrap_or_default();
    let interior = &loc["interior"];
    let junction = interior
        .as_object()
        .and_then(|o| o.values().next())
        .map(|j| match j {
            Value::Array(a) => a.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        })
        .unwrap_or(Value::Null);
    if let Some(id) = int(&junction["parachain"]).and_then(|p| u64::try_from(p).ok()) {
        let name = PARACHAINS
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, n)| format!(" ({n})"))
            .unwrap_or_default();
        return Some(format!("parachain {id}{name}"));
    }
    if junction.get("globalConsensus").is_some() {
        let network = dispatch_words(&junction["globalConsensus"]);
        return Some(format!("another network ({network})"));
    }
    (parents == U256::from(1) && interior.get("here").is_some() || interior == "Here")
        .then(|| "the relay chain".to_string())
}

/// The beneficiary of an XCM call (`beneficiary` argument): an AccountId32
/// in the chain's SS58, or an AccountKey20 (Ethereum-style) as 0x.
pub fn xcm_beneficiary(beneficiary: &Value, prefix: u16) -> Option<String> {
    let s = beneficiary.to_string();
    if let Some(i) = s.find("\"accountId32\"") {
        let rest = &s[i..];
        let id = rest.split("\"id\":\"").nth(1)?.split('"').next()?;
        let bytes = alloy_primitives::hex::decode(id).ok()?;
        let account: [u8; 32] = bytes.try_into().ok()?;
        return Some(crate::codec::ss58::encode(prefix, &account));
    }
    if let Some(i) = s.find("\"accountKey20\"") {
        let rest = &s[i..];
        let key = rest.split("\"key\":\"").nth(1)?.split('"').next()?;
        return Some(crate::safe::text(key));
    }
    None
}

/// The facts of extrinsic `index` of `block`, with the endpoint's finalized
/// and best heads; `errors` names a module error when the metadata was read.
pub fn tx_facts(
    block: &Block,
    index: u32,
    finalized: u64,
    best: u64,
    chain: &Chain,
    errors: Option<&PalletErrors>,
) -> Option<TxFacts> {
    let ex = block.extrinsics.get(index as usize)?;
    let native = |raw: U256| Amount::new(raw, chain.decimals, chain.symbol.clone());
    let from = signer(ex).unwrap_or_default();
    fn events<'a>(
        ex: &'a Extrinsic,
        pallet: &'a str,
        method: &'a str,
    ) -> impl Iterator<Item = &'a super::wire::Event> {
        ex.events
            .iter()
            .filter(move |e| e.method.pallet == pallet && e.method.method == method)
    }
    let event = |pallet: &'static str, method: &'static str| events(ex, pallet, method);
    let failed_event = event("system", "ExtrinsicFailed").next();
    let succeeded = if failed_event.is_some() {
        false
    } else if event("system", "ExtrinsicSuccess").next().is_some() {
        true
    } else {
        ex.success.unwrap_or(false)
    };
    // The fee: what TransactionFeePaid says was taken (tip included), else
    // the node's estimate of it.
    let paid = event("transactionPayment", "TransactionFeePaid").next();
    let fee_raw = paid.and_then(|e| e.data.get(1).and_then(int)).or_else(|| {
        int(&ex.info["partialFee"]).map(|f| {
            f + ex.tip.as_deref().map_or(U256::ZERO, |t| {
                U256::from_str_radix(t, 10).unwrap_or_default()
            })
        })
    });
    let tip = paid
        .and_then(|e| e.data.get(2).and_then(int))
        .map(|t| t.to_string())
        .or_else(|| ex.tip.clone());
    let fee = fee_raw.map(|raw| Fee::flat(native(raw)));
    // What moved.
    let mut natives: Vec<(String, String, U256)> = event("balances", "Transfer")
        .filter_map(|e| {
            Some((
                text(e.data.first()?)?,
                text(e.data.get(1)?)?,
                int(e.data.get(2)?)?,
            ))
        })
        .collect();
    let mut tokens: Vec<TokenTransfer> = event("assets", "Transferred")
        .filter_map(|e| {
            let id = int(e.data.first()?)?.to_string();
            let (from, to, raw) = (
                text(e.data.get(1)?)?,
                text(e.data.get(2)?)?,
                int(e.data.get(3)?)?,
            );
            let configured = chain.token_by_mint(&id);
            Some(TokenTransfer {
                symbol: configured.map(|t| t.symbol.clone()),
                amount: configured.map(|t| crate::model::format_units(raw, t.decimals)),
                token: id,
                from,
                to,
                raw: raw.to_string(),
                memo: None,
                trust: Default::default(),
            })
        })
        .collect();
    let call = format!("{}.{}", ex.method.pallet, ex.method.method);
    let prefix = chain.substrate.as_ref().map_or(42, |s| s.ss58_prefix);
    let is_xcm = matches!(ex.method.pallet.as_str(), "polkadotXcm" | "xcmPallet")
        && ex.method.method.to_ascii_lowercase().contains("transfer");
    let xcm = is_xcm.then(|| XcmTransfer {
        destination: xcm_destination(&ex.args["dest"]).unwrap_or_else(|| "another chain".into()),
        beneficiary: xcm_beneficiary(&ex.args["beneficiary"], prefix),
    });
    if let Some(x) = &xcm {
        // The events pay the destination's sovereign account: the real
        // recipient is the beneficiary.
        if let Some(b) = &x.beneficiary {
            for t in &mut tokens {
                t.to = b.clone();
            }
            for n in &mut natives {
                n.1 = b.clone();
            }
        }
    }
    let (value, to) = match natives.as_slice() {
        [(f, t, raw)] if *f == from && tokens.is_empty() => (native(*raw), Some(t.clone())),
        _ => {
            tokens.extend(natives.iter().map(|(f, t, raw)| TokenTransfer {
                token: chain.symbol.clone(),
                symbol: Some(chain.symbol.clone()),
                from: f.clone(),
                to: t.clone(),
                raw: raw.to_string(),
                amount: Some(crate::model::format_units(*raw, chain.decimals)),
                memo: None,
                trust: Default::default(),
            }));
            (native(U256::ZERO), None)
        }
    };
    let to = to
        .or_else(|| xcm.as_ref().and_then(|x| x.beneficiary.clone()))
        .or_else(|| match tokens.as_slice() {
            [one] => Some(one.to.clone()),
            _ => None,
        })
        .or_else(|| text(&ex.args["dest"]).filter(|_| xcm.is_none()));
    let module = failed_event
        .and_then(|e| e.data.first())
        .and_then(module_error)
        .map(|(pallet_index, error_index)| {
            let named = errors
                .filter(|p| p.pallet_index == u64::from(pallet_index))
                .and_then(|p| {
                    let item = p.items.iter().find(|i| i.index == u64::from(error_index))?;
                    Some((
                        format!("{}.{}", capitalize(&p.pallet), item.name),
                        item.docs.join(" ").trim().to_string(),
                    ))
                });
            ModuleError {
                pallet_index,
                error_index,
                name: named.as_ref().map(|(n, _)| crate::safe::text(n)),
                docs: named
                    .map(|(_, d)| crate::safe::text(&d))
                    .filter(|d| !d.is_empty()),
            }
        });
    let failure =
        failed_event.map(|e| match &module {
            Some(m) => Failure {
                message: Some(m.name.clone().unwrap_or_else(|| {
                    format!("module {}, error {}", m.pallet_index, m.error_index)
                })),
                kind: FailureKind::ModuleError,
                data: None,
            },
            None => Failure {
                message: e
                    .data
                    .first()
                    .map(dispatch_words)
                    .map(|w| crate::safe::text(&w)),
                kind: FailureKind::VmError,
                data: None,
            },
        });
    let moved_to = chain.substrate.as_ref().and_then(|s| {
        let at = s.moved_at_block?;
        (block.number >= at).then(|| s.moved_to.clone()).flatten()
    });
    // What a failed transfer asked to send (it moved nothing): the coin as
    // the value, an asset as the attempted transfer.
    let intended = (!succeeded).then(|| intended(ex, &from, chain)).flatten();
    let attempted_value = intended
        .as_ref()
        .filter(|t| t.token == chain.symbol)
        .and_then(|t| U256::from_str_radix(&t.raw, 10).ok());
    let intended = intended.filter(|t| t.token != chain.symbol);
    let to = to.or_else(|| intended.as_ref().map(|t| t.to.clone()));
    Some(TxFacts {
        to,
        nonce: ex.nonce,
        intended_transfer: intended,
        block: Some(block.number),
        head: Some(best),
        succeeded: Some(succeeded),
        fee,
        token_transfers: if succeeded { tokens } else { Vec::new() },
        failure,
        solidified: Some(block.number <= finalized),
        family: FamilyFacts::Substrate(Box::new(SubstrateFacts {
            extrinsic: format!("{}-{index}", block.number),
            block_hash: block.hash.as_deref().map(crate::safe::text),
            call: crate::safe::text(&call),
            finalized_head: Some(finalized),
            tip,
            module_error: module,
            xcm,
            moved_to,
        })),
        ..TxFacts::new(
            ex.hash
                .as_deref()
                .map(str::to_ascii_lowercase)
                .unwrap_or_default(),
            from,
            if succeeded {
                value
            } else {
                native(attempted_value.unwrap_or_default())
            },
        )
    })
}

/// The transfer a call asked for, from its arguments: `balances.transfer*`
/// (`dest`, `value`) and `assets.transfer*` (`id`, `target`, `amount`).
fn intended(ex: &Extrinsic, from: &str, chain: &Chain) -> Option<TokenTransfer> {
    let a = &ex.args;
    let (token, symbol, decimals, to, raw) = match ex.method.pallet.as_str() {
        "balances" if ex.method.method.starts_with("transfer") => (
            chain.symbol.clone(),
            Some(chain.symbol.clone()),
            Some(chain.decimals),
            text(&a["dest"])?,
            int(&a["value"])?,
        ),
        "assets" if ex.method.method.starts_with("transfer") => {
            let id = int(&a["id"])?.to_string();
            let t = chain.token_by_mint(&id);
            (
                id,
                t.map(|t| t.symbol.clone()),
                t.map(|t| t.decimals),
                text(&a["target"])?,
                int(&a["amount"])?,
            )
        }
        _ => return None,
    };
    Some(TokenTransfer {
        token,
        symbol,
        from: from.to_string(),
        to,
        raw: raw.to_string(),
        amount: decimals.map(|d| crate::model::format_units(raw, d)),
        memo: None,
        trust: Default::default(),
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dispatch_errors_and_xcm_locations_read_as_the_runtime_writes_them() {
        assert_eq!(
            module_error(&json!({"module": {"index": "5", "error": "3"}})),
            Some((5, 3))
        );
        assert_eq!(
            module_error(&json!({"module": {"index": "10", "error": "0x02000000"}})),
            Some((10, 2))
        );
        assert_eq!(module_error(&json!({"token": "FundsUnavailable"})), None);
        assert_eq!(
            dispatch_words(&json!({"token": "FundsUnavailable"})),
            "token: FundsUnavailable"
        );
        assert_eq!(
            xcm_destination(
                &json!({"v4": {"parents": "1", "interior": {"x1": [{"parachain": "2034"}]}}})
            )
            .as_deref(),
            Some("parachain 2034 (Hydration)")
        );
        assert_eq!(
            xcm_destination(&json!({"v3": {"parents": "1", "interior": {"here": null}}}))
                .as_deref(),
            Some("the relay chain")
        );
        let id = format!("0x{}", "11".repeat(32));
        let b = xcm_beneficiary(
            &json!({"v4": {"parents": "0", "interior": {"x1": [{"accountId32": {"network": null, "id": id}}]}}}),
            0,
        )
        .unwrap();
        assert_eq!(
            crate::codec::ss58::decode(&b).unwrap().unwrap().account,
            [0x11; 32]
        );
    }
}
