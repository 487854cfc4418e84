//! The batch engine: many queries looked up at once on one client whose
//! calls to an endpoint share requests (`Options::BATCH`), each line's
//! lookup and rendering a task of its own, the records handed back in
//! input order. `batch` feeds it the lines of a file, `serve` the body of
//! `POST /api/batch`; `case check` shares its client and lookups.

use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use serde_json::json;

use crate::app::{self, Ask, Report};
use crate::chain::{self, transport};
use crate::cli::{BatchFormat, FailOn};
use crate::diagnose::address::{AddressReport, Outcome};
use crate::exit;
use crate::memory::{self, Memory, Update};
use crate::model::{Status, TxReport};
use crate::query;
use crate::render::address::address_json;
use crate::render::batch::{self as rows};
use crate::render::json::tx_record;
use crate::settings::Settings;

/// A line longer than this is not a query (and is not kept in memory).
pub const MAX_LINE_BYTES: usize = 4096;
/// Lines started or finished and waiting for their turn to be written, per
/// lookup running: a finished line keeps only its rendered record.
const WAITING_PER_LOOKUP: usize = 2;

/// One input line that holds a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the input.
    pub number: usize,
    pub text: String,
    /// The line was longer than `MAX_LINE_BYTES` (and `text` is its start).
    pub too_long: bool,
}

/// The answer to one line.
#[derive(Debug)]
pub enum Record {
    Tx(Box<TxReport>),
    Address(Box<AddressReport>),
    Invalid { query: String, error: String },
}

impl Record {
    /// The status `--fail-on` and the summary count it under.
    pub fn label(&self) -> &'static str {
        match self {
            Record::Tx(r) => r.status.as_str(),
            Record::Address(a) if a.outcome == Outcome::Unavailable => "unknown",
            Record::Address(_) => "address",
            Record::Invalid { .. } => "invalid",
        }
    }

    /// The exit code this record asks for when its status is in `--fail-on`.
    pub fn fail_code(&self, fail_on: &[FailOn]) -> u8 {
        let listed = |f: FailOn| fail_on.contains(&f);
        match self {
            Record::Invalid { .. } if listed(FailOn::Invalid) => exit::USAGE,
            Record::Address(a) if a.outcome == Outcome::Unavailable && listed(FailOn::Unknown) => {
                exit::UNKNOWN
            }
            Record::Tx(r) => status_fail_code(r.status, fail_on),
            _ => exit::OK,
        }
    }
}

/// The exit code a transaction's `status` asks for when it is in
/// `--fail-on` (`batch` and `case check` read it alike).
pub fn status_fail_code(status: Status, fail_on: &[FailOn]) -> u8 {
    let wanted = match status {
        Status::Pending => FailOn::Pending,
        Status::Failed => FailOn::Failed,
        Status::Replaced => FailOn::Replaced,
        Status::Dropped => FailOn::Dropped,
        Status::NotFound => FailOn::NotFound,
        Status::Unknown => FailOn::Unknown,
        Status::Confirmed | Status::Finalized => return exit::OK,
    };
    if fail_on.contains(&wanted) {
        exit::for_status(status)
    } else {
        exit::OK
    }
}

/// Every line's lookup as a task of its own — on the runtime's one thread
/// for `batch` and `case check`, on every core for `serve`'s many agents —
/// and the records in input order. `concurrency` lookups run at once (the
/// semaphore, fair: lines start in order); a finished line's record waits
/// for its turn without holding a place, so one slow line (a rate limit
/// waited out) does not stop the others — up to `WAITING_PER_LOOKUP` times
/// as many lines may be started or waiting.
///
/// The lines are started by a task of their own, `BURST` at a time, the
/// next burst once the last of the one before has run: on one thread a task
/// spawned runs after every task already queued, and the shared request a
/// burst's lookups fill — and an answer come in — should not wait behind the
/// rest of a large window (with 2,000 lines started at once, the first
/// request left after all of them).
pub fn records(
    work: Arc<Work>,
    lines: impl Stream<Item = Result<Line, String>> + Send + 'static,
    concurrency: usize,
) -> impl Stream<Item = Result<Done, String>> + Send {
    let concurrency = concurrency.max(1);
    let running = Arc::new(tokio::sync::Semaphore::new(concurrency));
    // The lines started or waiting for their turn, in input order.
    let (started, waiting) = tokio::sync::mpsc::channel(concurrency * WAITING_PER_LOOKUP);
    let starter = AbortOnDrop(tokio::spawn(async move {
        let mut lines = std::pin::pin!(lines);
        let mut burst = 0;
        while let Some(line) = lines.next().await {
            burst += 1;
            // The last line of a burst says when it has run: every task queued
            // before it (a request its burst filled, an answer come in) has.
            let (ran, last) = (burst == BURST).then(tokio::sync::oneshot::channel).unzip();
            let task = line_task(work.clone(), running.clone(), line, ran);
            // Gone: the records are no longer read.
            if started.send(AbortOnDrop(tokio::spawn(task))).await.is_err() {
                return;
            }
            if let Some(last) = last {
                burst = 0;
                let _ = last.await;
                // And once the runtime has looked at its sockets: a request
                // the burst filled (its connection just made) goes out before
                // the next hundred lines start, not a burst or two later.
                tokio::task::yield_now().await;
            }
        }
    }));
    futures_util::stream::unfold((waiting, starter), |(mut waiting, starter)| async move {
        let task = waiting.recv().await?;
        let done = task
            .await
            .map_err(|e| format!("a lookup stopped unexpectedly: {e}"))
            .and_then(|done| done);
        Some((done, (waiting, starter)))
    })
}

/// Lines started at a time (see `records`).
const BURST: usize = 100;
/// Room for one JSON record: a confirmed EVM transfer's is ~2.1 KB.
const RECORD_BYTES: usize = 3 * 1024;

/// One line: its lookup once it has a place, then its record.
async fn line_task(
    work: Arc<Work>,
    running: Arc<tokio::sync::Semaphore>,
    line: Result<Line, String>,
    ran: Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<Done, String> {
    if let Some(ran) = ran {
        let _ = ran.send(());
    }
    let line = line?;
    let number = line.number;
    // The line's --timeout starts with its lookup, not here.
    let place = running.acquire_owned().await;
    // Boxed: a line waiting for its place holds only itself, not the room
    // of a lookup's state machine.
    let record = Box::pin(answer(&work, line)).await;
    drop(place);
    done(&work, number, &record).map_err(|e| format!("rendering line {number}: {e}"))
}

/// A line's task, stopped when its record is no longer awaited (the
/// reader of the records went away: a closed pipe, an HTTP client gone).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

/// What every line's task needs, shared: each line is looked up as
/// `check` would (addresses over `scope`, 24 hours in `batch`).
pub struct Work {
    pub client: transport::RpcClient,
    pub settings: Settings,
    pub memory: Memory,
    pub scope: chain::AddressScope,
    /// Only this chain (`--chain`).
    pub chain: Option<String>,
    /// Bounds each line's lookup.
    pub timeout: Option<Duration>,
    pub poisoning_check: bool,
    pub format: BatchFormat,
    pub fail_on: Vec<FailOn>,
}

/// What is kept of a line's record until its turn to be written: the
/// text and what the summary, the exit code and the store need (the
/// report itself is gone, so lines waiting for their turn stay small).
pub struct Done {
    pub text: String,
    pub label: &'static str,
    /// The chain a transaction was looked up on.
    pub chain: Option<String>,
    pub fail_code: u8,
    pub update: Option<Update>,
}

fn done(work: &Work, line: usize, record: &Record) -> std::io::Result<Done> {
    let tx = match record {
        Record::Tx(r) => Some(r),
        _ => None,
    };
    Ok(Done {
        text: render(work.format, &work.settings, line, record)?,
        label: record.label(),
        chain: tx.and_then(|r| r.chain.clone()),
        fail_code: record.fail_code(&work.fail_on),
        update: tx.and_then(|r| worth_remembering(r, &work.memory)),
    })
}

async fn answer(work: &Work, line: Line) -> Record {
    if line.too_long {
        return Record::Invalid {
            query: shown_query(line.text),
            error: format!(
                "line {} is longer than {MAX_LINE_BYTES} bytes: not a hash, address or link",
                line.number
            ),
        };
    }
    let settings = &work.settings;
    let q = match query::parse(&line.text, &settings.config, work.chain.as_deref()) {
        Ok(q) => q,
        Err(e) => {
            return Record::Invalid {
                query: shown_query(line.text),
                error: e.to_string(),
            };
        }
    };
    // `--timeout` bounds each line whole, addresses and the poisoning check too.
    let ask = Ask {
        expect: None,
        scope: &work.scope,
        memory: &work.memory,
        timeout: work.timeout,
        poisoning_check: work.poisoning_check,
    };
    match app::answer(&work.client, settings, &q, ask).await {
        Report::Tx(r) => Record::Tx(r),
        Report::Address(a) => Record::Address(a),
    }
}

/// What the store should learn from a report: pending transactions, and
/// the inclusion of one it remembers (forgetting others would be a no-op
/// that grows with the input).
pub fn worth_remembering(r: &TxReport, memory: &Memory) -> Option<Update> {
    match memory::update_for(r, memory::unix_now())? {
        Update::Forget { chain, hash } if memory.get(&chain, &hash).is_none() => None,
        u => Some(u),
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
            // Serialized straight from the report (no value is built), into
            // room for a usual record: grown from serde_json's 128 bytes it
            // was copied five times over and kept twice the room it needed.
            let mut text = Vec::with_capacity(RECORD_BYTES);
            match record {
                Record::Tx(r) => {
                    serde_json::to_writer(&mut text, &tx_record(r, settings.lang, &names))
                }
                Record::Address(a) => {
                    serde_json::to_writer(&mut text, &address_json(a, settings.lang, &names))
                }
                Record::Invalid { query, error } => serde_json::to_writer(
                    &mut text,
                    &json!({"query": query, "status": null, "error": error}),
                ),
            }
            .map_err(std::io::Error::other)?;
            text.push(b'\n');
            String::from_utf8(text).map_err(std::io::Error::other)?
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
pub fn csv_line(fields: &[&str]) -> std::io::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.iter().map(|f| crate::safe::csv_cell(f)))?;
    let bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The query as a record shows it: a recovery phrase or private key is
/// replaced, so the secret never reaches the output file; control,
/// invisible and bidi characters are escaped (`\u{1b}`), so a CSV or table
/// shown in a terminal cannot be rewritten by them; a long line is cut.
fn shown_query(text: String) -> String {
    const MAX_CHARS: usize = 200;
    if let Some(secret) = crate::secrets::detect(&text) {
        return format!("(not shown: looks like {secret})");
    }
    let count = text.chars().count();
    if count <= MAX_CHARS && !text.contains(query::is_invisible) {
        return text;
    }
    let mut shown = String::new();
    for c in text.chars().take(MAX_CHARS) {
        if query::is_invisible(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    if count > MAX_CHARS {
        shown.push_str(&format!("… ({count} characters)"));
    }
    shown
}

/// The lines of `reader` that hold a query, numbered from 1, skipping blank
/// lines and `#` comments. Invalid UTF-8 is replaced (the line then fails as
/// a query); a line longer than `MAX_LINE_BYTES` comes marked, without its
/// rest. A read error ends the lines, with the number of the line it hit.
pub fn query_lines(
    mut reader: impl BufRead,
) -> impl Iterator<Item = Result<Line, (usize, std::io::Error)>> {
    let mut number = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            number += 1;
            match read_capped_line(&mut reader, MAX_LINE_BYTES) {
                Ok(None) => done = true,
                Ok(Some((bytes, too_long))) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    if too_long || !is_skipped(&text) {
                        return Some(Ok(Line {
                            number,
                            text,
                            too_long,
                        }));
                    }
                }
                Err(e) => {
                    done = true;
                    return Some(Err((number, e)));
                }
            }
        }
        None
    })
}

/// Blank lines and `#` comments hold no query.
pub fn is_skipped(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The next line without its end (`\n` or `\r\n`), keeping at most `cap`
/// bytes of it; `None` at the end of the input.
pub fn read_capped_line(
    reader: &mut impl BufRead,
    cap: usize,
) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        let room = cap.saturating_sub(line.len());
        if chunk.len() > room {
            too_long = true;
        }
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = done.unwrap_or(buf.len());
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some((line, too_long)))
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

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

    fn lines(input: &[u8], cap: usize) -> Vec<(String, bool)> {
        let mut r = BufReader::with_capacity(8, input);
        let mut out = Vec::new();
        while let Some((b, long)) = read_capped_line(&mut r, cap).unwrap() {
            out.push((String::from_utf8_lossy(&b).into_owned(), long));
        }
        out
    }

    #[test]
    fn lines_end_at_lf_or_crlf_and_long_ones_are_cut_and_marked() {
        assert_eq!(
            lines(b"0xab\r\n\n# c\nlast", 100),
            [
                ("0xab".to_string(), false),
                (String::new(), false),
                ("# c".to_string(), false),
                ("last".to_string(), false)
            ]
        );
        let long = format!("{}\nnext\n", "x".repeat(50));
        assert_eq!(
            lines(long.as_bytes(), 10),
            [("x".repeat(10), true), ("next".to_string(), false)]
        );
        assert!(lines(b"", 10).is_empty());
    }

    #[test]
    fn invalid_utf8_stays_a_line_that_fails_as_a_query() {
        let got = lines(b"\xff\xfe0x12\n", 100);
        assert_eq!(got.len(), 1);
        assert!(got[0].0.contains('\u{fffd}'));
    }

    #[test]
    fn query_lines_are_numbered_in_the_input_and_skip_the_rest() {
        let input = format!("# head\n\n0xab\n  # note\n{}\nlast", "y".repeat(5000));
        let got: Vec<_> = query_lines(input.as_bytes())
            .map(|l| l.unwrap())
            .map(|l| (l.number, l.too_long, l.text.len()))
            .collect();
        assert_eq!(
            got,
            [(3, false, 4), (5, true, MAX_LINE_BYTES), (6, false, 4)]
        );
    }

    #[test]
    fn blank_and_comment_lines_are_skipped() {
        assert!(is_skipped("   "));
        assert!(is_skipped("  # withdrawals of 2026-11-22"));
        assert!(!is_skipped("0xabc # trailing"));
    }

    #[test]
    fn fail_on_takes_the_worst_listed_status() {
        let invalid = Record::Invalid {
            query: "x".into(),
            error: "e".into(),
        };
        assert_eq!(invalid.fail_code(&[]), exit::OK);
        assert_eq!(invalid.fail_code(&[FailOn::Invalid]), exit::USAGE);
        assert_eq!(invalid.fail_code(&[FailOn::Pending]), exit::OK);
    }
}
