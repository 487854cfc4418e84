//! How `batch` writes its records: each rendered (in the line's own task)
//! as NDJSON, CSV or a table row, then written in input order.

use std::io::Write;

use crate::app::batch::csv_line;
use crate::cli::BatchFormat;
use crate::render::batch::{self as rows, CSV_HEADER};

/// Writes the records to stdout in their turn, after the format's header;
/// `flush` hands what is written to the reader (batch does whenever it
/// would wait for the next record).
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
        self.out.write_all(record.as_bytes())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
