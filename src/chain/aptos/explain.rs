//! Aptos words: gas × price less the storage refund, who paid it (a fee
//! payer), the version and BFT finality, Move aborts said in words where the
//! framework module is well known, why a pending transaction waits (a
//! sequence gap, a price below the estimate) and when it expires, and the
//! node's gas estimate.

use crate::chain::explain::{Explain, Rows, gas_fee_value};
use crate::i18n::Lang;
use crate::i18n::words::with;
use crate::model::{Congestion, Fee, Reason, TxFacts, TxReport};
use crate::render::utc_time;

/// Why a transaction not yet committed waits: a sequence number past the
/// sender's next one (a gap), a price below the node's estimate, or
/// nothing (it should be committed within seconds).
pub fn waiting(
    facts: &TxFacts,
    _chain: &crate::chain::spec::Chain,
) -> Option<(Reason, Option<u64>)> {
    let a = facts.family.aptos()?;
    if let (Some(seq), Some(next)) = (a.sequence_number, a.sender_sequence_number)
        && seq > next
    {
        return Some((Reason::NonceGap, None));
    }
    let estimate = facts
        .congestion
        .as_ref()
        .and_then(|c| c.gas_estimate.as_deref())
        .map(|g| g.normal);
    if estimate.is_some_and(|e| a.gas_unit_price < e) {
        return Some((Reason::LowPriorityFee, None));
    }
    Some((Reason::Waiting, Some(2)))
}

/// The abort in words: the framework's common transfer aborts by name,
/// else "module M aborted with NAME (code)".
fn abort_words(facts: &TxFacts, lang: Lang) -> String {
    let Some(abort) = facts.family.aptos().and_then(|a| a.abort.as_ref()) else {
        return lang.t("aptos_abort_unknown", &[]);
    };
    let name = abort.name.as_deref().unwrap_or_default();
    let id = match name {
        "EINSUFFICIENT_BALANCE" => Some("aptos_abort_insufficient_balance"),
        "ESTORE_IS_FROZEN" => Some("aptos_abort_frozen"),
        "ECOIN_STORE_NOT_PUBLISHED" => Some("aptos_abort_not_registered"),
        "EACCOUNT_DOES_NOT_ACCEPT_DIRECT_COIN_TRANSFERS"
        | "EACCOUNT_DOES_NOT_ACCEPT_DIRECT_TOKEN_TRANSFERS" => Some("aptos_abort_refuses_direct"),
        "EACCOUNT_NOT_FOUND" => Some("aptos_abort_no_account"),
        _ => None,
    };
    let framework = abort
        .module
        .as_deref()
        .is_some_and(|m| m.starts_with("0x1::"));
    match id {
        Some(id) if framework => lang.t(id, &[]),
        _ => lang.t(
            "aptos_abort_module",
            &[
                ("module", abort.module.as_deref().unwrap_or("script")),
                ("name", if name.is_empty() { "?" } else { name }),
                ("code", abort.code.as_deref().unwrap_or("?")),
            ],
        ),
    }
}

impl Explain for super::Aptos {
    fn fee_value(&self, facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        let Some(a) = facts.family.aptos() else {
            return gas_fee_value(fee, lang);
        };
        let refund = a
            .fee_statement
            .filter(|s| s.storage_fee_refund_octas > 0)
            .map(|s| {
                lang.t(
                    "value_fee_aptos_refund",
                    &[(
                        "refund",
                        &fee.total.like(s.storage_fee_refund_octas).display_fee(),
                    )],
                )
            })
            .unwrap_or_default();
        lang.t(
            "value_fee_aptos",
            &[
                ("fee", &fee.total.display_fee()),
                ("gas_used", &fee.gas_used.unwrap_or(0).to_string()),
                ("price", &a.gas_unit_price.to_string()),
                ("refund", &refund),
            ],
        )
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        let Some(facts) = report.facts.as_ref() else {
            return;
        };
        let Some(a) = facts.family.aptos() else {
            return;
        };
        if let Some(payer) = &a.fee_payer {
            rows.push("label_fee_payer", crate::safe::escape(payer));
        }
        if let Some(v) = a.version {
            rows.push("label_version", v.to_string());
            rows.push("label_finality", lang.t("value_final_on_commit", &[]));
            return;
        }
        if let Some(seq) = a.sequence_number {
            let value = match a.sender_sequence_number {
                Some(next) => lang.t(
                    "value_sequence",
                    &[("seq", &seq.to_string()), ("next", &next.to_string())],
                ),
                None => seq.to_string(),
            };
            rows.push("label_sequence", value);
        }
        if let Some(at) = a.expiration_timestamp_secs {
            rows.push("label_expires", utc_time(at));
        }
    }

    fn congestion_rows(&self, _report: &TxReport, c: &Congestion, lang: Lang, rows: &mut Rows) {
        let Some(g) = c.gas_estimate.as_deref() else {
            return;
        };
        rows.push(
            "label_congestion",
            lang.t(
                "value_congestion_aptos",
                &[
                    ("level", &crate::i18n::words::level(lang, c.level.as_str())),
                    ("normal", &g.normal.to_string()),
                    (
                        "prioritized",
                        &g.prioritized.unwrap_or(g.normal).to_string(),
                    ),
                ],
            ),
        );
    }

    fn fee_sentence(&self, facts: &TxFacts, fee: &str, lang: Lang) -> String {
        match facts.family.aptos().and_then(|a| a.fee_payer.as_deref()) {
            Some(payer) => lang.t("fee_paid_sponsored", &[("fee", fee), ("payer", payer)]),
            None => lang.t("fee_paid", &[("fee", fee)]),
        }
    }

    fn finalized_sentence(&self, facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        let version = facts
            .family
            .aptos()
            .and_then(|a| a.version)
            .map(|v| v.to_string())
            .unwrap_or_default();
        lang.t("finalized_aptos", &with(base, &[("version", &version)]))
    }

    fn failure_args(
        &self,
        _report: &TxReport,
        facts: &TxFacts,
        lang: Lang,
    ) -> Vec<(&'static str, String)> {
        vec![("abort", abort_words(facts, lang))]
    }

    fn fee_sentences(
        &self,
        _report: &TxReport,
        facts: &TxFacts,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        // A failed transaction's fee paid by a sponsor: the sender lost nothing.
        if facts.succeeded == Some(false)
            && let Some(payer) = facts.family.aptos().and_then(|a| a.fee_payer.as_deref())
        {
            out.push(lang.t("fee_paid_sponsored_failed", &[("payer", payer)]));
        }
    }

    fn pending_sentences(
        &self,
        report: &TxReport,
        facts: &TxFacts,
        base: &[(&str, &str)],
        lang: Lang,
        out: &mut Vec<String>,
    ) -> bool {
        let Some(a) = facts.family.aptos() else {
            return false;
        };
        let expires = a
            .expiration_timestamp_secs
            .map(utc_time)
            .unwrap_or_default();
        let seq = a.sequence_number.unwrap_or(0).to_string();
        let next = a.sender_sequence_number.unwrap_or(0).to_string();
        let price = a.gas_unit_price.to_string();
        let estimate = facts
            .congestion
            .as_ref()
            .and_then(|c| c.gas_estimate.as_deref())
            .map(|g| g.normal.to_string())
            .unwrap_or_default();
        let args = with(
            base,
            &[
                ("expires", &expires),
                ("seq", &seq),
                ("next", &next),
                ("price", &price),
                ("estimate", &estimate),
            ],
        );
        let id = match report.reason {
            Reason::NonceGap => "pending_aptos_gap",
            Reason::LowPriorityFee => "pending_aptos_low_price",
            _ => "pending_aptos_waiting",
        };
        out.push(lang.t(id, &args));
        out.push(lang.t(
            if report.reason == Reason::NonceGap {
                "next_pending_aptos_gap"
            } else {
                "next_pending_aptos"
            },
            &args,
        ));
        true
    }

    fn not_found_advice(
        &self,
        _report: &TxReport,
        _chains: &str,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        out.push(lang.t("next_not_found_aptos", &[]));
    }
}
