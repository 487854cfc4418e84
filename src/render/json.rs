//! The contract's JSON object for a transaction report. Every field of the
//! contract is always present (`null` or `[]` when it does not apply).

use serde_json::{Value, json};

use super::i18n::Lang;
use super::paragraph::{paragraph, with_reminder};
use crate::diagnose::address::MAX_LISTED_NONCES;
use crate::diagnose::pending::{Assessment, FeeSuggestion, NonceRange};
use crate::diagnose::utxo::Assessment as UtxoAssessment;
use crate::model::{Fate, TxReport, Vanished};

pub fn tx_json(report: &TxReport, lang: Lang, chain_names: &dyn Fn(&str) -> String) -> Value {
    let f = report.facts.as_ref();
    let seen = report.vanished.as_ref().map(|v| &v.seen);
    let replaced_by = match report.vanished.as_ref().map(|v| &v.fate) {
        Some(Fate::Replaced { by, .. }) => by.clone(),
        _ => report.respent.as_ref().map(|r| r.by.clone()),
    };
    json!({
        "query": report.query,
        "kind": "transaction",
        "chain": report.chain,
        "chain_name": report.chain_name,
        "searched": report.searched,
        "hash": report.hash,
        "status": report.status,
        "reason": report.reason,
        "block": f.and_then(|f| f.block),
        "confirmations": report.confirmations,
        "required_confirmations": report.required_confirmations,
        "eta_seconds": report.eta_seconds,
        "from": f.map(|f| &f.from).or(seen.map(|s| &s.from)),
        "to": f.and_then(|f| f.to.as_ref()),
        "nonce": f.and_then(|f| f.nonce).or(seen.map(|s| s.nonce)),
        "value": f.map(|f| &f.value),
        "fee": f.and_then(|f| f.fee.as_ref()),
        "token_transfers": f.map(|f| f.token_transfers.as_slice()).unwrap_or_default(),
        "attempted_transfer": f.and_then(|f| f.intended_transfer.as_ref()),
        "contract_created": f.and_then(|f| f.contract_created.as_ref()),
        "failure": f.and_then(|f| f.failure.as_ref()),
        "replaced_by": replaced_by,
        "replaced_by_url": report.replacement_url,
        "congestion": report.congestion,
        "pending": report.pending.as_ref().map(pending_json)
            .or_else(|| report.utxo_pending.as_ref().map(utxo_pending_json)),
        "utxo": f.and_then(|f| f.utxo.as_ref()),
        "solana": f.and_then(|f| f.solana.as_ref()),
        "seen_pending": report.vanished.as_ref().map(vanished_json),
        "explorer_url": report.explorer_url,
        "diagnosis": with_reminder(paragraph(report, lang, chain_names), lang),
        "answered_by": report.answered_by,
        "unavailable_chains": report.unavailable,
        "warnings": report.warnings,
    })
}

fn wei(v: Option<alloy_primitives::U256>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn nonces(range: NonceRange) -> Value {
    range
        .iter()
        .take(MAX_LISTED_NONCES as usize)
        .collect::<Vec<u64>>()
        .into()
}

fn fees_json(fees: &FeeSuggestion) -> Value {
    match fees {
        FeeSuggestion::Eip1559 { max_fee, tip } => json!({
            "max_fee_per_gas_wei": max_fee.to_string(),
            "max_priority_fee_per_gas_wei": tip.to_string(),
            "gas_price_wei": null,
        }),
        FeeSuggestion::Legacy { gas_price } => json!({
            "max_fee_per_gas_wei": null,
            "max_priority_fee_per_gas_wei": null,
            "gas_price_wei": gas_price.to_string(),
        }),
    }
}

/// The figures behind a pending verdict; prices per gas in wei (decimal strings).
fn pending_json(a: &Assessment) -> Value {
    let p = &a.facts;
    json!({
        "max_fee_per_gas_wei": wei(p.max_fee_per_gas),
        "max_priority_fee_per_gas_wei": wei(p.max_priority_fee_per_gas),
        "gas_price_wei": wei(p.gas_price),
        "effective_priority_fee_wei": wei(a.effective_tip),
        "next_base_fee_wei": wei(p.next_base_fee),
        "recent_priority_fees_wei": p.recent_tips.map(|t| json!({
            "p10": t.p10.to_string(), "p50": t.p50.to_string(), "p90": t.p90.to_string(),
        })),
        "sender_nonce": p.sender_nonce,
        "missing_nonces": nonces(a.missing),
        "missing_nonce_count": a.missing.len(),
        "ahead_in_pool": nonces(a.ahead_in_pool),
        "speed_up": a.speed_up.as_ref().map(fees_json),
        "new_transaction_fees": a.fresh.as_ref().map(fees_json),
    })
}

/// The figures behind a pending Bitcoin-style verdict: rates in sat/vB,
/// fees in satoshis.
fn utxo_pending_json(a: &UtxoAssessment) -> Value {
    json!({
        "fee_rate": a.fee_rate,
        "effective_fee_rate": a.effective_rate,
        "rbf": a.rbf,
        "network_fee_rates": a.rates,
        "blocking_parent": a.parent.as_ref().map(|p| &p.txid),
        "target_fee_rate": a.target_rate,
        "rbf_replacement": a.bump.map(|b| json!({"fee_rate": b.fee_rate, "fee_sats": b.fee})),
        "cpfp_child": a.child.map(|c| json!({"fee_rate": c.fee_rate, "fee_sats": c.fee, "vsize": c.vsize})),
        "first_confirmation_seconds": a.first_confirmation_secs,
        "below_minimum_fee_rate": a.below_minimum,
    })
}

/// When an earlier run saw the transaction pending, and what the nonce says now.
fn vanished_json(v: &Vanished) -> Value {
    let time = |t: u64| {
        humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
            .to_string()
    };
    let (sender_nonce, block, in_pool) = match &v.fate {
        Fate::Replaced {
            nonce,
            block,
            in_pool,
            ..
        } => (Some(*nonce), *block, Some(*in_pool)),
        Fate::Dropped { nonce } => (Some(*nonce), None, None),
        Fate::Unchecked { .. } => (None, None, None),
    };
    json!({
        "first_seen": time(v.seen.first_seen),
        "last_seen": time(v.seen.last_seen),
        "head_at_first_seen": v.seen.head_at_first_seen,
        "max_fee_per_gas_wei": v.seen.max_fee,
        "max_priority_fee_per_gas_wei": v.seen.tip,
        "sender_nonce": sender_nonce,
        "replaced_in_block": block,
        "replacement_in_pool": in_pool,
    })
}
