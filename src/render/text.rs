//! Human output: a compact table of the facts, then the paragraph an agent
//! pastes into the reply. Width and colour are arguments.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use unicode_width::UnicodeWidthStr;

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

/// An empty two-column table in the house style: cells are never wrapped
/// (a hash or link split across lines cannot be copied).
pub fn table(opts: &TextOptions) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Disabled);
    if !opts.color {
        table.force_no_tty();
    }
    table
}

/// Label and value rows as a person reads them: the boxed table when it
/// fits the terminal (or the width is unknown), else the same rows as
/// aligned `Label  value` lines without borders, prose wrapped at spaces and
/// a hash, address or link never split. Labels are message ids, shown in
/// `opts.lang`; `highlight` colours the value of the row with that label.
pub fn label_rows(
    rows: &[(&'static str, String)],
    opts: &TextOptions,
    highlight: Option<(&str, Color)>,
) -> String {
    let shown: Vec<(String, String)> = rows
        .iter()
        .map(|(id, value)| (opts.lang.t(id, &[]), value.clone()))
        .collect();
    let mut table = table(opts);
    for ((id, _), (label, value)) in rows.iter().zip(&shown) {
        let value = crate::safe::escape_lines(value);
        let cell = match highlight {
            Some((at, colour)) if at == *id && opts.color => Cell::new(value).fg(colour),
            _ => Cell::new(value),
        };
        table.add_row(vec![Cell::new(label), cell]);
    }
    let boxed = table.to_string();
    let natural = boxed.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
    match opts.width {
        Some(w) if natural > usize::from(w) => plain_rows(&shown, usize::from(w)),
        _ => boxed,
    }
}

/// `Label  value` lines, labels padded to one column.
fn plain_rows(rows: &[(String, String)], width: usize) -> String {
    let column = rows
        .iter()
        .map(|(l, _)| UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(0)
        + 2;
    let room = width.saturating_sub(column).max(20);
    let mut out = String::new();
    for (label, value) in rows {
        let value = crate::safe::escape_lines(value);
        let mut lines = value.lines().flat_map(|l| wrap(l, room)).peekable();
        let pad = column - UnicodeWidthStr::width(label.as_str());
        out.push_str(label);
        if let Some(first) = lines.next() {
            out.push_str(&" ".repeat(pad));
            out.push_str(&first);
        }
        out.push('\n');
        for line in lines {
            out.push_str(&" ".repeat(column));
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.pop();
    out
}

/// A line cut at spaces to `room` columns; a word longer than that (a hash,
/// an address, a link) stays whole on a line of its own.
fn wrap(line: &str, room: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let fits =
            UnicodeWidthStr::width(current.as_str()) + 1 + UnicodeWidthStr::width(word) <= room;
        if current.is_empty() {
            current.push_str(word);
        } else if fits {
            current.push(' ');
            current.push_str(word);
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(word);
        }
    }
    out.push(current);
    out
}

pub fn tx_text(
    report: &TxReport,
    opts: &TextOptions,
    chain_names: &dyn Fn(&str) -> String,
) -> String {
    let lang = opts.lang;
    let status_color = match report.status {
        Status::Finalized | Status::Confirmed => Color::Green,
        Status::Pending => Color::Yellow,
        Status::Failed | Status::Replaced | Status::Dropped => Color::Red,
        Status::NotFound | Status::Unknown => Color::Magenta,
    };
    let table = label_rows(
        &rows(report, lang, chain_names),
        opts,
        Some(("label_status", status_color)),
    );
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
        crate::i18n::words::status(lang, report.status.as_str(), report.reason.as_str()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::{names, usdt_report};
    use unicode_width::UnicodeWidthStr;

    fn text(width: Option<u16>, lang: Lang) -> String {
        let opts = TextOptions {
            lang,
            width,
            color: false,
        };
        tx_text(&usdt_report(), &opts, &names)
    }

    /// Issue 20: narrower than the boxed table, the rows become aligned
    /// `Label  value` lines; nothing is split but prose, and no line is
    /// wider than the terminal unless it is one unbreakable word.
    #[test]
    fn a_narrow_terminal_gets_aligned_lines_without_borders() {
        for lang in Lang::all() {
            let boxed = text(None, lang);
            assert!(boxed.contains('┆'), "{boxed}");
            assert_eq!(text(Some(400), lang), boxed, "wide enough: the box");
            let narrow = text(Some(80), lang);
            let table = narrow.split("\n\n").next().unwrap();
            assert!(!table.contains(['┆', '│', '┌', '└']), "{table}");
            let status = lang.t("label_status", &[]);
            let hash_line = table.lines().find(|l| l.contains("0xabab")).unwrap();
            assert!(
                hash_line.contains(&"ab".repeat(32)),
                "a hash is never split: {hash_line}"
            );
            for line in table.lines() {
                let long_word = line.split(' ').any(|w| w.width() > 40);
                assert!(line.width() <= 80 || long_word, "{lang:?}: {line}");
            }
            // The values start in one column.
            let starts: Vec<usize> = table
                .lines()
                .filter(|l| !l.starts_with(' '))
                .map(|l| {
                    let label_end = l.find("  ").unwrap();
                    let rest = &l[label_end..];
                    l[..label_end].width() + rest.len() - rest.trim_start().len()
                })
                .collect();
            assert!(starts.windows(2).all(|w| w[0] == w[1]), "{lang:?}: {table}");
            assert!(table.lines().any(|l| l.starts_with(&status)));
        }
    }
}
