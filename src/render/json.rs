//! The contract's JSON object for a transaction report. Every field of the
//! contract is always present (`null` or `[]` when it does not apply).

use serde::Serialize;
use serde_json::{Value, json};

use super::i18n::Lang;
use super::paragraph::{paragraph, with_reminder};
use crate::model::{
    Amount, AntelopeFacts, AptosFacts, Congestion, Failure, Fate, Fee, Reason, SolanaFacts, Status,
    SubstrateFacts, TokenTransfer, TxReport, UtxoFacts, Vanished, Warning,
};

/// The object as a value (for pretty printing, the API, the case store).
pub fn tx_json(report: &TxReport, lang: Lang, chain_names: &dyn Fn(&str) -> String) -> Value {
    serde_json::to_value(tx_record(report, lang, chain_names)).unwrap_or(Value::Null)
}

/// The object, serialized straight from the report (a batch writes
/// thousands of them: no intermediate value is built). Its fields, in the
/// contract's order.
#[derive(Serialize)]
pub struct TxRecord<'a> {
    query: &'a str,
    kind: &'static str,
    chain: &'a Option<String>,
    chain_name: &'a Option<String>,
    searched: &'a [String],
    hash: &'a str,
    status: Status,
    reason: Reason,
    block: Option<u64>,
    confirmations: Option<u64>,
    required_confirmations: Option<u64>,
    eta_seconds: Option<u64>,
    from: Option<&'a String>,
    to: Option<&'a String>,
    nonce: Option<u64>,
    value: Option<&'a Amount>,
    fee: Option<&'a Fee>,
    token_transfers: &'a [TokenTransfer],
    attempted_transfer: Option<&'a TokenTransfer>,
    contract_created: Option<&'a String>,
    failure: Option<&'a Failure>,
    replaced_by: Option<String>,
    replaced_by_url: &'a Option<String>,
    congestion: &'a Option<Congestion>,
    pending: Option<Value>,
    utxo: Option<&'a UtxoFacts>,
    solana: Option<&'a SolanaFacts>,
    aptos: Option<&'a AptosFacts>,
    antelope: Option<&'a AntelopeFacts>,
    substrate: Option<&'a SubstrateFacts>,
    search_window: Value,
    seen_pending: Option<Value>,
    explorer_url: &'a Option<String>,
    diagnosis: String,
    answered_by: &'a [String],
    unavailable_chains: &'a [String],
    warnings: &'a [Warning],
}

pub fn tx_record<'a>(
    report: &'a TxReport,
    lang: Lang,
    chain_names: &dyn Fn(&str) -> String,
) -> TxRecord<'a> {
    let f = report.facts.as_ref();
    let seen = report.vanished.as_ref().map(|v| &v.seen);
    let replaced_by = match report.vanished.as_ref().map(|v| &v.fate) {
        Some(Fate::Replaced { by, .. }) => by.clone(),
        _ => report.respent.as_ref().map(|r| r.by.clone()),
    };
    TxRecord {
        query: &report.query,
        kind: "transaction",
        chain: &report.chain,
        chain_name: &report.chain_name,
        searched: &report.searched,
        hash: &report.hash,
        status: report.status,
        reason: report.reason,
        block: f.and_then(|f| f.block),
        confirmations: report.confirmations,
        required_confirmations: report.required_confirmations,
        eta_seconds: report.eta_seconds,
        from: f.map(|f| &f.from).or(seen.map(|s| &s.from)),
        to: f.and_then(|f| f.to.as_ref()),
        nonce: f.and_then(|f| f.nonce).or(seen.map(|s| s.nonce)),
        value: f.map(|f| &f.value),
        fee: f.and_then(|f| f.fee.as_ref()),
        token_transfers: f.map(|f| f.token_transfers.as_slice()).unwrap_or_default(),
        attempted_transfer: f.and_then(|f| f.intended_transfer.as_ref()),
        contract_created: f.and_then(|f| f.contract_created.as_ref()),
        failure: f.and_then(|f| f.failure.as_ref()),
        replaced_by,
        replaced_by_url: &report.replacement_url,
        congestion: &report.congestion,
        pending: super::family(report).and_then(|f| f.pending_json(report)),
        utxo: f.and_then(|f| f.family.utxo()),
        solana: f.and_then(|f| f.family.solana()),
        aptos: f.and_then(|f| f.family.aptos()),
        antelope: f.and_then(|f| f.family.antelope()),
        substrate: f.and_then(|f| f.family.substrate()),
        search_window: search_window_json(&report.search_windows),
        seen_pending: report.vanished.as_ref().map(vanished_json),
        explorer_url: &report.explorer_url,
        diagnosis: with_reminder(paragraph(report, lang, chain_names), lang),
        answered_by: &report.answered_by,
        unavailable_chains: &report.unavailable,
        warnings: &report.warnings,
    }
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
        Fate::Expired { nonce, .. } => (*nonce, None, None),
        Fate::Unexpired { .. } => (None, None, None),
        Fate::Unchecked { .. } => (None, None, None),
    };
    json!({
        "first_seen": time(v.seen.first_seen),
        "last_seen": time(v.seen.last_seen),
        "expires_at": v.seen.expires_at.map(time),
        "head_at_first_seen": v.seen.head_at_first_seen,
        "max_fee_per_gas_wei": v.seen.max_fee,
        "max_priority_fee_per_gas_wei": v.seen.tip,
        "sender_nonce": sender_nonce,
        "replaced_in_block": block,
        "replacement_in_pool": in_pool,
    })
}

/// The blocks searched for a hash that needs an indexer: `from`/`to` of the
/// first chain's window, every such chain, and each chain's own window.
fn search_window_json(windows: &[(String, u64, u64)]) -> Value {
    let Some((_, from, to)) = windows.first() else {
        return Value::Null;
    };
    json!({
        "from": from,
        "to": to,
        "chains": windows.iter().map(|(c, _, _)| c).collect::<Vec<_>>(),
        "windows": windows
            .iter()
            .map(|(c, f, t)| json!({"chain": c, "from": f, "to": t}))
            .collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::{names, usdt_report};

    #[test]
    fn the_record_written_straight_is_the_value_byte_for_byte() {
        let mut report = usdt_report();
        for lang in [Lang::EN, Lang::ZH] {
            let straight = serde_json::to_string(&tx_record(&report, lang, &names)).unwrap();
            assert_eq!(straight, tx_json(&report, lang, &names).to_string());
        }
        report.facts = None;
        report.search_windows = vec![("dot".into(), 5, 9)];
        let straight = serde_json::to_string(&tx_record(&report, Lang::EN, &names)).unwrap();
        assert_eq!(straight, tx_json(&report, Lang::EN, &names).to_string());
    }
}
