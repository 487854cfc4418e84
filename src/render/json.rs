//! The contract's JSON object for a transaction report. Every field of the
//! contract is always present (`null` or `[]` when it does not apply).

use serde_json::{Value, json};

use super::i18n::Lang;
use super::paragraph::paragraph;
use crate::model::TxReport;

pub fn tx_json(report: &TxReport, lang: Lang, chain_names: &dyn Fn(&str) -> String) -> Value {
    let f = report.facts.as_ref();
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
        "from": f.map(|f| &f.from),
        "to": f.and_then(|f| f.to.as_ref()),
        "nonce": f.and_then(|f| f.nonce),
        "value": f.map(|f| &f.value),
        "fee": f.and_then(|f| f.fee.as_ref()),
        "token_transfers": f.map(|f| f.token_transfers.as_slice()).unwrap_or_default(),
        "attempted_transfer": f.and_then(|f| f.intended_transfer.as_ref()),
        "contract_created": f.and_then(|f| f.contract_created.as_ref()),
        "failure": f.and_then(|f| f.failure.as_ref()),
        "replaced_by": Value::Null,
        "congestion": f.and_then(|f| f.congestion.as_ref()),
        "explorer_url": report.explorer_url,
        "diagnosis": paragraph(report, lang, chain_names),
        "answered_by": report.answered_by,
        "unavailable_chains": report.unavailable,
        "warnings": report.warnings,
    })
}
