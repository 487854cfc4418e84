//! Substrate words: the fee (and tip), the extrinsic's place and call,
//! GRANDPA finality, a module error in words, an XCM transfer's second
//! step, a relay chain whose transfers moved to Asset Hub, and a hash that
//! needs an indexer.

use crate::chain::explain::{Explain, Rows};
use crate::i18n::Lang;
use crate::i18n::words::with;
use crate::model::{Congestion, Fee, TxFacts, TxReport};

impl Explain for super::Substrate {
    fn fee_value(&self, facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        let tip = facts
            .family
            .substrate()
            .and_then(|s| s.tip.as_deref())
            .filter(|t| *t != "0")
            .and_then(|t| t.parse::<u64>().ok())
            .map(|t| {
                lang.t(
                    "value_fee_tip",
                    &[("tip", &fee.total.like(t).display_fee())],
                )
            })
            .unwrap_or_default();
        format!("{}{tip}", fee.total.display_fee())
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        let Some(facts) = report.facts.as_ref() else {
            return;
        };
        let Some(s) = facts.family.substrate() else {
            return;
        };
        rows.push("label_extrinsic", format!("{} ({})", s.extrinsic, s.call));
        if let Some(x) = &s.xcm {
            rows.push("label_xcm", x.destination.clone());
        }
        if let Some(docs) = s.module_error.as_ref().and_then(|m| m.docs.clone()) {
            rows.push("label_error_docs", docs);
        }
        if let Some(f) = s.finalized_head {
            let id = if facts.solidified == Some(true) {
                "value_grandpa_final"
            } else {
                "value_grandpa_pending"
            };
            rows.push(
                "label_finality",
                lang.t(id, &[("finalized", &f.to_string())]),
            );
        }
    }

    fn congestion_rows(&self, _report: &TxReport, _c: &Congestion, _lang: Lang, _rows: &mut Rows) {}

    /// An XCM transfer: cross-chain, to where.
    fn what(&self, facts: &TxFacts, lang: Lang) -> Option<String> {
        let x = facts.family.substrate()?.xcm.as_ref()?;
        let amount = match facts.token_transfers.as_slice() {
            [one] => one.display(),
            _ if !facts.value.raw.is_zero() => facts.value.display(),
            _ => facts
                .token_transfers
                .iter()
                .map(|t| t.display())
                .collect::<Vec<_>>()
                .join(", "),
        };
        Some(lang.t(
            "what_xcm",
            &[("amount", &amount), ("destination", &x.destination)],
        ))
    }

    /// A cross-chain transfer is not done on this chain: the second step's
    /// sentence says what to do instead of "the transfer is complete".
    fn settles(&self, facts: &TxFacts) -> bool {
        facts.family.substrate().is_none_or(|s| s.xcm.is_none())
    }

    fn finalized_sentence(&self, facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        let place = facts
            .family
            .substrate()
            .map(|s| s.extrinsic.clone())
            .unwrap_or_default();
        lang.t("finalized_substrate", &with(base, &[("extrinsic", &place)]))
    }

    fn confirmed_sentence(&self, facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        let place = facts
            .family
            .substrate()
            .map(|s| s.extrinsic.clone())
            .unwrap_or_default();
        lang.t("confirmed_substrate", &with(base, &[("extrinsic", &place)]))
    }

    fn next_confirmed(&self, _base: &[(&str, &str)], lang: Lang) -> String {
        lang.t("next_confirmed_substrate", &[])
    }

    fn failure_args(
        &self,
        _report: &TxReport,
        facts: &TxFacts,
        lang: Lang,
    ) -> Vec<(&'static str, String)> {
        let docs = facts
            .family
            .substrate()
            .and_then(|s| s.module_error.as_ref())
            .and_then(|m| m.docs.clone())
            .map(|d| lang.t("module_error_docs", &[("docs", &d.replace('"', "'"))]))
            .unwrap_or_default();
        vec![("docs", docs)]
    }

    fn fee_sentences(
        &self,
        _report: &TxReport,
        facts: &TxFacts,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        let Some(s) = facts.family.substrate() else {
            return;
        };
        if let Some(x) = &s.xcm
            && facts.succeeded == Some(true)
        {
            out.push(lang.t("xcm_second_step", &[("destination", &x.destination)]));
        }
        if let Some(to) = &s.moved_to {
            out.push(lang.t("relay_moved", &[("to", to)]));
        }
    }

    fn not_found_advice(
        &self,
        report: &TxReport,
        _chains: &str,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        let _ = report;
        out.push(lang.t("next_not_found_substrate", &[]));
    }
}
