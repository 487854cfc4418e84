//! Solana words: the base and priority fee, the commitment reached, the
//! SOL balance changes, and compute-unit prices.

use crate::chain::explain::{Explain, Rows, block_congestion_row, gas_fee_value};
use crate::i18n::Lang;
use crate::i18n::words::with;
use crate::model::{Congestion, Fee, TxFacts, TxReport, format_units};

impl Explain for super::Solana {
    fn fee_value(&self, facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        let Some(sol) = facts.family.solana() else {
            return gas_fee_value(fee, lang);
        };
        lang.t(
            "value_fee_solana",
            &[
                ("fee", &fee.total.display_fee()),
                ("base", &fee.total.like(sol.base_fee).display()),
                ("priority", &fee.total.like(sol.priority_fee).display()),
            ],
        )
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        commitment_rows(report, lang, rows);
        if report.facts.as_ref().and_then(|f| f.solidified) == Some(true) {
            rows.push("label_finality", lang.t("value_solidified", &[]));
        }
    }

    fn congestion_rows(&self, _report: &TxReport, c: &Congestion, lang: Lang, rows: &mut Rows) {
        let Some(p) = c.compute_unit_price else {
            return block_congestion_row(c, lang, rows);
        };
        rows.push(
            "label_congestion",
            lang.t(
                "value_congestion_solana",
                &[
                    ("level", &crate::i18n::words::level(lang, c.level.as_str())),
                    ("median", &p.median.to_string()),
                    ("p90", &p.p90.to_string()),
                    ("slots", &p.slots_sampled.to_string()),
                ],
            ),
        );
    }

    fn fee_sentence(&self, facts: &TxFacts, fee: &str, lang: Lang) -> String {
        let Some(s) = facts.family.solana() else {
            return lang.t("fee_paid", &[("fee", fee)]);
        };
        let unit = |n: u64| facts.value.like(n).display();
        lang.t(
            "fee_paid_solana",
            &[
                ("fee", fee),
                ("base", &unit(s.base_fee)),
                ("priority", &unit(s.priority_fee)),
            ],
        )
    }

    fn confirmed_sentence(&self, facts: &TxFacts, base: &[(&str, &str)], lang: Lang) -> String {
        match facts.family.solana() {
            Some(s) => lang.t(
                "confirmed_solana",
                &with(base, &[("commitment", &s.commitment)]),
            ),
            None => lang.t("confirmed_included", base),
        }
    }

    /// A signature unknown to the cluster: its blockhash expired, or it never
    /// reached a leader; with the priority fees that get one in now.
    fn not_found_advice(
        &self,
        report: &TxReport,
        _chains: &str,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        out.push(lang.t("next_not_found_solana", &[]));
        if let Some(p) = report
            .congestion
            .as_ref()
            .and_then(|c| c.compute_unit_price)
        {
            out.push(lang.t(
                "solana_priority_advice",
                &[
                    ("median", &p.median.to_string()),
                    ("p90", &p.p90.to_string()),
                ],
            ));
        }
    }
}

/// The commitment reached and every SOL balance the transaction changed.
fn commitment_rows(report: &TxReport, lang: Lang, rows: &mut Rows) {
    let Some(s) = report.facts.as_ref().and_then(|f| f.family.solana()) else {
        return;
    };
    rows.push(
        "label_commitment",
        lang.t_or(&format!("commitment_{}", s.commitment), &s.commitment),
    );
    if !s.balance_changes.is_empty() {
        rows.push(
            "label_balance_changes",
            s.balance_changes
                .iter()
                .map(|b| {
                    let (sign, digits) = match b.change.strip_prefix('-') {
                        Some(d) => ("-", d),
                        None => ("+", b.change.as_str()),
                    };
                    let amount = format_units(digits.parse().unwrap_or_default(), 9);
                    format!("{}: {sign}{amount} SOL", b.account)
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use crate::chain::explain::{Explain, Rows};
    use crate::config::{BUILTIN, parse};
    use crate::diagnose::verdict;
    use crate::i18n::Lang;
    use crate::model::{Amount, Status, TxFacts, TxReport};

    /// Finality is the commitment's, not the slot count's: a `confirmed`
    /// signature deep below the head is still only confirmed, and a
    /// `finalized` one says so in the table.
    #[test]
    fn the_commitment_decides_finality_and_shows_in_the_table() {
        let cfg = parse(BUILTIN).unwrap();
        let sol = cfg.chain("sol").unwrap();
        let mut f = TxFacts::new("sig", "payer", Amount::new(U256::ZERO, 9, "SOL"));
        f.block = Some(100);
        f.head = Some(100 + sol.confirmations * 10);
        f.succeeded = Some(true);
        f.solidified = Some(false);
        assert_eq!(verdict(&f, sol).status, Status::Confirmed);
        f.solidified = Some(true);
        f.head = Some(101);
        assert_eq!(verdict(&f, sol).status, Status::Finalized);
        let report = TxReport {
            facts: Some(f),
            ..TxReport::new("sig", "sig")
        };
        let mut rows = Rows::default();
        super::super::Solana.detail_rows(&report, Lang::EN, &mut rows);
        assert!(
            rows.0.iter().any(|(label, _)| *label == "label_finality"),
            "{rows:?}"
        );
    }

    /// Every message id this file uses exists in English.
    #[test]
    fn its_message_ids_exist() {
        crate::i18n::assert_known_ids(include_str!("explain.rs"));
    }
}
