//! Issue 8: `txdoctor batch` on the REST and JSON-RPC families without a
//! node here — TRON, Bitcoin (Esplora) and Solana fakes that speak the real
//! APIs (see tests/fixtures/*/README.md) — in one run, one record per line,
//! in input order.

use crate::common::esplora::{self, FakeEsplora, Flavour};
use crate::common::solana::{self, FakeSolana};
use crate::common::tron::{self, FakeTron};
use crate::common::*;
use serde_json::Value;

#[test]
fn issue_8_batch_answers_tron_bitcoin_and_solana_lines_in_order() {
    let btc = FakeEsplora::start(&["tx_confirmed"], 870_013, Flavour::MempoolSpace);
    let trx = FakeTron::start(&["usdt"]);
    let sol = FakeSolana::start(&["usdt"]);
    let cfg = write_raw_config(&format!(
        "{}\n{}\n{}",
        esplora::bitcoin_toml(&[&btc.url()]),
        tron::tron_toml(&[trx.url()]),
        solana::solana_toml(&[&sol.url()]),
    ));
    let lines = [
        (esplora::txid("tx_confirmed"), "btc", "finalized"),
        (tron::id_of("usdt"), "tron", "finalized"),
        ("certainly not a transaction".to_string(), "", ""),
        (solana::signature("usdt"), "sol", "finalized"),
        (
            format!("https://mempool.space/tx/{}", esplora::txid("tx_confirmed")),
            "btc",
            "finalized",
        ),
    ];
    let input: String = lines.iter().map(|(q, _, _)| format!("{q}\n")).collect();
    let run = cfg.run_stdin(&["batch"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = run.ndjson();
    assert_eq!(got.len(), lines.len(), "{}", run.stdout);
    for (record, (query, chain, status)) in got.iter().zip(&lines) {
        assert_eq!(record["query"], *query);
        if chain.is_empty() {
            assert_eq!(record["status"], Value::Null);
            assert!(record["error"].is_string());
        } else {
            assert_eq!(record["chain"], *chain, "{record}");
            assert!(
                record["status"] == *status || record["status"] == "confirmed",
                "{record}"
            );
        }
    }
    // The USDT transfers name their real recipient and amount.
    assert_eq!(got[1]["token_transfers"][0]["symbol"], "USDT");
    assert_eq!(got[3]["token_transfers"][0]["symbol"], "USDT");
}

/// Issue 24: in a batch, what is not the transaction's own — the head, the
/// prices, the solidified head, fee estimates, the mempool — is asked once
/// per endpoint and block time, not per line: TRON ≤ 2.2 and Esplora ≤ 1.2
/// requests per lookup of a confirmed transaction.
#[test]
fn issue_24_shared_facts_leave_only_the_transactions_own_requests_per_line() {
    let trx = FakeTron::start(&["usdt", "trx"]);
    let btc = FakeEsplora::start(&["tx_confirmed"], 870_013, Flavour::MempoolSpace);
    let cfg = write_raw_config(&format!(
        "{}\n{}",
        tron::tron_toml(&[trx.url()]),
        esplora::bitcoin_toml(&[&btc.url()]),
    ));
    let lines = 30;
    let tron_input: String = (0..lines)
        .map(|i| format!("{}\n", tron::id_of(if i % 2 == 0 { "usdt" } else { "trx" })))
        .collect();
    let run = cfg.run_stdin(&["batch", "--chain", "tron"], tron_input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = run.ndjson();
    assert_eq!(records.len(), lines);
    assert!(
        records
            .iter()
            .all(|r| r["status"] == "finalized" || r["status"] == "confirmed"),
        "{}",
        run.stdout
    );
    let per_line = trx.server.hits() as f64 / lines as f64;
    eprintln!("TRON: {per_line} requests per lookup");
    // The summary says it per chain.
    assert!(
        run.stderr
            .contains(&format!("requests per lookup: tron {per_line:.1}")),
        "{}",
        run.stderr
    );
    assert!(per_line <= 2.2, "TRON: {per_line} requests per lookup");

    let btc_input: String = (0..lines)
        .map(|_| format!("{}\n", esplora::txid("tx_confirmed")))
        .collect();
    let run = cfg.run_stdin(&["batch", "--chain", "btc"], btc_input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.ndjson().len(), lines);
    let per_line = btc.server.hits() as f64 / lines as f64;
    eprintln!("Esplora: {per_line} requests per lookup");
    assert!(per_line <= 1.2, "Esplora: {per_line} requests per lookup");
}

/// Issue 24: a batch puts every endpoint of a chain to work, each at its
/// own pace: lookups start at the next endpoint in turn.
#[test]
fn issue_24_a_batch_spreads_its_lookups_over_every_endpoint() {
    let nodes: Vec<FakeTron> = (0..3).map(|_| FakeTron::start(&["usdt", "trx"])).collect();
    let urls: Vec<&str> = nodes.iter().map(|n| n.url()).collect();
    let cfg = write_raw_config(&tron::tron_toml(&urls));
    let lines = 24;
    let input: String = (0..lines)
        .map(|i| format!("{}\n", tron::id_of(if i % 2 == 0 { "usdt" } else { "trx" })))
        .collect();
    let run = cfg.run_stdin(&["batch"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.ndjson().len(), lines);
    // Each endpoint answered its share of the transactions (tx + info each).
    for n in &nodes {
        let own = n
            .server
            .requests()
            .iter()
            .filter(|r| r.path == "/wallet/gettransactioninfobyid")
            .count();
        assert_eq!(own, lines / 3, "{own} of {lines} lookups on one endpoint");
    }
}

/// Issue 24's measurement of spreading (not a check): 24 TRON lookups at
/// `rps = 4` per endpoint, over one endpoint and over three.
/// `cargo test --release --test it spread_cost -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check"]
fn spread_cost() {
    let nodes: Vec<FakeTron> = (0..3).map(|_| FakeTron::start(&["usdt", "trx"])).collect();
    let urls: Vec<&str> = nodes.iter().map(|n| n.url()).collect();
    let input: String = (0..24)
        .map(|i| format!("{}\n", tron::id_of(if i % 2 == 0 { "usdt" } else { "trx" })))
        .collect();
    let paced = |urls: &[&str]| tron::tron_toml(urls).replacen("rpc = [", "rps = 4\nrpc = [", 1);
    for (label, set) in [("one endpoint", &urls[..1]), ("three endpoints", &urls[..])] {
        let cfg = write_raw_config(&paced(set));
        let run = cfg.run_stdin(&["batch"], input.as_bytes());
        assert_eq!(run.code, 0, "{}", run.stderr);
        eprintln!("{label}: {} ms", run.elapsed.as_millis());
    }
}

/// Issue 24 (4): `check` of several queries shares what is not a
/// transaction's own, as batch does.
#[test]
fn issue_24_check_of_several_queries_shares_the_chain_facts() {
    let trx = FakeTron::start(&["usdt", "trx"]);
    let cfg = write_raw_config(&tron::tron_toml(&[trx.url()]));
    let run = cfg.run(&["check", &tron::id_of("usdt"), &tron::id_of("trx"), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.ndjson().len(), 2);
    let asked = |path: &str| {
        trx.server
            .requests()
            .iter()
            .filter(|r| r.path == path)
            .count()
    };
    assert_eq!(asked("/wallet/getnowblock"), 1);
    assert_eq!(asked("/wallet/getchainparameters"), 1);
    assert_eq!(asked("/wallet/gettransactioninfobyid"), 2);
}

/// Issue 24: a slow line holds its own place only. With two lookups at
/// once (so four lines started or waiting) and the first line's endpoint
/// taking 2 s, the three lines after it are all looked up meanwhile (a finished record waits for its turn without
/// holding a place), and every record still comes out in input order.
#[test]
fn issue_24_a_slow_line_does_not_stop_the_lines_after_it() {
    use crate::common::fake::FakeServer;
    let btc = FakeEsplora::start(&["tx_confirmed"], 870_013, Flavour::MempoolSpace);
    let slow = format!("{:064x}", 7);
    let held = slow.clone();
    let node = FakeServer::tamper(&btc.server.url, move |r, mut reply| {
        if r.path.contains(&held) {
            reply.delay = Some(std::time::Duration::from_secs(2));
        }
        reply
    });
    let cfg = esplora::bitcoin_config(&[&format!("{}/api", node.url)]);
    let confirmed = esplora::txid("tx_confirmed");
    let lines = 3;
    let mut input = format!("{slow}\n");
    for _ in 0..lines {
        input.push_str(&format!("{confirmed}\n"));
    }
    let file = cfg.path.with_file_name("slow-first.txt");
    std::fs::write(&file, &input).unwrap();
    let run = cfg.spawn(&["batch", file.to_str().unwrap(), "--concurrency", "2"]);
    // While the first line's answer is held back, every other line is asked.
    let asked = || {
        node.requests()
            .iter()
            .filter(|r| r.path == format!("/api/tx/{confirmed}"))
            .count()
    };
    let start = std::time::Instant::now();
    while asked() < lines && start.elapsed() < std::time::Duration::from_millis(1800) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let during = asked();
    let run = run.finish(std::time::Duration::from_secs(30));
    assert_eq!(during, lines, "lines looked up while the first was held");
    let records = run.ndjson();
    assert_eq!(records.len(), lines + 1, "{}", run.stdout);
    assert_eq!(records[0]["query"], slow.as_str());
    assert!(
        records[1..]
            .iter()
            .all(|r| r["query"] == confirmed.as_str() && r["status"] == "finalized"),
        "{}",
        run.stdout
    );
}

/// Issue 24: Solana's `getSignatureStatuses` takes up to 256 signatures a
/// call, and in a batch the lookups' calls are merged into one: 300 lines
/// ask it in at most three calls, not 300, and each line still gets its
/// own status (the known transfers final, the unknown signature not found).
#[test]
fn issue_24_solana_signature_statuses_are_merged_up_to_256_a_call() {
    let sol = FakeSolana::start(&["usdt", "sol"]);
    let cfg = solana::solana_config(&[&sol.url()]);
    let lines = 300;
    // The USDT transfer's signature with its last character changed: a
    // well-formed signature the fake does not know.
    let known = solana::signature("usdt");
    let last = if known.ends_with('2') { "3" } else { "2" };
    let unknown = format!("{}{last}", &known[..known.len() - 1]);
    let input: String = (0..lines)
        .map(|i| match i % 3 {
            0 => format!("{}\n", solana::signature("usdt")),
            1 => format!("{}\n", solana::signature("sol")),
            _ => format!("{unknown}\n"),
        })
        .collect();
    let run = cfg.run_stdin(
        &["batch", "--chain", "sol", "--concurrency", "300"],
        input.as_bytes(),
    );
    let records = run.ndjson();
    assert_eq!(records.len(), lines, "{}", run.stderr);
    for (i, r) in records.iter().enumerate() {
        if i % 3 == 2 {
            // Its own null, not a neighbour's status (the only endpoint
            // configured is the whole quorum).
            assert_eq!(r["query"], unknown.as_str());
            assert_eq!(r["status"], "not_found", "line {i}: {r}");
        } else {
            assert!(
                r["status"] == "finalized" || r["status"] == "confirmed",
                "line {i}: {r}"
            );
        }
    }
    let sizes: Vec<usize> = sol
        .server
        .bodies()
        .iter()
        .flat_map(|b| {
            let v: Value = serde_json::from_str(b).unwrap_or(Value::Null);
            match v {
                Value::Array(a) => a,
                other => vec![other],
            }
        })
        .filter(|c| c["method"] == "getSignatureStatuses")
        .map(|c| c["params"][0].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), lines, "{sizes:?}");
    assert!(sizes.iter().all(|&n| n <= 256), "{sizes:?}");
    assert!(sizes.len() <= 3, "{sizes:?}");
}
