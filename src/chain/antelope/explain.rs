//! Antelope words: no coin fee but CPU and NET (and who paid them), the
//! memo of each transfer (what an exchange credits a deposit by), swaps of
//! EOS and A through `core.vaulta`, frozen USDT, irreversibility.

use crate::chain::explain::{Explain, Rows};
use crate::i18n::Lang;
use crate::i18n::words::with;
use crate::model::{Congestion, Fee, TxFacts, TxReport};
use crate::render::utc_time;

impl Explain for super::Antelope {
    fn fee_value(&self, _facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        let Some(r) = fee.antelope() else {
            return fee.total.display_fee();
        };
        let id = if r.provider_paid {
            "value_fee_antelope_provider"
        } else {
            "value_fee_antelope"
        };
        lang.t(
            id,
            &[
                ("cpu", &r.cpu_us.to_string()),
                ("net", &r.net_bytes.to_string()),
                ("payer", r.billed_to.as_deref().unwrap_or("?")),
            ],
        )
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        let Some(facts) = report.facts.as_ref() else {
            return;
        };
        let swap = facts.family.antelope().and_then(|a| a.swap.as_ref());
        for t in &facts.token_transfers {
            // A swap's legs carry the contract's memo, not the customer's.
            if swap.is_some()
                && (t.to == super::convert::VAULTA || t.from == super::convert::VAULTA)
            {
                continue;
            }
            if let Some(memo) = &t.memo {
                let value = if memo.is_empty() {
                    lang.t("value_memo_none", &[])
                } else {
                    crate::safe::escape(memo)
                };
                rows.push("label_memo", format!("{}: {value}", t.display()));
            }
        }
        let Some(a) = facts.family.antelope() else {
            return;
        };
        if let Some(lib) = a.last_irreversible_block {
            let id = if facts.solidified == Some(true) {
                "value_irreversible"
            } else {
                "value_reversible"
            };
            rows.push("label_finality", lang.t(id, &[("lib", &lib.to_string())]));
        }
        if let Some(state) = &a.chain_state {
            rows.push("label_chain_state", state.clone());
        }
        if let (None, Some(at)) = (facts.block, a.expiration) {
            rows.push("label_expires", utc_time(at));
        }
    }

    fn congestion_rows(&self, _report: &TxReport, _c: &Congestion, _lang: Lang, _rows: &mut Rows) {}

    /// A swap through core.vaulta is said as one.
    fn what(&self, facts: &TxFacts, lang: Lang) -> Option<String> {
        let s = facts.family.antelope()?.swap.as_ref()?;
        Some(lang.t(
            "what_swap",
            &[("gave", &s.gave), ("got", &s.got), ("to", &s.to)],
        ))
    }

    fn fee_sentence(&self, facts: &TxFacts, _fee: &str, lang: Lang) -> String {
        let Some(r) = facts.fee.as_ref().and_then(|f| f.antelope()) else {
            return lang.t("fee_paid_antelope_none", &[]);
        };
        let args = [
            ("cpu", r.cpu_us.to_string()),
            ("net", r.net_bytes.to_string()),
            ("payer", r.billed_to.clone().unwrap_or_default()),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if r.provider_paid {
            lang.t("fee_paid_antelope_provider", &args)
        } else {
            lang.t("fee_paid_antelope", &args)
        }
    }

    fn settles(&self, facts: &TxFacts) -> bool {
        facts.family.antelope().is_none_or(|a| a.frozen.is_empty())
    }

    fn next_confirmed(&self, _base: &[(&str, &str)], lang: Lang) -> String {
        lang.t("next_confirmed_antelope", &[])
    }

    fn finalized_sentence(&self, facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        let block = facts.block.map(|b| b.to_string()).unwrap_or_default();
        lang.t("finalized_antelope", &with(base, &[("block", &block)]))
    }

    fn confirmed_sentence(&self, facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        let block = facts.block.map(|b| b.to_string()).unwrap_or_default();
        lang.t("confirmed_antelope", &with(base, &[("block", &block)]))
    }

    /// The memo of each transfer, a missing one explained, a frozen token
    /// named.
    fn fee_sentences(
        &self,
        _report: &TxReport,
        facts: &TxFacts,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        let swap = facts.family.antelope().and_then(|a| a.swap.as_ref());
        for t in &facts.token_transfers {
            // The swap's own legs are said by the swap sentence.
            if swap.is_some()
                && (t.to == super::convert::VAULTA || t.from == super::convert::VAULTA)
            {
                continue;
            }
            let frozen = facts
                .family
                .antelope()
                .is_some_and(|a| t.symbol.as_ref().is_some_and(|s| a.frozen.contains(s)));
            match t.memo.as_deref() {
                Some("") if frozen => {}
                Some("") => {
                    out.push(lang.t("memo_none", &[("amount", &t.display()), ("to", &t.to)]))
                }
                Some(memo) => out.push(lang.t(
                    "memo_given",
                    &[
                        ("amount", &t.display()),
                        ("memo", &crate::safe::text(memo).replace('"', "'")),
                    ],
                )),
                None => {}
            }
        }
        if swap.is_some() {
            out.push(lang.t("swap_explained", &[]));
        }
        if let Some(a) = facts.family.antelope() {
            for symbol in &a.frozen {
                out.push(lang.t("token_frozen", &[("symbol", symbol)]));
            }
        }
    }

    /// The chain API holds it, waiting for a block.
    fn pending_sentences(
        &self,
        _report: &TxReport,
        facts: &TxFacts,
        base: &[(&str, &str)],
        lang: Lang,
        out: &mut Vec<String>,
    ) -> bool {
        let expires = facts
            .family
            .antelope()
            .and_then(|a| a.expiration)
            .map(utc_time)
            .unwrap_or_default();
        out.push(lang.t("pending_antelope", &with(base, &[("expires", &expires)])));
        out.push(lang.t("next_pending_antelope", &[("expires", &expires)]));
        true
    }

    fn not_found_advice(
        &self,
        _report: &TxReport,
        _chains: &str,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        out.push(lang.t("next_not_found_antelope", &[]));
    }
}
