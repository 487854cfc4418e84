//! `txdoctor batch`: one query per input line, one record per query line,
//! in input order, streamed. A reader thread feeds lines through a bounded
//! channel; up to `--concurrency` lookups run at once, each a task of its
//! own, and up to twice as many lines are started or finished and
//! waiting for their turn (`buffered` keeps their order), so memory holds a
//! bounded number of lines however long the input.
//! The client gathers concurrent lookups' JSON-RPC calls to one endpoint into
//! shared HTTP requests and paces every endpoint (`rps`), waiting out
//! rate limits instead of failing the line.

use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::{FutureExt, StreamExt, stream};
use tokio::sync::mpsc;

use self::output::Writer;
use self::progress::{Tally, progress_bar};

mod output;
mod progress;

use crate::app::batch::{Line, Work, query_lines};
use crate::app::{self, DEFAULT_ADDRESS_WINDOW, store};
use crate::chain::{self, transport};
use crate::cli::BatchArgs;
use crate::exit::{self, UsageError};
use crate::memory;
use crate::query;
use crate::settings::Settings;

/// Lines read ahead of the lookups.
const READ_AHEAD: usize = 1024;
/// The most lines the reader hands over at once.
const CHUNK: usize = 256;

/// What the reader thread hands over: the lines it has, in order.
type Chunk = Vec<Result<Line, String>>;

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

    // The reader starts first: the first lines are read while the client
    // and the store are made.
    let (tx, rx) = mpsc::channel::<Chunk>(READ_AHEAD / CHUNK);
    let source = file.map(Path::to_path_buf);
    std::thread::spawn(move || read_lines(input, source, &tx));
    // With `--timeout`, a request gets only part of a line's time (as
    // `check`'s do): a hung endpoint fails while the line can still ask the
    // next, and is judged so (it rests), instead of the line running out.
    let request_timeout = args.timeout.map_or(settings.request_timeout, |t| {
        settings.request_timeout_within(t)
    });
    let client = transport::RpcClient::with_options(
        request_timeout,
        settings.log,
        transport::Options::BATCH,
    )?;
    let mut memory = store::open_memory(settings);
    let scope = chain::AddressScope {
        since_secs: DEFAULT_ADDRESS_WINDOW.as_secs(),
        now: memory::unix_now(),
        sender: None,
    };
    let (first, rx) = first_window(rx, args.concurrency as usize).await;
    let lines = stream::iter(first).chain(
        stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (stream::iter(chunk), rx))
        })
        .flatten(),
    );

    let started = Instant::now();
    // The file is counted for the bar only: nobody else needs its length.
    let progress = (settings.stderr_fancy && !settings.log.is_quiet())
        .then(|| progress_bar(file.and_then(count_queries), settings.lang));
    // Records are written out whenever none is ready (below): a reader of
    // the pipe sees each as soon as txdoctor would wait, without a write
    // (and a wake-up of the reader) per record.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut writer = Writer::new(args.format, &mut out);
    let mut tally = Tally::default();
    // Lookups per chain, for requests per lookup and the pace on the bar.
    let mut lookups: std::collections::BTreeMap<String, u64> = Default::default();
    let mut updates = Vec::new();
    let mut fail_code = exit::OK;
    let mut broken_pipe = false;
    {
        // Each line's lookup and its rendering run as a task of their own
        // (on the one thread of the command's runtime: `main` says why),
        // started a hundred at a time; the records come back in input order.
        // `--concurrency` lookups run at once (the semaphore, fair: lines
        // start in order); a finished line's record waits for its turn
        // without holding a place, so one slow line (a rate limit waited
        // out) does not stop the others — up to `WAITING_PER_LOOKUP` times
        // as many lines may be started or waiting.
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
        let records = app::batch::records(work, lines, args.concurrency as usize);
        let mut records = std::pin::pin!(records);
        // Unconstrained: the records that are ready are written in one go;
        // tokio's cooperative budget would cut the run every few dozen
        // records, and each cut would flush and yield for nothing.
        loop {
            let next = match tokio::task::unconstrained(records.next()).now_or_never() {
                Some(next) => next,
                None => {
                    if !delivered(writer.flush())? {
                        broken_pipe = true;
                        break;
                    }
                    tokio::task::unconstrained(records.next()).await
                }
            };
            let Some(record) = next else {
                break;
            };
            let done = record.map_err(anyhow::Error::msg)?;
            if !delivered(writer.write(&done.text))? {
                broken_pipe = true;
                break;
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
    if !broken_pipe && !delivered(writer.flush())? {
        broken_pipe = true;
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

/// Whether writing to stdout went through: `false` when the reader closed
/// the pipe (`batch | head`: the records it wanted are out), else the error.
fn delivered(outcome: std::io::Result<()>) -> Result<bool> {
    match outcome {
        Ok(()) => Ok(true),
        Err(e) if super::is_closed(&e) => Ok(false),
        Err(e) => Err(e).context("writing records to stdout"),
    }
}

/// How long the first lines are gathered before the lookups start.
const FIRST_WINDOW_WAIT: Duration = Duration::from_millis(50);

/// The first `n` lines, or as many as the reader has within
/// `FIRST_WINDOW_WAIT` of the first: lookups that start together share
/// their requests, even when the reader thread is slow to be scheduled on
/// a busy machine (a slow producer on stdin still gets its records).
async fn first_window(mut rx: mpsc::Receiver<Chunk>, n: usize) -> (Chunk, mpsc::Receiver<Chunk>) {
    let Some(mut first) = rx.recv().await else {
        return (Vec::new(), rx);
    };
    let until = tokio::time::Instant::now() + FIRST_WINDOW_WAIT;
    while first.len() < n {
        match tokio::time::timeout_at(until, rx.recv()).await {
            Ok(Some(chunk)) => first.extend(chunk),
            Ok(None) | Err(_) => break,
        }
    }
    (first, rx)
}

/// Sends the query lines of `input` into `tx`, stopping at a read error
/// (sent as the last item) or when the receiver is gone. Lines go in chunks:
/// whatever is already read when the next line would need another read (which
/// may wait on a slow producer: its lines still go one by one), at most
/// `CHUNK` — one hand-over between threads per line cost as much as a lookup.
fn read_lines(input: Box<dyn Read + Send>, source: Option<PathBuf>, tx: &mpsc::Sender<Chunk>) {
    let drained = std::rc::Rc::new(std::cell::Cell::new(true));
    let reader = Watched {
        inner: BufReader::with_capacity(64 * 1024, input),
        drained: drained.clone(),
    };
    let mut chunk = Vec::new();
    for item in query_lines(reader) {
        let item = item.map_err(|(number, e)| {
            format!(
                "reading {} failed at line {number}: {e}",
                source
                    .as_ref()
                    .map_or("stdin".to_string(), |p| p.display().to_string())
            )
        });
        let failed = item.is_err();
        chunk.push(item);
        if (failed || drained.get() || chunk.len() >= CHUNK)
            && (tx.blocking_send(std::mem::take(&mut chunk)).is_err() || failed)
        {
            return;
        }
    }
    if !chunk.is_empty() {
        let _ = tx.blocking_send(chunk);
    }
}

/// A buffered reader that tells whether what it has read holds no further
/// whole line (the next line needs another read, which may wait).
struct Watched<R> {
    inner: BufReader<R>,
    drained: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.drained.set(!self.inner.buffer().contains(&b'\n'));
        Ok(n)
    }
}

impl<R: Read> std::io::BufRead for Watched<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let buf = self.inner.fill_buf()?;
        self.drained.set(!buf.contains(&b'\n'));
        Ok(buf)
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
        self.drained.set(!self.inner.buffer().contains(&b'\n'));
    }
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
}
