//! Reports as stdout shows them: the contract's JSON, the paste-ready
//! reply, or the table with its paragraph (warnings on stderr).

use anyhow::Result;

use super::lookup::Report;
use crate::render::{
    Lang,
    address::{address_json, address_paragraph, address_text},
    json::tx_json,
    paragraph::{paragraph, with_reminder},
    text::{TextOptions, tx_text},
};
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Table and paragraph; warnings on stderr.
    Text,
    /// The contract's JSON: pretty for one report, one line each for several.
    Json,
    /// Only the paste-ready paragraph.
    Reply,
}

/// The reports as stdout shows them.
pub fn render(reports: &[Report], style: Style, lang: Lang, settings: &Settings) -> Result<String> {
    let names = |k: &str| settings.chain_name(k);
    let width = terminal_width(
        std::env::var("COLUMNS").ok().as_deref(),
        std::io::IsTerminal::is_terminal(&std::io::stdout())
            .then(|| comfy_table::Table::new().width())
            .flatten(),
    );
    let opts = TextOptions {
        lang,
        width,
        color: settings.stdout_color,
    };
    let mut text = String::new();
    for (i, report) in reports.iter().enumerate() {
        match style {
            Style::Json => {
                let value = report_json(report, lang, settings);
                let line = if reports.len() == 1 {
                    serde_json::to_string_pretty(&value)?
                } else {
                    serde_json::to_string(&value)?
                };
                text.push_str(&line);
                text.push('\n');
            }
            Style::Reply => {
                let body = match report {
                    Report::Tx(r) => paragraph(r, lang, &names),
                    Report::Address(a) => address_paragraph(a, lang, &names),
                };
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&with_reminder(body, lang));
                text.push('\n');
            }
            Style::Text => {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&match report {
                    Report::Tx(r) => tx_text(r, &opts, &names),
                    Report::Address(a) => address_text(a, &opts, &names),
                });
                for w in report.warnings() {
                    settings.log.warn(format_args!("{}", w.message));
                }
            }
        }
    }
    if style != Style::Json && reports.iter().any(Report::has_unknown) {
        settings.log.warn(format_args!(
            "no usable answer from some endpoints; `txdoctor chains --probe` shows which answer, and --config FILE can list endpoints that are reachable from here"
        ));
    }
    Ok(text)
}

/// The report's JSON object in `lang`, as `check --json` prints it.
pub fn report_json(report: &Report, lang: Lang, settings: &Settings) -> serde_json::Value {
    let names = |k: &str| settings.chain_name(k);
    match report {
        Report::Tx(r) => tx_json(r, lang, &names),
        Report::Address(a) => address_json(a, lang, &names),
    }
}

/// The width tables are fitted to: `COLUMNS` when it is a number, else the
/// terminal's; a terminal that reports 0 columns (a 0×0 pseudo-terminal) is
/// one of unknown width, and an unknown width never wraps.
pub fn terminal_width(columns: Option<&str>, terminal: Option<u16>) -> Option<u16> {
    columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c > 0)
        .or(terminal.filter(|w| *w > 0))
}

#[cfg(test)]
mod tests {
    use super::terminal_width;

    #[test]
    fn columns_then_the_terminal_and_zero_is_unknown() {
        assert_eq!(terminal_width(Some("80"), Some(200)), Some(80));
        assert_eq!(terminal_width(Some("0"), Some(120)), Some(120));
        assert_eq!(terminal_width(Some("wide"), None), None);
        assert_eq!(terminal_width(None, Some(0)), None);
        assert_eq!(terminal_width(None, None), None);
    }
}
