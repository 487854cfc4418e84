//! Human output: a compact table of the facts, then the paragraph an agent
//! pastes into the reply. Width and colour are arguments.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::i18n::Lang;
use super::paragraph::{paragraph, with_reminder};
use super::utc_time;
use crate::chain::explain::{Rows, block_congestion_row, from_to_rows, gas_fee_value};
use crate::model::{Fate, Status, TxReport, Vanished};

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
    let family = super::family(report);
    let mut rows = Rows::default();
    let mut row = |label: &'static str, value: String| rows.push(label, value);

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
                if report.status == Status::Finalized {
                    "value_confirmations_final"
                } else {
                    "value_confirmations"
                },
                &[
                    ("confirmations", &c.to_string()),
                    ("required", &r.to_string()),
                ],
            ),
        );
    }
    if let Some(f) = &report.facts {
        match family {
            Some(family) => family.parties_rows(f, lang, &mut rows),
            None => from_to_rows(f, &mut rows),
        }
        let mut row = |label: &'static str, value: String| rows.push(label, value);
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
            let value = match family {
                Some(family) => family.fee_value(f, fee, lang),
                None => gas_fee_value(fee, lang),
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
    if let Some(family) = family {
        family.detail_rows(report, lang, &mut rows);
    }
    let mut row = |label: &'static str, value: String| rows.push(label, value);
    if let Some(v) = &report.vanished {
        vanished_rows(v, lang, &mut row);
    }
    if let Some(c) = &report.congestion {
        match family {
            Some(family) => family.congestion_rows(report, c, lang, &mut rows),
            None => block_congestion_row(c, lang, &mut rows),
        }
    }
    if report.reason == crate::model::Reason::ChainMismatch {
        let chains: Vec<String> = report.unavailable.iter().map(|c| chain_names(c)).collect();
        rows.push(
            "label_setup",
            lang.t(
                "value_setup_chain_mismatch",
                &[("chains", &crate::i18n::words::join(&chains, lang))],
            ),
        );
    }
    if let Some(url) = &report.explorer_url {
        rows.push("label_explorer", url.clone());
    }
    rows.0
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
