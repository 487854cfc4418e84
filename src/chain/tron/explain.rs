//! TRON words: the fee as energy and bandwidth (from stake or burned), the
//! solidified block, the energy price, and how to avoid the burn.

use crate::chain::explain::{Explain, Rows, block_congestion_row, gas_fee_value};
use crate::i18n::Lang;
use crate::model::{Congestion, Fee, Status, TxFacts, TxReport};

impl Explain for super::Tron {
    fn fee_value(&self, _facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        let Some(r) = fee.tron() else {
            return gas_fee_value(fee, lang);
        };
        let mut parts = Vec::new();
        if r.energy_used > 0 {
            parts.push(lang.t(
                "value_fee_energy",
                &[
                    ("energy", &r.energy_used.to_string()),
                    ("staked", &r.energy_from_stake.to_string()),
                    ("burned", &r.energy_burned.to_string()),
                    ("energy_fee", &r.energy_fee.display()),
                ],
            ));
        }
        parts.push(if r.bandwidth_fee.raw.is_zero() {
            lang.t(
                "value_fee_bandwidth_free",
                &[("bandwidth", &r.bandwidth_used.to_string())],
            )
        } else {
            lang.t(
                "value_fee_bandwidth_burned",
                &[("bandwidth_fee", &r.bandwidth_fee.display())],
            )
        });
        lang.t(
            "value_fee_resources",
            &[
                ("fee", &fee.total.display_fee()),
                ("parts", &parts.join("; ")),
            ],
        )
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        if report.facts.as_ref().and_then(|f| f.solidified) == Some(true) {
            rows.push("label_finality", lang.t("value_solidified", &[]));
        }
    }

    fn congestion_rows(&self, _report: &TxReport, c: &Congestion, lang: Lang, rows: &mut Rows) {
        let Some(e) = &c.energy else {
            return block_congestion_row(c, lang, rows);
        };
        let sender = match (e.sender_energy_available, e.sender_bandwidth_available) {
            (Some(energy), Some(bandwidth)) => lang.t(
                "value_congestion_sender",
                &[
                    ("energy", &energy.to_string()),
                    ("bandwidth", &bandwidth.to_string()),
                ],
            ),
            _ => String::new(),
        };
        rows.push(
            "label_congestion",
            lang.t(
                "value_congestion_energy",
                &[
                    ("price", &e.energy_price_sun.to_string()),
                    ("usdt_burn", &e.usdt_transfer_burn.display()),
                    ("sender", &sender),
                ],
            ),
        );
    }

    fn fee_sentences(&self, report: &TxReport, facts: &TxFacts, lang: Lang, out: &mut Vec<String>) {
        resource_sentences(report, facts, lang, out);
    }

    /// The fee limit a transaction ran out of energy under, and what a USDT
    /// transfer burns now.
    fn failure_args(
        &self,
        report: &TxReport,
        facts: &TxFacts,
        _lang: Lang,
    ) -> Vec<(&'static str, String)> {
        let fee_limit = facts
            .fee
            .as_ref()
            .and_then(|f| f.tron())
            .and_then(|r| r.fee_limit.as_ref())
            .map(|l| l.display())
            .unwrap_or_default();
        vec![("fee_limit", fee_limit), ("usdt_burn", usdt_burn(report))]
    }
}

/// "6.77 TRX": what a USDT transfer burns now without energy (TRON).
fn usdt_burn(report: &TxReport) -> String {
    report
        .congestion
        .as_ref()
        .and_then(|c| c.energy.as_ref())
        .map(|e| e.usdt_transfer_burn.display())
        .unwrap_or_default()
}

/// TRON: why the fee was what it was — energy from stake, or TRX burned for
/// it at the energy price — and how to avoid the burn next time.
fn resource_sentences(report: &TxReport, facts: &TxFacts, lang: Lang, out: &mut Vec<String>) {
    let Some(r) = facts.fee.as_ref().and_then(|f| f.tron()) else {
        return;
    };
    if r.energy_used == 0 {
        return;
    }
    let price = report
        .congestion
        .as_ref()
        .and_then(|c| c.energy.as_ref())
        .map(|e| e.energy_price_sun.to_string())
        .unwrap_or_default();
    let args = [
        ("energy", r.energy_used.to_string()),
        ("staked", r.energy_from_stake.to_string()),
        ("burned", r.energy_burned.to_string()),
        ("energy_fee", r.energy_fee.display()),
        ("bandwidth_fee", r.bandwidth_fee.display()),
        ("price", price),
        ("usdt_burn", usdt_burn(report)),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = match (r.energy_burned, r.energy_from_stake) {
        (0, _) => "tron_fee_staked",
        (_, 0) => "tron_fee_no_energy",
        _ => "tron_fee_some_energy",
    };
    out.push(lang.t(id, &args));
    // A failed transfer gets the same advice in its next step instead.
    if r.energy_burned > 0 && report.status != Status::Failed {
        out.push(lang.t("tron_avoid_burn", &args));
    }
}

#[cfg(test)]
mod tests {
    /// Every message id this file uses exists in English.
    #[test]
    fn its_message_ids_exist() {
        crate::i18n::assert_known_ids(include_str!("explain.rs"));
    }
}
