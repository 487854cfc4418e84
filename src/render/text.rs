//! Human output: a compact table of the facts, then the paragraph an agent
//! pastes into the reply. Width and colour are arguments.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::i18n::Lang;
use super::paragraph::{paragraph, with_reminder};
use super::{fees_text, gwei, nonce_list, sat_vb, utc_time};
use crate::diagnose::pending::Assessment;
use crate::diagnose::utxo::Assessment as UtxoAssessment;
use crate::model::{Fate, FeeRates, Status, TxFacts, TxReport, UtxoFacts, Vanished, format_units};

pub struct TextOptions {
    pub lang: Lang,
    /// Terminal width; `None` lets the table take what it needs.
    pub width: Option<u16>,
    pub color: bool,
}

/// An empty two-column table in the house style, fitted to `opts`.
pub fn table(opts: &TextOptions) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    match opts.width {
        Some(w) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(w);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    if !opts.color {
        table.force_no_tty();
    }
    table
}

pub fn tx_text(
    report: &TxReport,
    opts: &TextOptions,
    chain_names: &dyn Fn(&str) -> String,
) -> String {
    let lang = opts.lang;
    let mut table = table(opts);
    let status_color = match report.status {
        Status::Finalized | Status::Confirmed => Color::Green,
        Status::Pending => Color::Yellow,
        Status::Failed | Status::Replaced | Status::Dropped => Color::Red,
        Status::NotFound | Status::Unknown => Color::Magenta,
    };
    for (label, value) in rows(report, lang, chain_names) {
        let value = crate::safe::escape_lines(&value);
        let value = match (label, opts.color) {
            ("label_status", true) => Cell::new(value).fg(status_color),
            _ => Cell::new(value),
        };
        table.add_row(vec![Cell::new(lang.t(label, &[])), value]);
    }
    let reply = with_reminder(paragraph(report, lang, chain_names), lang);
    format!("{table}\n\n{reply}\n")
}

/// The table's rows: a label id and the value, in display order.
fn rows(
    report: &TxReport,
    lang: Lang,
    chain_names: &dyn Fn(&str) -> String,
) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut row = |label: &'static str, value: String| out.push((label, value));

    match &report.chain_name {
        Some(name) => row(
            "label_chain",
            format!("{name} ({})", report.chain.as_deref().unwrap_or_default()),
        ),
        None => row(
            "label_searched",
            report
                .searched
                .iter()
                .map(|c| chain_names(c))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
    row("label_hash", report.hash.clone());
    row(
        "label_status",
        format!("{} ({})", report.status.as_str(), report.reason.as_str()),
    );
    if let (Some(c), Some(r), true) = (
        report.confirmations,
        report.required_confirmations,
        report.facts.is_some(),
    ) {
        row(
            "label_confirmations",
            lang.t(
                "value_confirmations",
                &[
                    ("confirmations", &c.to_string()),
                    ("required", &r.to_string()),
                ],
            ),
        );
    }
    if let Some(f) = &report.facts {
        match &f.utxo {
            Some(u) => utxo_rows(u, lang, &mut row),
            None => {
                row("label_from", crate::safe::escape(&f.from));
                if let Some(to) = &f.to {
                    row("label_to", crate::safe::escape(to));
                }
            }
        }
        if !f.value.raw.is_zero() || f.token_transfers.is_empty() {
            row("label_value", f.value.display());
        }
        let token_line = |t: &crate::model::TokenTransfer| {
            lang.t(
                "value_token_line",
                &[
                    ("amount", &super::token_amount(t, lang)),
                    ("from", &t.from),
                    ("to", &t.to),
                ],
            )
        };
        if !f.token_transfers.is_empty() {
            row(
                "label_tokens",
                f.token_transfers
                    .iter()
                    .map(token_line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        if let Some(t) = &f.intended_transfer {
            row("label_attempted", token_line(t));
        }
        if let Some(fee) = &f.fee {
            let gwei = fee
                .gas_price
                .as_deref()
                .and_then(|p| p.parse().ok())
                .map(|p| format_units(p, 9))
                .unwrap_or_default();
            let mut extra = String::new();
            if let Some(l1) = &fee.l1_fee {
                extra.push_str(&lang.t("value_fee_l1", &[("l1", &l1.display())]));
            }
            if let Some(blob) = &fee.blob_fee {
                extra.push_str(&lang.t("value_fee_blob", &[("blob", &blob.display())]));
            }
            let gas_used = fee.gas_used.map(|g| g.to_string()).unwrap_or_default();
            let value = match (&f.solana, &f.utxo, &fee.resources) {
                (Some(sol), _, _) => lang.t(
                    "value_fee_solana",
                    &[
                        ("fee", &fee.total.display()),
                        ("base", &fee.total.like(sol.base_fee).display()),
                        ("priority", &fee.total.like(sol.priority_fee).display()),
                    ],
                ),
                (None, Some(u), _) => lang.t(
                    "value_fee_utxo",
                    &[
                        ("fee", &fee.total.display()),
                        ("sats", &fee.total.raw.to_string()),
                        ("rate", &sat_vb(u.fee_rate)),
                        ("vsize", &u.vsize.to_string()),
                    ],
                ),
                (None, None, Some(r)) => {
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
                        &[("fee", &fee.total.display()), ("parts", &parts.join("; "))],
                    )
                }
                (None, None, None) => lang.t(
                    "value_fee_breakdown",
                    &[
                        ("fee", &fee.total.display()),
                        ("gas_used", &gas_used),
                        ("price", &gwei),
                        ("extra", &extra),
                    ],
                ),
            };
            row("label_fee", value);
        }
        if let Some(failure) = &f.failure {
            row(
                "label_failure",
                failure
                    .message
                    .as_deref()
                    .map(crate::safe::text)
                    .unwrap_or_else(|| lang.t("value_failure_none", &[])),
            );
        }
    }
    if let Some(s) = report.facts.as_ref().and_then(|f| f.solana.as_ref()) {
        row("label_commitment", s.commitment.clone());
        if !s.balance_changes.is_empty() {
            row(
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
    if let Some(a) = &report.pending {
        pending_rows(a, lang, &mut row);
    }
    if let (Some(a), Some(f)) = (&report.utxo_pending, &report.facts) {
        utxo_pending_rows(a, f, lang, &mut row);
    }
    if let Some(v) = &report.vanished {
        vanished_rows(v, lang, &mut row);
    }
    if report.facts.as_ref().and_then(|f| f.solidified) == Some(true) {
        row("label_finality", lang.t("value_solidified", &[]));
    }
    if let Some(e) = report.congestion.as_ref().and_then(|c| c.energy.as_ref()) {
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
        row(
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
    } else if let Some((c, p)) = report
        .congestion
        .as_ref()
        .and_then(|c| c.compute_unit_price.map(|p| (c, p)))
    {
        row(
            "label_congestion",
            lang.t(
                "value_congestion_solana",
                &[
                    ("level", c.level.as_str()),
                    ("median", &p.median.to_string()),
                    ("p90", &p.p90.to_string()),
                    ("slots", &p.slots_sampled.to_string()),
                ],
            ),
        );
    } else if let Some((c, m)) = report
        .congestion
        .as_ref()
        .and_then(|c| c.mempool.as_ref().map(|m| (c, m)))
    {
        if let Some(vsize) = m.backlog_vsize {
            let mvb = vsize as f64 / 1e6;
            row(
                "label_congestion",
                lang.t(
                    "value_congestion_mempool",
                    &[
                        ("level", c.level.as_str()),
                        ("backlog", &format!("{mvb:.1}")),
                        ("blocks", &format!("{:.0}", mvb.ceil())),
                    ],
                ),
            );
        } else {
            row("label_congestion", c.level.as_str().to_string());
        }
        if let (Some(r), None) = (m.fee_rates, &report.utxo_pending) {
            row("label_network_rates", network_rates(&r, lang));
        }
    } else if let Some(c) = &report.congestion {
        let base_fee = c
            .base_fee_gwei
            .map(|g| lang.t("value_congestion_base_fee", &[("gwei", &g.to_string())]))
            .unwrap_or_default();
        let fullness = format!("{:.0}", c.block_fullness.unwrap_or_default() * 100.0);
        row(
            "label_congestion",
            lang.t(
                "value_congestion",
                &[
                    ("level", c.level.as_str()),
                    ("fullness", &fullness),
                    ("base_fee", &base_fee),
                ],
            ),
        );
    }
    if let Some(url) = &report.explorer_url {
        row("label_explorer", url.clone());
    }
    out
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
    if let Some(u) = &f.utxo
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

fn pending_rows(a: &Assessment, lang: Lang, row: &mut impl FnMut(&'static str, String)) {
    let p = &a.facts;
    row("label_nonce", a.nonce.to_string());
    match (p.max_fee_per_gas, p.max_priority_fee_per_gas, p.gas_price) {
        (Some(max), Some(tip), _) => row(
            "label_offered",
            lang.t(
                "value_offered_eip1559",
                &[("max_fee", &gwei(max)), ("tip", &gwei(tip))],
            ),
        ),
        (_, _, Some(price)) => row(
            "label_offered",
            lang.t("value_offered_legacy", &[("gas_price", &gwei(price))]),
        ),
        _ => {}
    }
    let base_fee = p.next_base_fee.map(gwei).unwrap_or_default();
    match (p.next_base_fee, p.recent_tips) {
        (_, Some(t)) => row(
            "label_network_fees",
            lang.t(
                "value_network_fees",
                &[
                    ("base_fee", &base_fee),
                    ("p10", &gwei(t.p10)),
                    ("p50", &gwei(t.p50)),
                    ("p90", &gwei(t.p90)),
                ],
            ),
        ),
        (Some(_), None) => row(
            "label_network_fees",
            lang.t("value_network_fees_base", &[("base_fee", &base_fee)]),
        ),
        (None, None) => {}
    }
    if let Some(n) = p.sender_nonce {
        let mut value = lang.t(
            "value_sender_nonce",
            &[
                ("latest", &n.latest.to_string()),
                ("pending", &n.pending.to_string()),
            ],
        );
        if !a.missing.is_empty() {
            value.push_str(&lang.t(
                "value_missing",
                &[("missing", &nonce_list(a.missing, lang))],
            ));
        }
        row("label_sender_nonce", value);
    }
    if let Some(fees) = &a.speed_up {
        row(
            "label_speed_up",
            lang.t(
                "value_speed_up",
                &[
                    ("fees", &fees_text(fees, lang)),
                    ("nonce", &a.nonce.to_string()),
                ],
            ),
        );
    }
}

fn vanished_rows(v: &Vanished, lang: Lang, row: &mut impl FnMut(&'static str, String)) {
    let nonce = v.seen.nonce.to_string();
    row("label_from", v.seen.from.clone());
    row(
        "label_seen_pending",
        lang.t(
            "value_seen_pending",
            &[
                ("first_seen", &utc_time(v.seen.first_seen)),
                ("nonce", &nonce),
            ],
        ),
    );
    if let Fate::Replaced {
        by, block, in_pool, ..
    } = &v.fate
    {
        let value = match (by, block) {
            (Some(by), Some(block)) => lang.t(
                "value_replaced_by",
                &[("by", by), ("block", &block.to_string())],
            ),
            _ if *in_pool => lang.t("value_replaced_in_pool", &[("nonce", &nonce)]),
            _ => lang.t("value_replaced_unknown", &[("nonce", &nonce)]),
        };
        row("label_replaced_by", value);
    }
}
