//! Antelope answers → facts, pure. A transaction is its actions: every
//! `transfer` (of any token contract: `eosio.token` EOS, `core.vaulta` A,
//! `tethertether` USDT, others by contract and symbol) is a token transfer
//! with its memo, its precision read from the asset string ("1.0000 EOS");
//! notifications (the same action replayed to a party, Hyperion's regroup
//! rule) are not counted twice. No coin fee: CPU and NET come out of an
//! account's allowance, a resource provider's when one co-signed a no-op
//! first action. Final once its block is at or below the last irreversible
//! block.

use alloy_primitives::U256;
use serde_json::Value;

use super::wire::{Action, TransactionStatus};
use crate::chain::spec::Chain;
use crate::model::{
    Amount, AntelopeAction, AntelopeFacts, AntelopeResources, FamilyFacts, Fee, Resources, Swap,
    TokenTransfer, TxFacts,
};

/// The Vaulta contract that swaps EOS and A 1:1.
pub const VAULTA: &str = "core.vaulta";

/// Whether `s` is an account name: 1–12 of `a-z`, `1-5` and `.`, not
/// ending in a dot (the 13-character form is for system names only).
pub fn is_name(s: &str) -> bool {
    (1..=12).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || (b'1'..=b'5').contains(&b) || b == b'.')
        && !s.ends_with('.')
}

/// An asset string, "1.0000 EOS": its amount in the smallest unit, its
/// precision and symbol. `None` for anything else (the precision is never
/// guessed).
pub fn asset(s: &str) -> Option<(U256, u8, String)> {
    let (amount, symbol) = s.trim().split_once(' ')?;
    let symbol = symbol.trim();
    if symbol.is_empty() || symbol.len() > 7 || !symbol.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 18
    {
        return None;
    }
    let raw = U256::from_str_radix(&format!("{int}{frac}"), 10).ok()?;
    Some((raw, frac.len() as u8, symbol.to_string()))
}

/// A time as nodeos and Hyperion write it ("2026-12-07T05:00:00.500", UTC)
/// in unix seconds.
pub fn unix(time: &str) -> Option<u64> {
    let t = time.trim().trim_end_matches('Z');
    let t = t.split('.').next()?;
    humantime::parse_rfc3339_weak(t)
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// The actions that are not notifications: a notification replays its
/// creator's very action to another party (`require_recipient`), an inline
/// action is a new one.
pub fn own_actions(actions: &[Action]) -> Vec<&Action> {
    let by_ordinal = |n: u64| actions.iter().find(|a| a.action_ordinal == Some(n));
    let mut out: Vec<&Action> = Vec::new();
    for a in actions {
        let creator = a.creator_action_ordinal.unwrap_or(0);
        let notification = creator > 0 && by_ordinal(creator).is_some_and(|c| c.act == a.act);
        // The same action twice (an index that stored one per receiver).
        let twice = out
            .iter()
            .any(|o| o.act == a.act && o.action_ordinal == a.action_ordinal);
        if !notification && !twice {
            out.push(a);
        }
    }
    out
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(crate::safe::text)
}

/// A transfer action as a token transfer, with its memo.
pub fn transfer(a: &Action) -> Option<TokenTransfer> {
    transfer_with_precision(a).map(|(t, _)| t)
}

/// The same with the asset's precision, as its string wrote it.
pub fn transfer_with_precision(a: &Action) -> Option<(TokenTransfer, u8)> {
    if a.act.name != "transfer" {
        return None;
    }
    let d = &a.act.data;
    let from = d["from"].as_str().filter(|s| is_name(s))?;
    let to = d["to"].as_str().filter(|s| is_name(s))?;
    let (raw, decimals, symbol) = d["quantity"].as_str().and_then(asset)?;
    let contract = &a.act.account;
    let amount = crate::model::format_units(raw, decimals);
    Some((
        TokenTransfer {
            token: contract.clone(),
            symbol: Some(symbol),
            from: from.to_string(),
            to: to.to_string(),
            raw: raw.to_string(),
            amount: Some(amount),
            memo: Some(text(&d["memo"]).unwrap_or_default()),
            trust: Default::default(),
        },
        decimals,
    ))
    .filter(|_| is_name(contract))
}

/// A swap through `core.vaulta`: a transfer to it (the user's own, or made
/// by `swapto` for an exchange) and, dispatched by it, a transfer of the
/// other token back out (to the user, or to `swapto`'s recipient).
pub fn swap(transfers: &[(bool, TokenTransfer)]) -> Option<Swap> {
    let (_, gave) = transfers.iter().find(|(_, t)| t.to == VAULTA)?;
    let (_, got) = transfers
        .iter()
        .find(|(inline, t)| *inline && t.from == VAULTA && t.symbol != gave.symbol)?;
    Some(Swap {
        gave: gave.display(),
        got: got.display(),
        to: got.to.clone(),
    })
}

/// The facts of a transaction as a history gave it. `lib` and `head` are
/// the chain's last irreversible and head blocks as that history saw them.
pub fn tx_facts(
    id: &str,
    actions: &[Action],
    lib: Option<u64>,
    head: Option<u64>,
    chain: &Chain,
) -> TxFacts {
    let own = own_actions(actions);
    let block = actions.iter().map(|a| a.block_num).max();
    let first = own.first();
    // A resource provider co-signs a no-op first action and pays CPU/NET.
    let provider = first
        .filter(|a| a.act.name == "noop" && own.len() > 1)
        .and_then(|a| a.act.authorization.first())
        .map(|a| crate::safe::text(&a.actor));
    let user_action = own.get(usize::from(provider.is_some())).or(first);
    let sender = user_action
        .and_then(|a| a.act.authorization.first())
        .map(|a| crate::safe::text(&a.actor))
        .unwrap_or_default();
    let transfers: Vec<(bool, TokenTransfer)> = own
        .iter()
        .filter_map(|a| transfer(a).map(|t| (a.creator_action_ordinal.unwrap_or(0) > 0, t)))
        .collect();
    let swap = swap(&transfers);
    let token_transfers: Vec<TokenTransfer> = transfers.into_iter().map(|(_, t)| t).collect();
    let to = match (&swap, token_transfers.as_slice()) {
        (Some(s), _) => Some(s.to.clone()),
        (None, [one]) => Some(one.to.clone()),
        _ => None,
    };
    let cpu = actions.iter().find_map(|a| a.cpu_usage_us).unwrap_or(0);
    let net = actions.iter().find_map(|a| a.net_usage_words).unwrap_or(0);
    let zero = Amount::new(U256::ZERO, chain.decimals, chain.symbol.clone());
    let fee = Fee {
        resources: Some(Resources::Antelope(AntelopeResources {
            cpu_us: cpu,
            net_bytes: net.saturating_mul(8),
            billed_to: provider
                .clone()
                .or((!sender.is_empty()).then(|| sender.clone())),
            provider_paid: provider.is_some(),
        })),
        payer: provider.clone(),
        ..Fee::flat(zero.clone())
    };
    let frozen: Vec<String> = token_transfers
        .iter()
        .filter_map(|t| {
            let symbol = t.symbol.as_deref()?;
            chain
                .token_by_contract(&t.token, symbol)
                .filter(|c| c.frozen)
                .map(|c| c.symbol.clone())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let time = own
        .first()
        .and_then(|a| a.timestamp.as_deref())
        .and_then(unix);
    TxFacts {
        to,
        block,
        head,
        succeeded: Some(true),
        fee: Some(fee),
        token_transfers,
        solidified: block.zip(lib).map(|(b, l)| b <= l),
        observed_at_ms: time.map(|t| t.saturating_mul(1000)),
        family: FamilyFacts::Antelope(Box::new(AntelopeFacts {
            last_irreversible_block: lib,
            actions: own
                .iter()
                .map(|a| AntelopeAction {
                    contract: crate::safe::text(&a.act.account),
                    name: crate::safe::text(&a.act.name),
                    authorizer: a
                        .act
                        .authorization
                        .first()
                        .map(|x| crate::safe::text(&x.actor)),
                    inline: a.creator_action_ordinal.unwrap_or(0) > 0,
                })
                .collect(),
            frozen: frozen.clone(),
            swap,
            chain_state: None,
            expiration: None,
        })),
        ..TxFacts::new(id, sender, zero)
    }
}

/// The facts the chain API's `get_transaction_status` gives of a
/// transaction the histories have not indexed: accepted by the node and
/// waiting for a block (`LOCALLY_APPLIED`), or in a block already.
pub fn status_facts(id: &str, s: &TransactionStatus, chain: &Chain) -> Option<TxFacts> {
    let zero = Amount::new(U256::ZERO, chain.decimals, chain.symbol.clone());
    let included = matches!(s.state.as_str(), "IN_BLOCK" | "IRREVERSIBLE");
    if !included && s.state != "LOCALLY_APPLIED" {
        return None;
    }
    let expiration = s.expiration.as_deref().and_then(unix);
    let now = s.head_timestamp.as_deref().and_then(unix);
    Some(TxFacts {
        block: s.block_number.filter(|_| included),
        head: s.head_number,
        succeeded: included.then_some(true),
        solidified: included.then(|| s.state == "IRREVERSIBLE"),
        expires_at_ms: expiration.map(|e| e.saturating_mul(1000)),
        observed_at_ms: now.map(|n| n.saturating_mul(1000)),
        family: FamilyFacts::Antelope(Box::new(AntelopeFacts {
            last_irreversible_block: s.irreversible_number,
            actions: Vec::new(),
            swap: None,
            chain_state: Some(crate::safe::text(&s.state)),
            expiration,
            frozen: Vec::new(),
        })),
        ..TxFacts::new(id, "", zero)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_assets_and_times_read_as_the_chain_writes_them() {
        for ok in [
            "eosio.token",
            "core.vaulta",
            "tethertether",
            "a",
            "abc12345.x",
        ] {
            assert!(is_name(ok), "{ok}");
        }
        for bad in ["", "Eosio", "eos6", "thirteenchars", "a.", "money!"] {
            assert!(!is_name(bad), "{bad}");
        }
        assert_eq!(
            asset("1.5000 EOS"),
            Some((U256::from(15000), 4, "EOS".to_string()))
        );
        assert_eq!(asset("100 A"), Some((U256::from(100), 0, "A".to_string())));
        assert_eq!(asset("1.0000 eos"), None);
        assert_eq!(asset("1,0000 EOS"), None);
        assert_eq!(asset("-1.0000 EOS"), None);
        assert_eq!(unix("2026-12-07T05:00:00.500"), Some(1_796_619_600));
        assert_eq!(unix("2026-12-07T05:00:00"), Some(1_796_619_600));
        assert_eq!(unix("yesterday"), None);
    }
}
