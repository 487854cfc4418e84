//! What a family adds to the words of a report: the table rows and the
//! sentences of the paragraph only it can write (a UTXO transaction's inputs
//! and outputs, TRON's energy, an EVM nonce gap, a Solana commitment). The
//! renderers in `render/` build the neutral skeleton — chain, status,
//! amounts, tokens, failure, link, safety line — and call these at fixed
//! points, so the text table, the paragraph and the JSON all read the same
//! family facts the same way. Pure: facts and a language in, strings out.
//!
//! The methods without a default are the ones every family must decide for
//! itself (how its fee breaks down, what its congestion is): forgetting one
//! is a compile error.

use alloy_primitives::U256;
use serde_json::Value;

use crate::i18n::Lang;
use crate::model::{Congestion, Fee, TxFacts, TxReport, format_units};

/// Table rows: a label id and the value, in display order.
#[derive(Debug, Default)]
pub struct Rows(pub Vec<(&'static str, String)>);

impl Rows {
    pub fn push(&mut self, label: &'static str, value: String) {
        self.0.push((label, value));
    }
}

pub trait Explain {
    /// Who sent to whom (default: the from and to rows).
    fn parties_rows(&self, facts: &TxFacts, _lang: Lang, rows: &mut Rows) {
        from_to_rows(facts, rows);
    }

    /// The fee row's value: what the fee was made of.
    fn fee_value(&self, facts: &TxFacts, fee: &Fee, lang: Lang) -> String;

    /// Rows after the failure: the family's figures for a pending
    /// transaction, its commitment or finality.
    fn detail_rows(&self, _report: &TxReport, _lang: Lang, _rows: &mut Rows) {}

    /// The congestion rows, when the report has congestion.
    fn congestion_rows(&self, report: &TxReport, c: &Congestion, lang: Lang, rows: &mut Rows);

    /// What moved, when the family describes it better than "N to X".
    fn what(&self, _facts: &TxFacts, _lang: Lang) -> Option<String> {
        None
    }

    /// "The fee was …" for an included transaction.
    fn fee_sentence(&self, _facts: &TxFacts, fee: &str, lang: Lang) -> String {
        lang.t("fee_paid", &[("fee", fee)])
    }

    /// "It succeeded and is final …" (by default with its confirmations).
    fn finalized_sentence(&self, _facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        lang.t("finalized_included", base)
    }

    /// Whether what moved is worth what it says once final (a token its
    /// issuer froze is not): else the "transfer complete" advice is left out.
    fn settles(&self, _facts: &TxFacts) -> bool {
        true
    }

    /// What to do about a confirmed, not yet final transaction.
    fn next_confirmed(&self, base: &[(&str, &str)], lang: Lang) -> String {
        lang.t("next_confirmed", base)
    }

    /// "It is confirmed …": the sentence of a confirmed, not final transaction.
    fn confirmed_sentence(&self, _facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        lang.t("confirmed_included", base)
    }

    /// Sentences after the fee: why it was what it was.
    fn fee_sentences(
        &self,
        _report: &TxReport,
        _facts: &TxFacts,
        _lang: Lang,
        _out: &mut Vec<String>,
    ) {
    }

    /// Extra placeholders of the failure sentences (a fee limit, what a
    /// transfer burns).
    fn failure_args(
        &self,
        _report: &TxReport,
        _facts: &TxFacts,
        _lang: Lang,
    ) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Why a pending transaction waits and what to do; `false` when the
    /// family has nothing to say beyond "it is waiting".
    fn pending_sentences(
        &self,
        _report: &TxReport,
        _facts: &TxFacts,
        _base: &[(&str, &str)],
        _lang: Lang,
        _out: &mut Vec<String>,
    ) -> bool {
        false
    }

    /// What to do when the id is on none of the chains searched.
    fn not_found_advice(
        &self,
        _report: &TxReport,
        _chains: &str,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        out.push(lang.t("next_not_found", &[]));
    }

    /// The JSON `pending` object: the figures behind a pending verdict.
    fn pending_json(&self, _report: &TxReport) -> Option<Value> {
        None
    }
}

/// The from and to rows. A call to a token contract names the contract as
/// such, and the one recipient of its transfer as the recipient: the
/// transaction's `to` is not where the tokens went.
pub fn from_to_rows(facts: &TxFacts, rows: &mut Rows) {
    rows.push("label_from", crate::safe::escape(&facts.from));
    let Some(to) = &facts.to else {
        return;
    };
    let transfers: Vec<_> = if facts.token_transfers.is_empty() {
        facts.intended_transfer.iter().collect()
    } else {
        facts.token_transfers.iter().collect()
    };
    let is_contract = transfers.iter().any(|t| t.token.eq_ignore_ascii_case(to));
    if !is_contract {
        rows.push("label_to", crate::safe::escape(to));
        return;
    }
    rows.push("label_token_contract", crate::safe::escape(to));
    if let [one] = transfers.as_slice() {
        rows.push("label_recipient", crate::safe::escape(&one.to));
    }
}

/// Figures read from the network (base fees, tips) keep this many significant digits.
const GWEI_DIGITS: u32 = 3;

/// Below this (0.001 gwei) a price reads "<0.001": the exact wei are in the JSON.
const GWEI_SMALLEST_SHOWN: u64 = 1_000_000;

/// A price per gas in gwei for people: "35.2", "0.00512" — rounded to three
/// significant digits (suggested prices are already rounded up by `pending`);
/// "<0.001" for a price below a thousandth of a gwei (1 wei is not
/// "0.000000001 gwei" to a person).
pub fn gwei(wei: U256) -> String {
    if !wei.is_zero() && wei < U256::from(GWEI_SMALLEST_SHOWN) {
        return "<0.001".to_string();
    }
    let digits = wei.to_string().len() as u32;
    let rounded = if digits > GWEI_DIGITS {
        let unit = U256::from(10).pow(U256::from(digits - GWEI_DIGITS));
        wei.saturating_add(unit / U256::from(2)) / unit * unit
    } else {
        wei
    };
    format_units(rounded, 9)
}

/// A fee paid in gas: used, at a price (gwei), plus the L1 and blob parts
/// some chains add.
pub fn gas_fee_value(fee: &Fee, lang: Lang) -> String {
    let gwei = fee
        .gas_price
        .as_deref()
        .and_then(|p| p.parse().ok())
        .map(gwei)
        .unwrap_or_default();
    let mut extra = String::new();
    if let Some(l1) = &fee.l1_fee {
        extra.push_str(&lang.t("value_fee_l1", &[("l1", &l1.display_fee())]));
    }
    if let Some(blob) = &fee.blob_fee {
        extra.push_str(&lang.t("value_fee_blob", &[("blob", &blob.display_fee())]));
    }
    let gas_used = fee.gas_used.map(|g| g.to_string()).unwrap_or_default();
    lang.t(
        "value_fee_breakdown",
        &[
            ("fee", &fee.total.display_fee()),
            ("gas_used", &gas_used),
            ("price", &gwei),
            ("extra", &extra),
        ],
    )
}

/// Congestion read from recent blocks: level, fullness, base fee.
pub fn block_congestion_row(c: &Congestion, lang: Lang, rows: &mut Rows) {
    let base_fee = c
        .base_fee_gwei
        .map(|g| lang.t("value_congestion_base_fee", &[("gwei", &g.to_string())]))
        .unwrap_or_default();
    let fullness = format!("{:.0}", c.block_fullness.unwrap_or_default() * 100.0);
    rows.push(
        "label_congestion",
        lang.t(
            "value_congestion",
            &[
                ("level", &crate::i18n::words::level(lang, c.level.as_str())),
                ("fullness", &fullness),
                ("base_fee", &base_fee),
            ],
        ),
    );
}
