//! Issue 8: `txdoctor batch` against a real anvil node — every line answered
//! in input order (good, bad and unknown lines), CSV a CSV reader accepts,
//! the configured pace counted by a server in front of the node, and rate
//! limits waited out without losing a line.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::fake::{FakeServer, Reply};
use crate::common::*;
use alloy_primitives::U256;
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};

sol! {
    function transfer(address to, uint256 amount) returns (bool);
}

const ETHER: u64 = 1_000_000_000_000_000_000;

/// `n` mined transfers of 1.5 ETH from ALICE to BOB, one block each.
fn transfers(node: &Anvil, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            node.send(json!({"from": ALICE, "to": BOB, "value": format!("0x{:x}", 3 * ETHER / 2)}))
        })
        .collect()
}

/// Mixed input: mined transfers, a failed token transfer, a pending one, an
/// unknown hash, an address, a link, junk, invalid UTF-8, comments, blanks.
struct Mixed {
    _node: Anvil,
    cfg: TestConfig,
    input: Vec<u8>,
    /// (query as written, expected status or None for an invalid line)
    expected: Vec<(String, Option<&'static str>)>,
}

fn mixed() -> Mixed {
    let node = Anvil::spawn(1);
    let token = node.deploy_token("Tether USD", "USDT", 6, U256::from(1_000u64));
    let mut spec = ChainSpec::new("eth", 1, vec![node.url.clone()]);
    spec.confirmations = 1000;
    spec.tokens = vec![("USDT", token.clone(), 6)];
    let cfg = write_config(&[spec]);
    let mined = transfers(&node, 24);
    let failed = node.call_tx(
        ALICE,
        &token,
        transferCall {
            to: address(BOB),
            amount: U256::from(5_000u64),
        }
        .abi_encode(),
        100_000,
    );
    node.automine(false);
    let pending = node.send_pending(json!({"from": CAROL, "to": BOB, "value": "0x1"}));
    let unknown = format!("0x{}", "ab".repeat(32));

    let mut expected: Vec<(String, Option<&str>)> = Vec::new();
    let mut input = b"# today's withdrawals\n\n".to_vec();
    let mut push = |input: &mut Vec<u8>, line: &str, status: Option<&'static str>| {
        input.extend_from_slice(line.as_bytes());
        input.extend_from_slice(b"\r\n");
        expected.push((line.trim().to_string(), status));
    };
    for (i, h) in mined.iter().enumerate() {
        push(&mut input, h, Some("confirmed"));
        match i {
            3 => push(&mut input, &failed, Some("failed")),
            5 => push(&mut input, "not a hash at all", None),
            7 => push(&mut input, &unknown, Some("not_found")),
            9 => push(&mut input, &pending, Some("pending")),
            11 => push(
                &mut input,
                &format!("https://etherscan.io/tx/{}", mined[0]),
                Some("confirmed"),
            ),
            13 => push(&mut input, ALICE, Some("address")),
            15 => push(&mut input, "0xabc,def", None),
            _ => {}
        }
    }
    // Invalid UTF-8 is a line like any other: it gets a record.
    input.extend_from_slice(b"0x\xff\xfe\n   \n# end\n");
    expected.push(("0x\u{fffd}\u{fffd}".into(), None));
    Mixed {
        _node: node,
        cfg,
        input,
        expected,
    }
}

#[test]
fn issue_8_every_line_gets_one_record_in_input_order() {
    let m = mixed();
    // Fewer lookups in flight than lines, so later lines finish before
    // earlier ones and order must be restored.
    let run = m
        .cfg
        .run_stdin(&["batch", "-", "--concurrency", "4", "-v"], &m.input);
    assert_eq!(run.code, 0, "every line produced a record: {}", run.stderr);
    let got = run.ndjson();
    assert_eq!(got.len(), m.expected.len(), "{}", run.stdout);
    for (record, (query, status)) in got.iter().zip(&m.expected) {
        assert_eq!(record["query"], *query, "{record}");
        match status {
            None => {
                assert_eq!(record["status"], Value::Null, "{record}");
                assert!(!record["error"].as_str().unwrap().is_empty(), "{record}");
            }
            Some("address") => assert_eq!(record["kind"], "address", "{record}"),
            Some(s) => assert_eq!(record["status"], *s, "{record}"),
        }
    }
    let failed = got.iter().find(|r| r["status"] == "failed").unwrap();
    assert_eq!(failed["reason"], "reverted");
    assert!(
        run.stderr.contains("records in")
            && run.stderr.contains("25 confirmed")
            && run.stderr.contains("3 invalid"),
        "summary line by status: {}",
        run.stderr
    );

    // For cron: the worst listed status decides the exit code.
    let run = m
        .cfg
        .run_stdin(&["batch", "--fail-on", "pending"], &m.input);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let run = m
        .cfg
        .run_stdin(&["batch", "--fail-on", "invalid,not_found"], &m.input);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.ndjson().len(), m.expected.len());
}

#[test]
fn issue_8_lookups_share_http_requests() {
    let node = Anvil::spawn(1);
    let mut spec = ChainSpec::new("eth", 1, vec![node.url.clone()]);
    spec.confirmations = 1000;
    let cfg = write_config(&[spec]);
    let hashes = transfers(&node, 60);
    let file = cfg.path.with_file_name("hashes.txt");
    std::fs::write(&file, hashes.join("\n")).unwrap();

    let run = cfg.run(&["batch", file.to_str().unwrap(), "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = run.ndjson();
    assert_eq!(got.len(), 60);
    assert!(got.iter().all(|r| r["status"] == "confirmed"));
    // 60 lookups of 5 calls each; shared calls sent once per request and at
    // most 50 calls (the default max_batch) per request: 3 requests, not 60.
    let n = requests(&run);
    assert!(n <= 4, "{n} HTTP requests for 60 hashes:\n{}", run.stderr);
}

#[test]
fn issue_8_csv_parses_with_a_csv_reader() {
    let m = mixed();
    let run = m.cfg.run_stdin(&["batch", "--format", "csv"], &m.input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "query",
            "chain",
            "status",
            "reason",
            "confirmations",
            "value",
            "token",
            "fee",
            "error",
            "explorer_url"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), m.expected.len());
    for (row, (query, status)) in rows.iter().zip(&m.expected) {
        assert_eq!(&row[0], query);
        match status {
            None => {
                assert_eq!(&row[2], "");
                assert!(!row[8].is_empty(), "{row:?}");
            }
            Some("address") => assert_eq!(&row[1], "eth"),
            Some(s) => assert_eq!(&row[2], *s, "{row:?}"),
        }
    }
    let first = &rows[0];
    assert_eq!(&first[1], "eth");
    assert_eq!(&first[3], "included");
    assert!(first[4].parse::<u64>().unwrap() >= 1);
    assert_eq!(&first[5], "1.5 ETH");
    assert!(first[7].ends_with(" ETH"), "{first:?}");
    assert!(first[9].starts_with("https://etherscan.io/tx/0x"));
    let failed = rows.iter().find(|r| &r[2] == "failed").unwrap();
    assert_eq!(
        &failed[6], "0.005 USDT",
        "the transfer it attempted: {failed:?}"
    );
    assert!(
        rows.iter().any(|r| &r[0] == "0xabc,def"),
        "a comma is quoted"
    );

    let table = m.cfg.run_stdin(&["batch", "--format", "table"], &m.input);
    assert_eq!(table.code, 0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), m.expected.len() + 1, "{}", table.stdout);
    assert!(lines[0].contains("status") && lines[1].contains("confirmed"));
    // Rows are numbered by input line: a comment and a blank line come first.
    assert!(lines[1].trim_start().starts_with("3 "), "{}", lines[1]);
}

/// Calls per JSON-RPC body (a batch counts each call).
/// When each request `server` saw arrived and its calls, checked against
/// `rps`: within any window a little shorter than a second (allowing for
/// scheduling jitter), at most `rps` calls arrived.
fn paced_at(server: &FakeServer, rps: usize) -> Vec<(std::time::Instant, usize)> {
    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| (r.at, calls_in(&r.body)))
        .collect();
    let window = Duration::from_millis(950);
    for (start, _) in &seen {
        let in_window: usize = seen
            .iter()
            .filter(|(t, _)| *t >= *start && *t < *start + window)
            .map(|(_, n)| n)
            .sum();
        assert!(
            in_window <= rps,
            "{in_window} calls within a second: {seen:?}"
        );
    }
    seen
}

fn calls_in(body: &str) -> usize {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Array(a)) => a.len(),
        _ => 1,
    }
}

#[test]
fn issue_8_the_configured_rate_is_obeyed() {
    let node = Anvil::spawn(1);
    let hashes = transfers(&node, 20);
    let counter = FakeServer::proxy(&node.url, |_| None);
    let mut spec = ChainSpec::new("eth", 1, vec![counter.url.clone()]);
    spec.extra = "rps = 20".into();
    let cfg = write_config(&[spec]);

    let input = hashes.join("\n");
    let run = cfg.run_stdin(&["batch"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.ndjson().len(), 20);

    let seen = paced_at(&counter, 20);
    let total: usize = seen.iter().map(|(_, n)| n).sum();
    // And the pace really held the run back: 20 lookups of 5 calls, shared
    // calls once per request, no request above 20 calls.
    let first = seen.iter().map(|(t, _)| *t).min().unwrap();
    let last = seen.iter().map(|(t, _)| *t).max().unwrap();
    assert!(total > 40, "{total} calls");
    assert!(
        last - first >= Duration::from_millis(1900),
        "{total} calls at 20/s took {:?}",
        last - first
    );
}

#[test]
fn issue_8_rate_limits_are_waited_out_without_losing_a_line() {
    let node = Anvil::spawn(1);
    let hashes = transfers(&node, 10);
    let refused = Arc::new(AtomicUsize::new(0));
    let r = refused.clone();
    let limited = FakeServer::proxy(&node.url, move |_| {
        // The first two requests are refused: 429 with Retry-After, then 503 without.
        match r.fetch_add(1, Ordering::SeqCst) {
            0 => Some(Reply::status(429, "Too Many Requests").header("Retry-After", "1")),
            1 => Some(Reply::status(503, "<html>Service Unavailable</html>")),
            _ => None,
        }
    });
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![limited.url.clone()])]);

    let input = hashes.join("\n");
    let run = cfg.run_stdin(&["batch", "--concurrency", "5", "-v"], input.as_bytes());
    for record in run.batch_records(&hashes) {
        assert_eq!(record["status"], "confirmed", "{record}");
    }
    assert!(refused.load(Ordering::SeqCst) > 2);
    assert!(
        run.elapsed >= Duration::from_secs(1),
        "Retry-After: 1 was honoured ({:?})",
        run.elapsed
    );
    assert!(
        run.stderr.contains("waiting") && run.stderr.contains("2 rate-limited"),
        "{}",
        run.stderr
    );
}

/// A producer that writes a line now and then (a pipe from a queue): each
/// record comes out while stdin is still open — a line is neither held back
/// for a chunk of others nor for the rest of a line written in two parts.
#[test]
fn lines_from_a_slow_producer_are_answered_as_they_come() {
    use std::io::{BufRead, BufReader, Write};
    let node = Anvil::spawn(1);
    let mut spec = ChainSpec::new("eth", 1, vec![node.url.clone()]);
    spec.confirmations = 1;
    let cfg = write_config(&[spec]);
    let hashes = transfers(&node, 2);
    let mut child = command(
        &["batch", "-", "--config", cfg.path.to_str().unwrap()],
        &cfg.cache,
    )
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null())
    .spawn()
    .expect("start txdoctor");
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let next = || {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a record while stdin is still open");
        serde_json::from_str::<Value>(&line).unwrap()
    };
    // The first line and half of the second.
    write!(stdin, "{}\n{}", hashes[0], &hashes[1][..30]).unwrap();
    stdin.flush().unwrap();
    let first = next();
    assert_eq!(first["hash"], hashes[0].as_str());
    assert_eq!(first["status"], "finalized");
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "half a line is not a query yet"
    );
    writeln!(stdin, "{}", &hashes[1][30..]).unwrap();
    stdin.flush().unwrap();
    assert_eq!(next()["hash"], hashes[1].as_str());
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// Issue 24 (3): while an endpoint's pace holds its next request back, the
/// lookups arriving meanwhile join that request (up to `max_batch`) rather
/// than queue up in small requests of their own, so each request carries as
/// many lookups as the pace and the cap allow — and every call pays for the
/// chain id, head and fee history once per request, not once per few
/// lookups. Two paced endpoints (anvil behind two counting proxies), 300
/// transfers.
#[test]
fn issue_24_a_paced_endpoint_gets_requests_as_large_as_its_cap() {
    let node = Anvil::spawn(1);
    let hashes = transfers(&node, 300);
    let a = FakeServer::proxy(&node.url, |_| None);
    let b = FakeServer::proxy(&node.url, |_| None);
    let mut spec = ChainSpec::new("eth", 1, vec![a.url.clone(), b.url.clone()]);
    spec.confirmations = 1000;
    spec.extra = "rps = 100\nmax_batch = 200".into();
    let cfg = write_config(&[spec]);
    // A window of 100 lines: the lines after it start as earlier ones end.
    let run = cfg.run_stdin(
        &["batch", "-", "--concurrency", "100"],
        hashes.join("\n").as_bytes(),
    );
    let records = run.batch_records(&hashes);
    assert!(records.iter().all(|r| r["status"] == "confirmed"));
    // Each endpoint kept to its pace.
    let sizes: Vec<usize> = [&a, &b]
        .iter()
        .flat_map(|s| paced_at(s, 100))
        .map(|(_, calls)| calls)
        .collect();
    eprintln!("{} requests: {sizes:?}", sizes.len());
    // At most 100 lookups in flight, 50 an endpoint: 150 lookups each in
    // requests of ~99 calls, 4 an endpoint (the lines after the window join
    // the request the pace holds open). Sent as they came, they were 14,
    // down to 7 calls (2 lookups and the 3 shared calls), and the batch took
    // 7.3 s instead of 4.4.
    assert!(sizes.len() <= 10, "{} requests: {sizes:?}", sizes.len());
}
