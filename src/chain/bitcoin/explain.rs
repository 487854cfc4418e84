//! Bitcoin-style words: inputs and outputs, the fee rate (sat/vB) against
//! the market's, the mempool's backlog, and the ways out of a stuck
//! transaction (replace-by-fee, child-pays-for-parent, expiry).

use serde_json::{Value, json};

use crate::chain::explain::{Explain, Rows, block_congestion_row, from_to_rows, gas_fee_value};
use crate::i18n::Lang;
use crate::i18n::words::{duration, with};
use crate::model::assessment::utxo::Assessment as UtxoAssessment;
use crate::model::{Congestion, Fee, FeeRates, Reason, TxFacts, TxReport, UtxoFacts};

/// The fee-rate assessment of a pending transaction, when there is one.
fn utxo_assessment(report: &TxReport) -> Option<&UtxoAssessment> {
    report.waiting.as_ref().and_then(|w| w.utxo())
}

impl Explain for super::Esplora {
    fn parties_rows(&self, facts: &TxFacts, lang: Lang, rows: &mut Rows) {
        match facts.family.utxo() {
            Some(u) => utxo_rows(u, lang, &mut |l, v| rows.push(l, v)),
            None => from_to_rows(facts, rows),
        }
    }

    fn fee_value(&self, facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        let Some(u) = facts.family.utxo() else {
            return gas_fee_value(fee, lang);
        };
        lang.t(
            "value_fee_utxo",
            &[
                ("fee", &fee.total.display_fee()),
                ("sats", &fee.total.raw.to_string()),
                ("rate", &sat_vb(u.fee_rate)),
                ("vsize", &u.vsize.to_string()),
            ],
        )
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        if let (Some(a), Some(f)) = (utxo_assessment(report), &report.facts) {
            utxo_pending_rows(a, f, lang, &mut |l, v| rows.push(l, v));
        }
    }

    fn congestion_rows(&self, report: &TxReport, c: &Congestion, lang: Lang, rows: &mut Rows) {
        let Some(m) = &c.mempool else {
            return block_congestion_row(c, lang, rows);
        };
        if let Some(vsize) = m.backlog_vsize {
            let mvb = vsize as f64 / 1e6;
            rows.push(
                "label_congestion",
                lang.t(
                    "value_congestion_mempool",
                    &[
                        ("level", &crate::i18n::words::level(lang, c.level.as_str())),
                        ("backlog", &format!("{mvb:.1}")),
                        ("blocks", &format!("{:.0}", mvb.ceil())),
                    ],
                ),
            );
        } else {
            rows.push(
                "label_congestion",
                crate::i18n::words::level(lang, c.level.as_str()),
            );
        }
        if let (Some(r), None) = (m.fee_rates, utxo_assessment(report)) {
            rows.push("label_network_rates", network_rates(&r, lang));
        }
    }

    fn what(&self, facts: &TxFacts, lang: Lang) -> Option<String> {
        let u = facts.family.utxo()?;
        let payments = u.outputs.iter().filter(|o| !o.change).count();
        // Only data outputs (OP_RETURN): the coins went to the fee.
        if !u.outputs.is_empty() && u.outputs.iter().all(|o| o.address.is_none()) {
            return Some(lang.t("what_data_only", &[]));
        }
        (payments > 1).then(|| {
            lang.t(
                "what_utxo_many",
                &[
                    ("amount", &facts.value.display()),
                    ("count", &payments.to_string()),
                ],
            )
        })
    }

    fn fee_sentence(&self, facts: &TxFacts, fee: &str, lang: Lang) -> String {
        match facts.family.utxo() {
            Some(u) => lang.t(
                "fee_paid_utxo",
                &[("fee", fee), ("rate", &sat_vb(u.fee_rate))],
            ),
            None => lang.t("fee_paid", &[("fee", fee)]),
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
        let Some(a) = utxo_assessment(report) else {
            return false;
        };
        utxo_pending(a, facts, base, lang, out);
        true
    }

    fn not_found_advice(
        &self,
        _report: &TxReport,
        chains: &str,
        lang: Lang,
        out: &mut Vec<String>,
    ) {
        out.push(lang.t("next_not_found_utxo", &[("chains", chains)]));
    }

    fn pending_json(&self, report: &TxReport) -> Option<Value> {
        utxo_assessment(report).map(utxo_pending_json)
    }
}

/// Inputs and outputs, a line each (long lists cut with a count).
fn utxo_rows(u: &UtxoFacts, lang: Lang, row: &mut impl FnMut(&'static str, String)) {
    const MAX_LINES: usize = 8;
    let line = |address: &Option<String>, amount: String, change: bool| {
        let address = address
            .clone()
            .unwrap_or_else(|| lang.t("value_io_none", &[]));
        let id = if change {
            "value_io_change"
        } else {
            "value_io_line"
        };
        lang.t(id, &[("address", &address), ("amount", &amount)])
    };
    let cut = |mut lines: Vec<String>| {
        let total = lines.len();
        if total > MAX_LINES {
            lines.truncate(MAX_LINES - 1);
            lines.push(lang.t(
                "list_more",
                &[("count", &(total - lines.len()).to_string())],
            ));
        }
        lines.join("\n")
    };
    row(
        "label_inputs",
        cut(u
            .inputs
            .iter()
            .map(|i| {
                let amount = i.value.as_ref().map(|v| v.display()).unwrap_or_default();
                line(&i.address, amount, false)
            })
            .collect()),
    );
    row(
        "label_outputs",
        cut(u
            .outputs
            .iter()
            .map(|o| line(&o.address, o.value.display(), o.change))
            .collect()),
    );
}

fn network_rates(r: &FeeRates, lang: Lang) -> String {
    lang.t(
        "value_network_rates",
        &[
            ("next", &sat_vb(r.next_block)),
            ("half_hour", &sat_vb(r.half_hour)),
            ("hour", &sat_vb(r.hour)),
            ("day", &r.day.map(sat_vb).unwrap_or_else(|| "?".into())),
        ],
    )
}

/// Fee rate against the market, RBF, parents, and the fixes with figures.
fn utxo_pending_rows(
    a: &UtxoAssessment,
    f: &TxFacts,
    lang: Lang,
    row: &mut impl FnMut(&'static str, String),
) {
    let rate = sat_vb(a.fee_rate);
    row(
        "label_fee_rate",
        if a.effective_rate < a.fee_rate {
            lang.t(
                "value_fee_rate_package",
                &[("rate", &rate), ("effective", &sat_vb(a.effective_rate))],
            )
        } else {
            format!("{rate} sat/vB")
        },
    );
    if let Some(r) = &a.rates {
        row("label_network_rates", network_rates(r, lang));
    }
    row(
        "label_rbf",
        lang.t(
            if a.rbf {
                "value_rbf_yes"
            } else {
                "value_rbf_no"
            },
            &[],
        ),
    );
    if let Some(u) = f.family.utxo()
        && !u.unconfirmed_parents.is_empty()
    {
        row(
            "label_parents",
            u.unconfirmed_parents
                .iter()
                .map(|p| {
                    lang.t(
                        "value_parent_line",
                        &[("txid", &p.txid), ("rate", &sat_vb(p.fee_rate))],
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    let sats = |n: u64| f.value.like(n).display();
    if let Some(b) = a.bump {
        row(
            "label_bump",
            lang.t(
                "value_bump",
                &[("fee", &sats(b.fee)), ("rate", &sat_vb(b.fee_rate))],
            ),
        );
    }
    if let Some(c) = a.child {
        row(
            "label_cpfp",
            lang.t(
                "value_cpfp",
                &[
                    ("rate", &sat_vb(c.fee_rate)),
                    ("fee", &sats(c.fee)),
                    ("vsize", &c.vsize.to_string()),
                ],
            ),
        );
    }
}

/// A Bitcoin-style transaction waiting for a block: its rate against the
/// market's, then the ways out — replace-by-fee, child-pays-for-parent, or
/// waiting for nodes to drop it.
fn utxo_pending(
    a: &UtxoAssessment,
    facts: &TxFacts,
    base: &[(&str, &str)],
    lang: Lang,
    out: &mut Vec<String>,
) {
    let rate = sat_vb(a.fee_rate);
    let Some(rates) = a.rates else {
        out.push(lang.t("pending_utxo_unrated", &with(base, &[("rate", &rate)])));
        out.push(lang.t("next_pending", base));
        return;
    };
    let hour = sat_vb(rates.hour);
    let next = sat_vb(rates.next_block);
    let first = a
        .first_confirmation_secs
        .map(|s| duration(s, lang))
        .unwrap_or_default();
    match a.reason {
        Reason::LowFeeRate | Reason::UnconfirmedParent => {
            match (&a.parent, a.reason) {
                (Some(p), Reason::UnconfirmedParent) => out.push(lang.t(
                    "pending_unconfirmed_parent",
                    &with(
                        base,
                        &[
                            ("parent", &p.txid),
                            ("parent_rate", &sat_vb(p.fee_rate)),
                            ("package_rate", &sat_vb(a.effective_rate)),
                            ("hour", &hour),
                        ],
                    ),
                )),
                _ => out.push(lang.t(
                    "pending_low_fee_rate",
                    &with(base, &[("rate", &rate), ("hour", &hour), ("next", &next)]),
                )),
            }
            match a.first_confirmation_secs {
                Some(_) => out.push(lang.t("utxo_slow_day", &[])),
                None => out.push(lang.t("utxo_slow_never", &[])),
            }
            if a.below_minimum {
                let minimum = rates.minimum.map(sat_vb).unwrap_or_default();
                out.push(lang.t("utxo_below_minimum", &[("minimum", &minimum)]));
            }
            utxo_next_steps(a, facts, lang, out);
        }
        _ => {
            let tier = match a.first_confirmation_blocks {
                Some(1) => "tier_next_block",
                Some(3) => "tier_half_hour",
                Some(6) => "tier_hour",
                _ => "tier_day",
            };
            out.push(lang.t(
                "pending_utxo_waiting",
                &with(
                    base,
                    &[
                        ("rate", &rate),
                        ("tier", &lang.t(tier, &[])),
                        ("first", &first),
                    ],
                ),
            ));
            out.push(lang.t("next_pending", base));
        }
    }
}

/// Replace-by-fee when the transaction allows it, child-pays-for-parent in
/// any case, and what happens if nobody acts.
fn utxo_next_steps(a: &UtxoAssessment, facts: &TxFacts, lang: Lang, out: &mut Vec<String>) {
    let symbol_of = |sats: u64| facts.value.like(sats).display();
    let parent = a.reason == Reason::UnconfirmedParent;
    match (a.bump, a.rbf) {
        (Some(b), true) => out.push(lang.t(
            if parent {
                "next_rbf_package"
            } else {
                "next_rbf"
            },
            &[
                ("bump_fee", &symbol_of(b.fee)),
                ("bump_rate", &sat_vb(b.fee_rate)),
            ],
        )),
        _ if !parent => out.push(lang.t("next_rbf_none", &[])),
        _ => {}
    }
    if let Some(c) = a.child {
        let parent_id = a.parent.as_ref().map(|p| p.txid.as_str()).unwrap_or("");
        out.push(lang.t(
            if parent {
                "next_cpfp_parent"
            } else {
                "next_cpfp"
            },
            &[
                ("child_rate", &sat_vb(c.fee_rate)),
                ("child_fee", &symbol_of(c.fee)),
                ("child_vsize", &c.vsize.to_string()),
                ("parent", parent_id),
            ],
        ));
    }
    out.push(lang.t(
        "next_utxo_expiry",
        &[("days", &super::utxo::MEMPOOL_EXPIRY_DAYS.to_string())],
    ));
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

/// A fee rate for people: "12", "2.5", "20.3" (sat/vB, one decimal at most).
pub fn sat_vb(rate: f64) -> String {
    let s = format!("{:.1}", (rate * 10.0).round() / 10.0);
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    /// Every message id this file uses exists in English.
    #[test]
    fn its_message_ids_exist() {
        crate::i18n::assert_known_ids(include_str!("explain.rs"));
    }
}
