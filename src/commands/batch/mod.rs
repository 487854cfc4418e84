//! `txdoctor batch`: one query per input line, one record per query line,
//! in input order, streamed. A reader thread feeds lines through a bounded
//! channel; up to `--concurrency` lookups run at once, each a task of its
//! own, and up to twice as many lines are started or finished and
//! waiting for their turn (`buffered` keeps their order), so memory holds a
//! bounded number of lines however long the input.
//! The client gathers concurrent lookups' JSON-RPC calls to one endpoint into
//! shared HTTP requests and paces every endpoint (`rps`), waiting out
//! rate limits instead of failing the line.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::{StreamExt, stream};
use tokio::sync::mpsc;

use self::output::{Writer, render};
use self::progress::{Tally, progress_bar};

mod output;
mod progress;

use crate::app::{self, Ask, DEFAULT_ADDRESS_WINDOW, Report, store};
use crate::chain::{self, transport};
use crate::cli::{BatchArgs, BatchFormat, FailOn};
use crate::diagnose::address::{AddressReport, Outcome};
use crate::exit::{self, UsageError};
use crate::memory::{self, Memory, Update};
use crate::model::{Status, TxReport};
use crate::query;
use crate::settings::Settings;

/// A line longer than this is not a query (and is not kept in memory).
pub const MAX_LINE_BYTES: usize = 4096;
/// Lines started or finished and waiting for their turn to be written, per
/// lookup running: a finished line keeps only its rendered record.
const WAITING_PER_LOOKUP: usize = 2;
/// Lines read ahead of the lookups.
const READ_AHEAD: usize = 1024;

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
            Record::Tx(r) => {
                let wanted = match r.status {
                    Status::Pending => FailOn::Pending,
                    Status::Failed => FailOn::Failed,
                    Status::Replaced => FailOn::Replaced,
                    Status::Dropped => FailOn::Dropped,
                    Status::NotFound => FailOn::NotFound,
                    Status::Unknown => FailOn::Unknown,
                    Status::Confirmed | Status::Finalized => return exit::OK,
                };
                if listed(wanted) {
                    exit::for_status(r.status)
                } else {
                    exit::OK
                }
            }
            _ => exit::OK,
        }
    }
}

pub async fn run(args: &BatchArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    if let Some(key) = &args.chain
        && settings.config.chain(key).is_none()
    {
        return Err(query::QueryError::UnknownChain(key.clone()).into());
    }
    let file = args.file.as_deref().filter(|p| *p != Path::new("-"));
    let input: Box<dyn Read + Send> = match file {
        Some(path) => Box::new(std::fs::File::open(path).map_err(|e| {
            UsageError::new(format!("cannot read {}: {e}", path.display()))
                .hint("give a file with one hash, address or link per line, or - for stdin")
        })?),
        None => Box::new(std::io::stdin()),
    };
    let total = file.and_then(count_queries);

    let client = transport::RpcClient::with_options(
        settings.request_timeout,
        settings.log,
        transport::Options::BATCH,
    )?;
    let mut memory = store::open_memory(settings);
    let scope = chain::AddressScope {
        since_secs: DEFAULT_ADDRESS_WINDOW.as_secs(),
        now: memory::unix_now(),
        sender: None,
    };
    let (tx, rx) = mpsc::channel(READ_AHEAD);
    let source = file.map(Path::to_path_buf);
    std::thread::spawn(move || read_lines(input, source, &tx));
    let (first, rx) = first_window(rx, args.concurrency as usize).await;
    let lines = stream::iter(first).chain(stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|l| (l, rx))
    }));

    let started = Instant::now();
    let progress = (settings.stderr_fancy && !settings.log.is_quiet())
        .then(|| progress_bar(total, settings.lang));
    let mut writer = Writer::new(args.format, out);
    let mut tally = Tally::default();
    // Lookups per chain, for requests per lookup and the pace on the bar.
    let mut lookups: std::collections::BTreeMap<String, u64> = Default::default();
    let mut updates = Vec::new();
    let mut fail_code = exit::OK;
    let mut broken_pipe = false;
    {
        // Each line's lookup and its rendering run as a task of their own,
        // on every core: with thousands of answers arriving together, the
        // decoding and diagnosing is real work, and one thread would queue
        // it. `buffered` still hands the records over in input order.
        // `--concurrency` lookups run at once (the semaphore, fair: lines
        // start in order); a finished line's record waits for its turn
        // without holding a place, so one slow line (a rate limit waited
        // out) does not stop the others — up to `WAITING_PER_LOOKUP` times
        // as many lines may be started or waiting.
        let running = std::sync::Arc::new(tokio::sync::Semaphore::new(args.concurrency as usize));
        let work = std::sync::Arc::new(Work {
            client: client.clone(),
            settings: settings.clone(),
            memory: memory.clone(),
            scope,
            chain: args.chain.clone(),
            timeout: args.timeout,
            poisoning_check: args.poisoning_check,
            format: args.format,
            fail_on: args.fail_on.clone(),
        });
        let records = lines
            .map(|line: Result<Line, String>| {
                let work = work.clone();
                let running = running.clone();
                let task = tokio::spawn(async move {
                    let line = line?;
                    let number = line.number;
                    // The line's --timeout starts with its lookup, not here.
                    let place = running.acquire_owned().await;
                    // Boxed: a line waiting for its place holds only itself,
                    // not the room of a lookup's state machine.
                    let record = Box::pin(answer(&work, line)).await;
                    drop(place);
                    done(&work, number, &record)
                        .map_err(|e| format!("rendering line {number}: {e}"))
                });
                async move {
                    task.await
                        .map_err(|e| format!("a lookup stopped unexpectedly: {e}"))?
                }
            })
            .buffered(args.concurrency as usize * WAITING_PER_LOOKUP);
        let mut records = std::pin::pin!(records);
        // Unconstrained: tokio's cooperative budget would make this task
        // yield half-way through starting a window of lookups, and on a busy
        // machine their calls would then leave in several requests.
        while let Some(record) = tokio::task::unconstrained(records.next()).await {
            let done = record.map_err(anyhow::Error::msg)?;
            if let Err(e) = writer.write(&done.text) {
                if super::is_closed(&e) {
                    broken_pipe = true;
                    break;
                }
                return Err(e).context("writing a record to stdout");
            }
            tally.add(done.label);
            if let Some(c) = done.chain {
                *lookups.entry(c).or_insert(0) += 1;
            }
            fail_code = fail_code.max(done.fail_code);
            updates.extend(done.update);
            if let Some(p) = &progress {
                p.inc(1);
                p.set_message(format!(
                    "{} · {}",
                    tally.line_in(settings.lang),
                    pace_line(
                        &settings.config,
                        &client.requests_by_endpoint(),
                        started.elapsed()
                    )
                ));
            }
        }
    }
    store::save(&mut memory, &updates, settings);
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    if broken_pipe {
        return Ok(exit::OK);
    }
    let stats = client.stats();
    settings.log.info(format_args!(
        "{} record{} in {:.1} s: {} · {} HTTP request{}{}",
        tally.total,
        if tally.total == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        tally.line(),
        stats.requests,
        if stats.requests == 1 { "" } else { "s" },
        if stats.rate_limited > 0 {
            format!(
                ", {} rate-limited and retried or moved on",
                stats.rate_limited
            )
        } else {
            String::new()
        }
    ));
    let per_lookup = per_lookup_line(&settings.config, &client.requests_by_endpoint(), &lookups);
    if !per_lookup.is_empty() {
        settings
            .log
            .info(format_args!("requests per lookup: {per_lookup}"));
    }
    if tally.count("unknown") > 0 {
        settings.log.warn(format_args!(
            "no usable answer from some endpoints; `txdoctor chains --probe` shows which answer, and --config FILE can list endpoints that are reachable from here"
        ));
    }
    Ok(fail_code)
}

/// Requests sent to each chain's endpoints (`rpc` and `history`).
fn chain_requests(
    config: &crate::config::Config,
    by_endpoint: &std::collections::HashMap<String, u64>,
) -> Vec<(String, u64, Option<f64>)> {
    config
        .chains
        .iter()
        .filter_map(|c| {
            let urls = c.rpc.iter().chain(&c.history);
            let requests: u64 = urls.clone().filter_map(|u| by_endpoint.get(u)).sum();
            let pace: Option<f64> = urls.map(|u| c.limits_of(u).rps).sum();
            (requests > 0).then(|| (c.key.clone(), requests, pace))
        })
        .collect()
}

/// "tron 4.8/5 req/s": each chain's requests a second so far against the
/// pace its endpoints allow — where a rate limit is the bottleneck.
pub fn pace_line(
    config: &crate::config::Config,
    by_endpoint: &std::collections::HashMap<String, u64>,
    elapsed: Duration,
) -> String {
    let secs = elapsed.as_secs_f64().max(0.001);
    chain_requests(config, by_endpoint)
        .iter()
        .map(|(key, n, pace)| {
            let rate = *n as f64 / secs;
            match pace {
                Some(p) => format!("{key} {rate:.1}/{p:.0} req/s"),
                None => format!("{key} {rate:.1} req/s"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "tron 2.1, btc 1.1": HTTP requests per transaction lookup, per chain.
pub fn per_lookup_line(
    config: &crate::config::Config,
    by_endpoint: &std::collections::HashMap<String, u64>,
    lookups: &std::collections::BTreeMap<String, u64>,
) -> String {
    chain_requests(config, by_endpoint)
        .iter()
        .filter_map(|(key, n, _)| {
            let l = *lookups.get(key)?;
            (l > 0).then(|| format!("{key} {}", per_lookup(*n, l)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Requests per lookup, to one decimal, or two significant digits below
/// 0.1 (a batched chain asks 0.011: "0.0" would read as nothing asked).
fn per_lookup(requests: u64, lookups: u64) -> String {
    let r = requests as f64 / lookups as f64;
    if r == 0.0 || r >= 0.1 {
        format!("{r:.1}")
    } else {
        let digits = (-r.log10().floor()) as usize + 1;
        format!("{r:.digits$}")
    }
}

/// How long the first lines are gathered before the lookups start.
const FIRST_WINDOW_WAIT: Duration = Duration::from_millis(50);

/// The first `n` lines, or as many as the reader has within
/// `FIRST_WINDOW_WAIT` of the first: lookups that start together share
/// their requests, even when the reader thread is slow to be scheduled on
/// a busy machine (a slow producer on stdin still gets its records).
async fn first_window(
    mut rx: mpsc::Receiver<Result<Line, String>>,
    n: usize,
) -> (
    Vec<Result<Line, String>>,
    mpsc::Receiver<Result<Line, String>>,
) {
    let mut first = Vec::new();
    let Some(line) = rx.recv().await else {
        return (first, rx);
    };
    first.push(line);
    let until = tokio::time::Instant::now() + FIRST_WINDOW_WAIT;
    while first.len() < n {
        match tokio::time::timeout_at(until, rx.recv()).await {
            Ok(Some(line)) => first.push(line),
            Ok(None) | Err(_) => break,
        }
    }
    (first, rx)
}

/// Looks one line up as `check` would (addresses over the last 24 hours).
/// What every line's task needs, shared.
struct Work {
    client: transport::RpcClient,
    settings: Settings,
    memory: Memory,
    scope: chain::AddressScope,
    chain: Option<String>,
    timeout: Option<Duration>,
    poisoning_check: bool,
    format: BatchFormat,
    fail_on: Vec<FailOn>,
}

/// What is kept of a line's record until its turn to be written: the
/// text and what the summary, the exit code and the store need (the
/// report itself is gone, so lines waiting for their turn stay small).
struct Done {
    text: String,
    label: &'static str,
    /// The chain a transaction was looked up on.
    chain: Option<String>,
    fail_code: u8,
    update: Option<Update>,
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
fn worth_remembering(r: &TxReport, memory: &Memory) -> Option<Update> {
    match memory::update_for(r, memory::unix_now())? {
        Update::Forget { chain, hash } if memory.get(&chain, &hash).is_none() => None,
        u => Some(u),
    }
}

/// Sends the query lines of `input` into `tx`, stopping at a read error
/// (sent as the last item) or when the receiver is gone.
fn read_lines(
    input: Box<dyn Read + Send>,
    source: Option<PathBuf>,
    tx: &mpsc::Sender<Result<Line, String>>,
) {
    for item in query_lines(BufReader::new(input)) {
        let item = item.map_err(|(number, e)| {
            format!(
                "reading {} failed at line {number}: {e}",
                source
                    .as_ref()
                    .map_or("stdin".to_string(), |p| p.display().to_string())
            )
        });
        let failed = item.is_err();
        if tx.blocking_send(item).is_err() || failed {
            return;
        }
    }
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
fn query_lines(
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

/// Query lines in a file, for the progress bar (`None` when unreadable).
fn count_queries(path: &Path) -> Option<u64> {
    let reader = BufReader::new(std::fs::File::open(path).ok()?);
    Some(query_lines(reader).map_while(Result::ok).count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: the bar shows each chain's requests a second against its
    /// pace, the summary its requests per lookup.
    #[test]
    fn pace_and_requests_per_lookup_are_said_per_chain() {
        let cfg = crate::config::parse(crate::config::BUILTIN).unwrap();
        let tron = cfg.chain("tron").unwrap();
        let by_endpoint: std::collections::HashMap<String, u64> =
            tron.rpc.iter().map(|u| (u.clone(), 24)).collect();
        let line = pace_line(&cfg, &by_endpoint, Duration::from_secs(12));
        assert!(line.starts_with("tron "), "{line}");
        assert!(line.contains(" req/s"), "{line}");
        let lookups = std::collections::BTreeMap::from([("tron".to_string(), 24u64)]);
        let n = tron.rpc.len();
        assert_eq!(
            per_lookup_line(&cfg, &by_endpoint, &lookups),
            format!("tron {:.1}", n as f64)
        );
    }

    #[test]
    fn a_batched_chain_s_few_requests_per_lookup_do_not_read_as_none() {
        assert_eq!(per_lookup(21, 2000), "0.011");
        assert_eq!(per_lookup(3, 2000), "0.0015");
        assert_eq!(per_lookup(1, 10), "0.1");
        assert_eq!(per_lookup(42, 20), "2.1");
        assert_eq!(per_lookup(0, 20), "0.0");
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
