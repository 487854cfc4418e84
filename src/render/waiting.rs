//! The sentences about a transaction still waiting and about what it
//! costs: why it waits and what to offer (EVM fees and nonces, Bitcoin fee
//! rates, RBF and CPFP), and TRON's energy and bandwidth. Part of the
//! paragraph (`paragraph.rs`).

use super::i18n::Lang;
use super::paragraph::{duration, with};
use super::{fees_text, gwei, nonce_list, sat_vb};
use crate::diagnose::pending::{Assessment, FeeSuggestion};
use crate::diagnose::utxo::{self, Assessment as UtxoAssessment};
use crate::model::{Reason, Status, TxFacts, TxReport};

/// A Bitcoin-style transaction waiting for a block: its rate against the
/// market's, then the ways out — replace-by-fee, child-pays-for-parent, or
/// waiting for nodes to drop it.
pub(super) fn utxo_pending(
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
        &[("days", &utxo::MEMPOOL_EXPIRY_DAYS.to_string())],
    ));
}

/// Why it waits, with the numbers, and what to do: send the missing nonces,
/// or replace it with higher fees, or cancel it.
pub(super) fn pending(
    a: &Assessment,
    facts: &TxFacts,
    base: &[(&str, &str)],
    lang: Lang,
    out: &mut Vec<String>,
) {
    let nonce = a.nonce.to_string();
    let symbol = facts.value.symbol.as_str();
    match a.reason {
        Reason::NonceGap => {
            let missing = nonce_list(a.missing, lang);
            let id = if a.missing.len() == 1 {
                "pending_nonce_gap_one"
            } else {
                "pending_nonce_gap_many"
            };
            out.push(lang.t(id, &with(base, &[("nonce", &nonce), ("missing", &missing)])));
            let fees = a
                .fresh
                .as_ref()
                .map(|f| fees_text(f, lang))
                .unwrap_or_default();
            let first = a.missing.start.to_string();
            let id = if a.missing.len() == 1 {
                "next_nonce_gap_one"
            } else {
                "next_nonce_gap_many"
            };
            out.push(lang.t(
                id,
                &[
                    ("first", &first),
                    ("missing", &missing),
                    ("fees", &fees),
                    ("symbol", symbol),
                ],
            ));
        }
        Reason::FeeBelowBaseFee => {
            let offered = a
                .facts
                .max_fee_per_gas
                .or(a.facts.gas_price)
                .unwrap_or_default();
            let base_fee = a.facts.next_base_fee.unwrap_or_default();
            let id = if a.facts.max_fee_per_gas.is_some() {
                "pending_fee_below_base_fee"
            } else {
                "pending_fee_below_base_fee_legacy"
            };
            out.push(lang.t(
                id,
                &with(
                    base,
                    &[
                        ("max_fee", &gwei(offered)),
                        ("base_fee", &gwei(base_fee)),
                        ("short", &gwei(base_fee.saturating_sub(offered))),
                    ],
                ),
            ));
            speed_up(a, symbol, lang, out);
        }
        Reason::LowPriorityFee => {
            let tip = a.effective_tip.unwrap_or_default();
            let recent = a.facts.recent_tips.map(|t| t.p50).unwrap_or_default();
            out.push(lang.t(
                "pending_low_priority_fee",
                &with(base, &[("tip", &gwei(tip)), ("recent_tip", &gwei(recent))]),
            ));
            speed_up(a, symbol, lang, out);
        }
        _ if !a.ahead_in_pool.is_empty() => {
            let ahead = nonce_list(a.ahead_in_pool, lang);
            let count = a.ahead_in_pool.len().to_string();
            out.push(lang.t(
                "pending_behind",
                &with(
                    base,
                    &[("nonce", &nonce), ("ahead", &ahead), ("count", &count)],
                ),
            ));
            out.push(lang.t("next_pending_behind", &[]));
        }
        _ => {
            out.push(lang.t("pending_waiting_ok", base));
            out.push(lang.t("next_pending", base));
        }
    }
}

/// "6.77 TRX": what a USDT transfer burns now without energy (TRON).
pub(super) fn usdt_burn(report: &TxReport) -> String {
    report
        .congestion
        .as_ref()
        .and_then(|c| c.energy.as_ref())
        .map(|e| e.usdt_transfer_burn.display())
        .unwrap_or_default()
}

/// TRON: why the fee was what it was — energy from stake, or TRX burned for
/// it at the energy price — and how to avoid the burn next time.
pub(super) fn resource_sentences(
    report: &TxReport,
    facts: &TxFacts,
    lang: Lang,
    out: &mut Vec<String>,
) {
    let Some(r) = facts.fee.as_ref().and_then(|f| f.resources.as_ref()) else {
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

/// The replacement rule with concrete prices, and how a cancel works.
fn speed_up(a: &Assessment, symbol: &str, lang: Lang, out: &mut Vec<String>) {
    let Some(fees) = &a.speed_up else {
        return;
    };
    let id = match fees {
        FeeSuggestion::Eip1559 { .. } => "next_speed_up",
        FeeSuggestion::Legacy { .. } => "next_speed_up_legacy",
    };
    out.push(lang.t(
        id,
        &[
            ("nonce", &a.nonce.to_string()),
            ("fees", &fees_text(fees, lang)),
            ("symbol", symbol),
        ],
    ));
}
