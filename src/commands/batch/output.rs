//! How `batch` writes its records: each rendered (in the line's own task)
//! as NDJSON, CSV or a table row, then written in input order.

use std::io::Write;

use serde_json::json;

use super::Record;
use crate::cli::BatchFormat;
use crate::render::address::address_json;
use crate::render::batch::{self as rows, CSV_HEADER};
use crate::render::json::tx_json;
use crate::settings::Settings;

/// Writes the records to stdout, each as soon as its turn comes (flushed,
/// so a reader of the pipe sees it at once), after the format's header.
pub struct Writer<'a> {
    format: BatchFormat,
    out: &'a mut dyn Write,
    started: bool,
}

impl<'a> Writer<'a> {
    pub fn new(format: BatchFormat, out: &'a mut dyn Write) -> Self {
        Writer {
            format,
            out,
            started: false,
        }
    }

    /// Writes one rendered record (`render`).
    pub fn write(&mut self, record: &str) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            let header = match self.format {
                BatchFormat::Csv => csv_line(&CSV_HEADER)?,
                BatchFormat::Table => format!("{}\n", rows::table_header()),
                BatchFormat::Ndjson => String::new(),
            };
            self.out.write_all(header.as_bytes())?;
        }
        self.out.write_all(record.as_bytes())?;
        self.out.flush()
    }
}

/// The record of input line `line` in `format`, with its line end.
pub fn render(
    format: BatchFormat,
    settings: &Settings,
    line: usize,
    record: &Record,
) -> std::io::Result<String> {
    let names = |k: &str| settings.chain_name(k);
    Ok(match format {
        BatchFormat::Ndjson => {
            let value = match record {
                Record::Tx(r) => tx_json(r, settings.lang, &names),
                Record::Address(a) => address_json(a, settings.lang, &names),
                Record::Invalid { query, error } => {
                    json!({"query": query, "status": null, "error": error})
                }
            };
            format!("{value}\n")
        }
        BatchFormat::Csv => csv_line(&row_of(record).fields())?,
        BatchFormat::Table => {
            let address = matches!(record, Record::Address(_));
            format!("{}\n", rows::table_line(line, &row_of(record), address))
        }
    })
}

fn row_of(record: &Record) -> rows::Row {
    match record {
        Record::Tx(r) => rows::tx_row(r),
        Record::Address(a) => rows::address_row(a),
        Record::Invalid { query, error } => rows::invalid_row(query, error),
    }
}

/// One CSV record (RFC 4180 quoting, by the csv crate), with its line end.
fn csv_line(fields: &[&str]) -> std::io::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.iter().map(|f| crate::safe::csv_cell(f)))?;
    let bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_quote_what_needs_quoting() {
        assert_eq!(
            csv_line(&["a", "b,c", "say \"hi\""]).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
        // Issue 18: a token called "=HYPERLINK(…)" is text, not a formula.
        assert_eq!(
            csv_line(&["=HYPERLINK(\"http://x\")", "-1"]).unwrap(),
            "\"'=HYPERLINK(\"\"http://x\"\")\",'-1\n"
        );
    }
}
