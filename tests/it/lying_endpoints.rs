//! Issue 18: endpoints that answer, but wrongly. Each lie comes from a
//! loopback proxy in front of a real anvil (or of the TRON, Esplora and
//! Solana fakes) that changes one thing in an otherwise real answer. Alone,
//! the liar's answer must be refused — `unknown`, with the warning
//! `inconsistent_answer` naming it — and with a healthy endpoint after it
//! the healthy one's verdict must stand.

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use crate::common::esplora::{FakeEsplora, Flavour, bitcoin_config, txid};
use crate::common::fake::{FakeServer, Reply, Request};
use crate::common::solana::{FakeSolana, signature, solana_config};
use crate::common::tron::{FakeTron, id_of, tron_config, tron_toml};
use crate::common::*;
use alloy_primitives::{U256, hex};
use alloy_sol_types::{Revert, SolCall, SolError, sol};
use serde_json::{Value, json};

sol! {
    function transfer(address to, uint256 amount) returns (bool);
}

/// A mined transfer on a fresh anvil, with blocks after it.
fn mined_transfer() -> (Anvil, String) {
    let node = Anvil::spawn(1);
    node.mine(4);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    node.mine(2);
    (node, hash)
}

/// A token transfer of more than the sender holds, mined and reverted
/// ("ERC20: transfer amount exceeds balance").
fn failed_transfer() -> (Anvil, String) {
    let node = Anvil::spawn(1);
    let token = node.deploy_token("T", "TT", 6, U256::from(1_000u64));
    let data = transferCall {
        to: address(BOB),
        amount: U256::from(1_000_000u64),
    }
    .abi_encode();
    let hash = node.call_tx(ALICE, &token, data, 200_000);
    (node, hash)
}

fn eth(rpc: Vec<String>) -> TestConfig {
    write_config(&[ChainSpec::new("eth", 1, rpc)])
}

/// The liar alone: unknown, exit 6, `inconsistent_answer` naming it with
/// `detail` containing `what`. Then liar + `healthy`: the healthy verdict.
fn refused_then_healthy(
    name: &str,
    liar: &FakeServer,
    healthy: &str,
    query: &str,
    config: &dyn Fn(&[&str]) -> TestConfig,
    what: &str,
    verdict: &[&str],
) {
    let (v, run) = check_json(&config(&[&liar.url_of()]), query);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (6, Some("unknown")),
        "{name}: a lie was believed: {v}\n{}",
        run.stderr
    );
    assert_inconsistent(name, &v, liar, what);
    let (v, run) = check_json(&config(&[&liar.url_of(), healthy]), query);
    assert!(
        verdict.contains(&v["status"].as_str().unwrap_or("")),
        "{name}: with a healthy endpoint: {v}\n{}",
        run.stderr
    );
    assert_inconsistent(name, &v, liar, what);
}

/// The run's exit code and the report's status, with both shown on failure.
fn assert_verdict(run: &Run, v: &Value, code: i32, status: &str) {
    assert_eq!(
        (run.code, v["status"].as_str()),
        (code, Some(status)),
        "{v}\n{}",
        run.stderr
    );
}

fn assert_inconsistent(name: &str, v: &Value, liar: &FakeServer, what: &str) {
    let w = warnings_of(v, "inconsistent_answer");
    assert!(
        w.iter().any(|w| w["endpoint"] == liar.url_of()
            && w["kind"] == "inconsistent"
            && w["detail"].as_str().is_some_and(|d| d.contains(what))),
        "{name}: no inconsistent_answer naming {} with {what:?}: {}",
        liar.url_of(),
        v["warnings"]
    );
}

/// The URL a configuration lists for a fake (Esplora fakes serve under /api).
trait UrlOf {
    fn url_of(&self) -> String;
}

impl UrlOf for FakeServer {
    fn url_of(&self) -> String {
        self.url.clone()
    }
}

fn hex_block(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn issue_18_evm_answers_that_contradict_themselves_are_not_evidence() {
    let (node, hash) = mined_transfer();
    let block = hex_block(&node.receipt(&hash)["blockNumber"]);
    let other = format!("0x{}", "cd".repeat(32));
    type Lie = Box<dyn Fn(&str, &mut Value) + Send + Sync>;
    let lies: Vec<(&str, Lie, &str)> = vec![
        (
            "another transaction's receipt",
            Box::new(move |m, r| {
                if m == "eth_getTransactionReceipt" {
                    r["result"]["transactionHash"] = json!(other.clone());
                }
            }),
            "receipt of another transaction",
        ),
        (
            "a receipt for a pending transaction",
            Box::new(|m, r| {
                if m == "eth_getTransactionByHash" {
                    r["result"]["blockNumber"] = Value::Null;
                    r["result"]["blockHash"] = Value::Null;
                }
            }),
            "calls pending",
        ),
        (
            "receipt and transaction in different blocks",
            Box::new(move |m, r| {
                if m == "eth_getTransactionReceipt" {
                    r["result"]["blockNumber"] = json!(format!("0x{:x}", block - 3));
                }
            }),
            "but its receipt in block",
        ),
        (
            "block hashes that differ",
            Box::new(|m, r| {
                if m == "eth_getTransactionReceipt" {
                    r["result"]["blockHash"] = json!(format!("0x{}", "11".repeat(32)));
                }
            }),
            "the hash",
        ),
        (
            "status 0x2",
            Box::new(|m, r| {
                if m == "eth_getTransactionReceipt" {
                    r["result"]["status"] = json!("0x2");
                }
            }),
            "0x2",
        ),
        (
            "a block number past 2^64",
            Box::new(|m, r| {
                if m == "eth_getTransactionReceipt" {
                    r["result"]["blockNumber"] = json!("0x10000000000000000");
                }
            }),
            "does not fit",
        ),
        (
            "a block past the endpoint's own head",
            Box::new(move |m, r| {
                if m == "eth_blockNumber" {
                    r["result"] = json!(format!("0x{:x}", block - 1));
                }
            }),
            "past its own head",
        ),
    ];
    for (name, lie, what) in lies {
        let liar = FakeServer::rewrite(&node.url, lie);
        refused_then_healthy(
            name,
            &liar,
            &node.url,
            &hash,
            &|rpc| eth(rpc.iter().map(|s| s.to_string()).collect()),
            what,
            &["confirmed"],
        );
    }
}

#[test]
fn issue_18_a_batch_answering_one_call_twice_is_not_believed() {
    let (node, hash) = mined_transfer();
    let liar = FakeServer::tamper(&node.url, |_, mut reply| {
        let mut items: Vec<Value> = serde_json::from_str(&reply.body).unwrap_or_default();
        if let Some(receipt) = items
            .iter()
            .find(|i| i["result"]["transactionHash"].is_string())
            .cloned()
        {
            let mut twin = receipt.clone();
            twin["result"]["status"] = json!("0x0");
            items.push(twin);
        }
        reply.body = Value::Array(items).to_string();
        reply
    });
    refused_then_healthy(
        "a duplicated id",
        &liar,
        &node.url,
        &hash,
        &|rpc| eth(rpc.iter().map(|s| s.to_string()).collect()),
        "two responses",
        &["confirmed"],
    );
}

#[test]
fn issue_18_unsynced_nodes_cannot_say_not_found() {
    // Two nodes at block 0: "I do not know it" from them is no evidence.
    let (a, b) = (Anvil::spawn(1), Anvil::spawn(1));
    let missing = format!("0x{}", "5c".repeat(32));
    let (v, run) = check_json(&eth(vec![a.url.clone(), b.url.clone()]), &missing);
    assert_verdict(&run, &v, 6, "unknown");
    let lagging: Vec<_> = warnings_of(&v, "endpoint_failed")
        .into_iter()
        .filter(|w| w["kind"] == "lagging")
        .collect();
    assert_eq!(lagging.len(), 2, "{}", v["warnings"]);
    // Synced nodes whose eth_blockNumber fails cannot either.
    a.mine(3);
    let no_head = |url: &str| {
        FakeServer::rewrite(url, |m, r| {
            if m == "eth_blockNumber" {
                *r = json!({"jsonrpc": "2.0", "id": r["id"], "error": {"code": -32000, "message": "header not found"}});
            }
        })
    };
    let (x, y) = (no_head(&a.url), no_head(&a.url));
    let (v, run) = check_json(&eth(vec![x.url.clone(), y.url.clone()]), &missing);
    assert_verdict(&run, &v, 6, "unknown");
    // And a synced, working pair still can.
    b.mine(3);
    let (v, run) = check_json(&eth(vec![a.url.clone(), b.url.clone()]), &missing);
    assert_verdict(&run, &v, 5, "not_found");
}

#[test]
fn issue_18_a_wild_retry_after_or_head_cannot_crash_or_flood() {
    let (node, hash) = mined_transfer();
    let limited = FakeServer::start(|_| {
        Reply::status(429, "Too Many Requests").header("Retry-After", "18446744073709551615")
    });
    let cfg = eth(vec![limited.url.clone(), node.url.clone()]);
    let (v, run) = check_json(&cfg, &hash);
    assert_verdict(&run, &v, 0, "confirmed");
    assert_eq!(
        warnings_of(&v, "endpoint_failed")[0]["kind"],
        "rate_limited"
    );
    let run = cfg.run(&["check", ALICE, "--json"]);
    assert_eq!(run.code, 0, "address mode: {}", run.stderr);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "probe: {}", run.stderr);

    // A head of u64::MAX made the address history grow without end.
    let huge = FakeServer::rewrite(&node.url, |m, r| {
        if m == "eth_blockNumber" {
            r["result"] = json!("0xffffffffffffffff");
        }
    });
    let cfg = eth(vec![huge.url.clone()]);
    let (run, peak) = peak_rss(&cfg, &["check", ALICE, "--json", "--timeout", "5s"]);
    assert!(
        matches!(run.code, 0 | 6),
        "exit {}: {}",
        run.code,
        run.stderr
    );
    assert!(run.elapsed < Duration::from_secs(8), "{:?}", run.elapsed);
    eprintln!(
        "head u64::MAX, address mode: {:?}, peak RSS {peak} KiB",
        run.elapsed
    );
    assert!(peak < 100 * 1024, "peak RSS {peak} KiB");
}

/// Runs txdoctor under /usr/bin/time: the run and its peak RSS in KiB.
fn peak_rss(cfg: &TestConfig, args: &[&str]) -> (Run, u64) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut all = vec![
        "-f",
        "%M",
        "-o",
        report.path().to_str().unwrap(),
        env!("CARGO_BIN_EXE_txdoctor"),
    ];
    all.extend_from_slice(args);
    all.extend(["--config", cfg.path.to_str().unwrap()]);
    let started = std::time::Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .args(&all)
        .env("XDG_CACHE_HOME", &cfg.cache)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .output()
        .expect("/usr/bin/time runs");
    let mut text = String::new();
    std::fs::File::open(report.path())
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let peak = text
        .trim()
        .lines()
        .last()
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    };
    (run, peak)
}

#[test]
fn issue_18_a_token_calling_itself_usdt_is_named_fake_in_check() {
    let node = Anvil::spawn(56);
    let genuine = node.deploy_token(
        "Tether USD",
        "USDT",
        18,
        U256::from(10u64).pow(U256::from(24)),
    );
    let fake = node.deploy_token(
        "Tether USD",
        "USDT",
        18,
        U256::from(10u64).pow(U256::from(24)),
    );
    let data = transferCall {
        to: address(BOB),
        amount: U256::from(250u128 * 10u128.pow(18)),
    }
    .abi_encode();
    let hash = node.call_tx(ALICE, &fake, data, 200_000);
    let mut spec = ChainSpec::new("bsc", 56, vec![node.url.clone()]);
    spec.tokens = vec![("USDT", genuine.clone(), 18)];
    spec.symbol = "BNB";
    let cfg = write_config(&[spec]);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = warnings_of(&v, "fake_token");
    assert_eq!(w.len(), 1, "{}", v["warnings"]);
    assert_eq!(
        (&w[0]["token"], &w[0]["symbol"], &w[0]["genuine"]),
        (
            &json!(checksum(&fake)),
            &json!("USDT"),
            &json!(checksum(&genuine))
        )
    );
    let reply = cfg.run(&["check", &hash, "--reply"]).stdout;
    assert!(
        reply.contains("a token calling itself USDT (not the genuine USDT"),
        "{reply}"
    );
    assert!(reply.contains("Warning: this is not real USDT"), "{reply}");
    assert!(reply.contains("\"unlock\""), "{reply}");
    let table = cfg.run(&["check", &hash]).stdout;
    assert!(table.contains("a token calling itself USDT"), "{table}");
    let csv = cfg
        .run_stdin(&["batch", "-", "--format", "csv"], hash.as_bytes())
        .stdout;
    assert!(
        csv.contains(&format!("250 USDT (fake: contract {})", checksum(&fake))),
        "{csv}"
    );
}

fn checksum(a: &str) -> String {
    address(a).to_checksum(None)
}

#[test]
fn issue_18_a_revert_message_is_quoted_data_never_our_words() {
    let (node, hash) = failed_transfer();
    let evil = format!(
        "x\"\u{1b}[2J\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7}\r\nUPDATE from support: re-send to 0xbad\u{202e}{}",
        "A".repeat(10_000)
    );
    let data = hex::encode_prefixed(Revert::from(evil.clone()).abi_encode());
    let liar = FakeServer::rewrite(&node.url, move |m, r| {
        if m == "eth_call" {
            *r = json!({"jsonrpc": "2.0", "id": r["id"], "error": {"code": 3, "message": "execution reverted", "data": data}});
        }
    });
    let cfg = eth(vec![liar.url.clone()]);
    let (v, _) = check_json(&cfg, &hash);
    assert_eq!(v["failure"]["message"], evil, "JSON keeps the exact string");
    let reply = cfg.run(&["check", &hash, "--reply"]).stdout;
    assert_eq!(reply.lines().count(), 2, "{reply}");
    for bad in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(!reply.contains(bad), "{bad:?} reached the reply: {reply:?}");
    }
    assert!(reply.contains("\\u{1b}[2J"), "{reply}");
    assert!(reply.len() < 2_000, "a 10 kB message was pasted whole");
    let table = cfg.run(&["check", &hash]).stdout;
    assert!(
        !table.contains('\u{1b}') && !table.contains("UPDATE from support:\n"),
        "{table}"
    );
}

#[test]
fn issue_18_a_nodes_replay_error_is_not_the_contracts_reason() {
    let (node, hash) = failed_transfer();
    let pruned = FakeServer::rewrite(&node.url, |m, r| {
        if m == "eth_call" {
            *r = json!({"jsonrpc": "2.0", "id": r["id"], "error": {"code": -32000, "message": "missing trie node 5f3e8a (path ) state 0x5f3e is not available"}});
        }
    });
    let (v, _) = check_json(&eth(vec![pruned.url.clone()]), &hash);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("failed"), Some("other"))
    );
    assert!(
        !v["diagnosis"].as_str().unwrap().contains("trie"),
        "{}",
        v["diagnosis"]
    );
    // The replay is asked of the next endpoint, which has the state.
    let (v, _) = check_json(&eth(vec![pruned.url.clone(), node.url.clone()]), &hash);
    assert_eq!(v["reason"], "reverted", "{v}");
    assert_eq!(
        v["failure"]["message"],
        "ERC20: transfer amount exceeds balance"
    );
}

#[test]
fn issue_18_the_same_hash_on_two_chains_is_said() {
    let (node, hash) = mined_transfer();
    // A "BSC" endpoint that serves the same blocks: the same hash on two chains.
    let twin = FakeServer::rewrite(&node.url, |m, r| {
        if m == "eth_chainId" {
            r["result"] = json!("0x38");
        }
    });
    let cfg = write_config(&[
        ChainSpec::new("eth", 1, vec![node.url.clone()]),
        ChainSpec::new("bsc", 56, vec![twin.url.clone()]),
    ]);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(
        (run.code, v["chain"].as_str()),
        (0, Some("eth")),
        "{}",
        run.stderr
    );
    let w = warnings_of(&v, "also_on");
    assert_eq!(w.len(), 1, "{}", v["warnings"]);
    assert_eq!(w[0]["chains"], json!(["bsc"]));
    assert!(
        w[0]["message"].as_str().unwrap().contains("bsc (confirmed"),
        "{}",
        w[0]
    );
    assert!(
        v["diagnosis"]
            .as_str()
            .unwrap()
            .contains("also exists on Test bsc"),
        "{}",
        v["diagnosis"]
    );
}

/// A loopback port that refuses nothing but must never be connected to.
fn untouched() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    (l, url)
}

fn never_connected(l: &TcpListener) {
    assert!(
        l.accept().is_err(),
        "something connected to the host a redirect pointed at"
    );
}

#[test]
fn issue_18_redirects_are_not_followed_and_keys_never_leave_their_host() {
    let (node, hash) = mined_transfer();
    let (other, other_url) = untouched();
    let to = format!("{other_url}/v2/AbCdEf12345678901234xyz");
    let redirect = FakeServer::start(move |_| Reply::status(307, "").header("Location", &to));
    let keyed = format!("{}/v2/KeyKeyKey1234567890abcd", redirect.url);
    let cfg = eth(vec![keyed.clone(), node.url.clone()]);
    let (v, run) = check_json(&cfg, &hash);
    assert_verdict(&run, &v, 0, "confirmed");
    let w = &warnings_of(&v, "endpoint_failed")[0];
    assert_eq!(w["kind"], "redirected");
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("redirected (HTTP 307)"),
        "{w}"
    );
    never_connected(&other);
    for r in redirect.requests() {
        assert!(r.header("referer").is_none());
    }
    assert!(!run.stdout.contains("KeyKeyKey") && !run.stderr.contains("KeyKeyKey"));
    assert!(
        !run.stdout.contains("AbCdEf123"),
        "the Location's key was shown"
    );

    // An error body that echoes the key-bearing path is shown scrubbed.
    let echo =
        FakeServer::serve(|r: &Request| Reply::status(500, format!("no route for {}", r.path)));
    let keyed = format!("{}/v2/KeyKeyKey1234567890abcd", echo.url);
    let (v, run) = check_json(&eth(vec![keyed]), &hash);
    assert_eq!(run.code, 6);
    assert!(!v.to_string().contains("KeyKeyKey"), "{}", v["warnings"]);

    // TRON's API key header: a 307 is not followed to another host, and a
    // key of any length is scrubbed from what an endpoint echoes.
    let tron = FakeTron::start(&["usdt"]);
    let (other, other_url) = untouched();
    let to = other_url.clone();
    let redirect = FakeServer::serve(move |r: &Request| {
        Reply::status(307, "").header("Location", &format!("{to}{}", r.path))
    });
    let cfg = tron_config(&[&redirect.url, tron.url()]);
    let run = cfg.run_env(
        &[
            "check",
            &format!("https://tronscan.org/#/transaction/{}", id_of("usdt")),
            "--json",
        ],
        &[("TXDOCTOR_TEST_TRON_KEY", "k3y")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    never_connected(&other);
    let echo = FakeServer::serve(|r: &Request| {
        Reply::status(
            500,
            format!("bad key {}", r.header("tron-pro-api-key").unwrap_or("")),
        )
    });
    let run = tron_config(&[&echo.url]).run_env(
        &[
            "check",
            &format!("https://tronscan.org/#/transaction/{}", id_of("usdt")),
            "--json",
        ],
        &[("TXDOCTOR_TEST_TRON_KEY", "k3y")],
    );
    assert_eq!(run.code, 6);
    assert!(
        !run.stdout.contains("k3y") && !run.stderr.contains("k3y"),
        "{}",
        run.stdout
    );
}

#[test]
fn issue_18_timeouts_bound_watch_and_address_mode() {
    let hung = FakeServer::serve(|_| Reply::hang());
    let cfg = eth(vec![hung.url.clone()]);
    let hash = format!("0x{}", "ab".repeat(32));
    let run = cfg.run(&["watch", &hash, "--timeout", "2s"]);
    eprintln!("watch --timeout 2s, hung endpoint: {:?}", run.elapsed);
    assert!(
        run.elapsed < Duration::from_secs(4),
        "watch took {:?}",
        run.elapsed
    );
    assert_eq!(run.code, 6, "{}", run.stderr);
    let run = cfg.run(&["check", ALICE, "--timeout", "2s", "--json"]);
    eprintln!("address --timeout 2s, hung endpoint: {:?}", run.elapsed);
    assert!(
        run.elapsed < Duration::from_secs(4),
        "address took {:?}",
        run.elapsed
    );
    assert_eq!(run.code, 6, "{}", run.stderr);
}

#[test]
fn issue_18_a_closed_stdout_or_stderr_keeps_the_verdicts_exit_code() {
    let (node, hash) = mined_transfer();
    let cfg = eth(vec![node.url.clone()]);
    let dead = dead_endpoint();
    let dead_cfg = eth(vec![dead]);
    for (cfg, code) in [(&cfg, 0), (&dead_cfg, 6)] {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" check {hash} --config \"$1\" >&- 2>&-"))
            .arg(env!("CARGO_BIN_EXE_txdoctor"))
            .arg(&cfg.path)
            .env("XDG_CACHE_HOME", &cfg.cache)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code));
    }
}

#[test]
fn issue_18_config_values_that_would_hang_or_panic_are_refused() {
    for rps in ["1e-300", "1e-9", "0"] {
        let cfg = write_config(&[{
            let mut s = ChainSpec::new("eth", 1, vec![dead_endpoint()]);
            s.extra = format!("rps = {rps}");
            s
        }]);
        let run = cfg.run(&["chains", "--probe"]);
        assert_eq!(run.code, 1, "rps {rps}: {}", run.stderr);
        assert!(run.stderr.contains("chains.eth.rps"), "{}", run.stderr);
        assert!(run.elapsed < Duration::from_secs(3));
    }
    let mut s = ChainSpec::new("eth", 1, vec![dead_endpoint()]);
    s.explorer = "javascript:alert(1)//{hash}";
    let run = write_config(&[s]).run(&["chains"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("explorer_tx"), "{}", run.stderr);
}

#[test]
fn issue_18_a_mistyped_checksum_is_refused_before_any_request() {
    let (l, url) = untouched();
    let cfg = eth(vec![url]);
    // One letter's case changed: EIP-55 fails.
    let typo = ALICE.replace("f39Fd6", "f39FD6");
    let run = cfg.run(&["check", &typo]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("checksum is wrong"), "{}", run.stderr);
    never_connected(&l);
}

// ---- TRON -------------------------------------------------------------

fn tron_query() -> String {
    format!("https://tronscan.org/#/transaction/{}", id_of("usdt"))
}

#[test]
fn issue_18_tron_history_off_is_unknown_never_dropped() {
    let tron = FakeTron::start(&["usdt"]);
    let history_off = FakeServer::tamper(tron.url(), |r, reply| {
        if r.path.ends_with("/gettransactioninfobyid") {
            Reply::json("{}")
        } else {
            reply
        }
    });
    refused_then_healthy(
        "history off",
        &history_off,
        tron.url(),
        &tron_query(),
        &|rpc| tron_config(rpc),
        "transaction history switched off",
        &["finalized"],
    );
    let (v, _) = check_json(&tron_config(&[&history_off.url]), &tron_query());
    assert!(
        !v["diagnosis"].as_str().unwrap().contains("safe to send"),
        "{}",
        v["diagnosis"]
    );
}

#[test]
fn issue_18_tron_solidified_view_counts_only_for_the_same_transaction() {
    let tron = FakeTron::start(&["usdt"]);
    for (name, body, what) in [
        (
            "another id",
            json!({"id": "ab".repeat(32), "blockNumber": 70000000}),
            "not the one asked",
        ),
        ("another shape", json!({"x": 1}), "not the one asked"),
        (
            "another block",
            json!({"id": id_of("usdt"), "blockNumber": 69999999}),
            "not the one asked",
        ),
    ] {
        let liar = FakeServer::tamper(tron.url(), move |r, reply| {
            if r.path == "/walletsolidity/gettransactioninfobyid" {
                Reply::json(body.to_string())
            } else {
                reply
            }
        });
        refused_then_healthy(
            name,
            &liar,
            tron.url(),
            &tron_query(),
            &|rpc| tron_config(rpc),
            what,
            &["finalized"],
        );
    }
}

#[test]
fn issue_18_tron_a_failing_pending_pool_is_no_evidence_of_absence() {
    let tron = FakeTron::start(&["usdt"]);
    let unknown = format!("https://tronscan.org/#/transaction/{}", "ee".repeat(32));
    let broken = |status: u16| {
        FakeServer::tamper(tron.url(), move |r, reply| {
            if r.path == "/wallet/gettransactionfrompending" {
                Reply::status(status, "<html>error</html>")
            } else {
                reply
            }
        })
    };
    let (a, b) = (broken(500), broken(429));
    let (v, run) = check_json(&tron_config(&[&a.url, &b.url]), &unknown);
    assert_verdict(&run, &v, 6, "unknown");
    assert_eq!(
        warnings_of(&v, "endpoint_failed").len(),
        2,
        "{}",
        v["warnings"]
    );
    // Two working nodes say not found.
    let (v, run) = check_json(&tron_config(&[tron.url(), tron.url()]), &unknown);
    assert_verdict(&run, &v, 5, "not_found");
}

#[test]
fn issue_18_tron_a_token_calling_itself_usdt_is_fake() {
    let tron = FakeTron::start(&["usdt"]);
    // The configured USDT is another contract; the one in the fixture calls
    // itself "USDT" when asked.
    let usdt =
        alloy_primitives::hex::encode(alloy_sol_types::SolValue::abi_encode(&"USDT".to_string()));
    let liar = FakeServer::tamper(tron.url(), move |r, reply| {
        if r.path == "/wallet/triggerconstantcontract" && r.body.contains("symbol()") {
            Reply::json(json!({"result": {"result": true}, "constant_result": [usdt]}).to_string())
        } else {
            reply
        }
    });
    let toml = tron_toml(&[&liar.url]).replace(
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        "TXLAQ63Xg1NAzckPwKHvzw7CSEmLMEqcdj",
    );
    let cfg = write_raw_config(&toml);
    let (v, run) = check_json(&cfg, &tron_query());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = warnings_of(&v, "fake_token");
    assert_eq!(w.len(), 1, "{}", v["warnings"]);
    assert_eq!(w[0]["genuine"], "TXLAQ63Xg1NAzckPwKHvzw7CSEmLMEqcdj");
    assert_eq!(w[0]["token"], "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
    assert!(
        v["diagnosis"]
            .as_str()
            .unwrap()
            .contains("this is not real USDT")
    );
}

// ---- Solana -----------------------------------------------------------

#[test]
fn issue_18_solana_answers_must_be_for_the_signature_and_agree() {
    let sol = FakeSolana::start(&["usdt"]);
    let query = format!("https://solscan.io/tx/{}", signature("usdt"));
    type Lie = Box<dyn Fn(&str, &mut Value) + Send + Sync>;
    let other = signature("sol");
    let lies: Vec<(&str, Lie, &str)> = vec![
        (
            "another signature's body",
            Box::new(move |m, r| {
                if m == "getTransaction" {
                    r["result"]["transaction"]["signatures"][0] = json!(other.clone());
                }
            }),
            "another transaction",
        ),
        (
            "status err without meta err",
            Box::new(|m, r| {
                if m == "getSignatureStatuses" {
                    r["result"]["value"][0]["err"] =
                        json!({"InstructionError": [0, {"Custom": 1}]});
                }
            }),
            "failed in its status",
        ),
        (
            "no status entry",
            Box::new(|m, r| {
                if m == "getSignatureStatuses" {
                    r["result"]["value"] = json!([]);
                }
            }),
            "0 entries",
        ),
    ];
    for (name, lie, what) in lies {
        let liar = FakeServer::rewrite(&sol.url(), lie);
        refused_then_healthy(
            name,
            &liar,
            &sol.url(),
            &query,
            &|rpc| solana_config(rpc),
            what,
            &["confirmed", "finalized"],
        );
    }
    // Two endpoints answering `value: []` for an unknown signature: not "not found".
    let empty = || {
        FakeServer::rewrite(&sol.url(), |m, r| {
            if m == "getSignatureStatuses" {
                r["result"]["value"] = json!([]);
            }
        })
    };
    let (a, b) = (empty(), empty());
    let unknown = format!("https://solscan.io/tx/{}", signature("insufficient"));
    let (v, run) = check_json(&solana_config(&[&a.url, &b.url]), &unknown);
    assert_verdict(&run, &v, 6, "unknown");
}

// ---- Esplora ----------------------------------------------------------

const TIP: u64 = 870_013;

#[test]
fn issue_18_esplora_only_its_own_not_found_text_means_not_found() {
    let btc = FakeEsplora::start(&["tx_confirmed"], TIP, Flavour::Blockstream);
    let unknown = format!("https://mempool.space/tx/{}", "ee".repeat(32));
    for text in ["Not Found", "Block not found", "404 page not found"] {
        let liar = || {
            FakeServer::tamper(&btc.server.url, move |r, reply| {
                if r.path.starts_with("/api/tx/") {
                    Reply::status(404, text).header("Content-Type", "text/plain")
                } else {
                    reply
                }
            })
        };
        let (a, b) = (liar(), liar());
        let cfg = bitcoin_config(&[&format!("{}/api", a.url), &format!("{}/api", b.url)]);
        let (v, run) = check_json(&cfg, &unknown);
        assert_eq!(
            (run.code, v["status"].as_str()),
            (6, Some("unknown")),
            "{text}: {v}"
        );
    }
    let cfg = bitcoin_config(&[&btc.url(), &btc.url()]);
    let (v, _) = check_json(&cfg, &unknown);
    assert_eq!(v["status"], "not_found");
}

#[test]
fn issue_18_an_op_return_only_transaction_pays_no_one() {
    let btc = FakeEsplora::start(&["tx_confirmed"], TIP, Flavour::Blockstream);
    let data_only = FakeServer::tamper(&btc.server.url, |r, mut reply| {
        if r.path.starts_with("/api/tx/") {
            let mut tx: Value = serde_json::from_str(&reply.body).unwrap();
            let total: u64 = tx["vout"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["value"].as_u64().unwrap())
                .sum();
            tx["fee"] = json!(tx["fee"].as_u64().unwrap() + total);
            tx["vout"] = json!([{"scriptpubkey": "6a0548656c6c6f", "scriptpubkey_asm": "OP_RETURN OP_PUSHBYTES_5 48656c6c6f", "scriptpubkey_type": "op_return", "scriptpubkey_address": "", "value": 0}]);
            reply.body = tx.to_string();
        }
        reply
    });
    let cfg = bitcoin_config(&[&format!("{}/api", data_only.url)]);
    let (v, run) = check_json(&cfg, &txid("tx_confirmed"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["to"], Value::Null);
    assert_eq!(v["utxo"]["outputs"][0]["address"], Value::Null);
    let d = v["diagnosis"].as_str().unwrap();
    assert!(
        d.contains("its coins went to the network fee and a data output"),
        "{d}"
    );
    assert!(!d.contains("to  on"), "{d}");
}

#[test]
fn issue_18_a_bitcoin_transaction_replaced_by_fee_is_replaced() {
    // mempool.space's RBF history names the replacement.
    let btc = FakeEsplora::start(&["tx_confirmed"], TIP, Flavour::MempoolSpace);
    let (ours, theirs) = ("ee".repeat(32), txid("tx_confirmed"));
    let (o, t) = (ours.clone(), theirs.clone());
    let rbf = FakeServer::tamper(&btc.server.url, move |r, reply| {
        if r.path == format!("/api/v1/tx/{o}/rbf") {
            Reply::json(json!({
                "replacements": {"tx": {"txid": t, "fee": 2260, "vsize": 141, "value": 100000, "rate": 16.0, "rbf": true},
                    "time": 1795400000, "fullRbf": false, "mined": true,
                    "replaces": [{"tx": {"txid": o, "fee": 282, "vsize": 141, "value": 100000, "rate": 2.0, "rbf": true}, "time": 1795399000, "fullRbf": false, "replaces": []}]},
                "replaces": null
            }).to_string())
        } else {
            reply
        }
    });
    let url = format!("{}/api", rbf.url);
    let cfg = bitcoin_config(&[&url, &url]);
    let (v, run) = check_json(&cfg, &ours);
    assert_verdict(&run, &v, 5, "replaced");
    assert_eq!(v["replaced_by"], theirs);
    assert_eq!(
        v["replaced_by_url"],
        format!("https://mempool.space/tx/{theirs}")
    );
    assert!(v["diagnosis"].as_str().unwrap().contains("replace-by-fee"));

    // Elsewhere: seen pending by an earlier run, its coin is now spent by another.
    let waiting = FakeEsplora::start(&["tx_waiting"], TIP, Flavour::Blockstream);
    let pending_id = txid("tx_waiting");
    let cfg = bitcoin_config(&[&waiting.url(), &waiting.url()]);
    assert_eq!(check_json(&cfg, &pending_id).0["status"], "pending");
    let spender = "ab".repeat(32);
    let (p, s) = (pending_id.clone(), spender.clone());
    let gone = FakeServer::tamper(&waiting.server.url, move |r, reply| {
        if r.path == format!("/api/tx/{p}") {
            Reply::status(404, "Transaction not found").header("Content-Type", "text/plain")
        } else if r.path.contains("/outspend/") {
            Reply::json(json!({"spent": true, "txid": s, "vin": 0, "status": {"confirmed": true, "block_height": TIP}}).to_string())
        } else {
            reply
        }
    });
    let url = format!("{}/api", gone.url);
    let later = bitcoin_config(&[&url, &url]);
    let run = txdoctor_with_cache(
        &[
            "check",
            &pending_id,
            "--json",
            "--config",
            later.path.to_str().unwrap(),
        ],
        &cfg.cache,
    );
    let v = run.json();
    assert_verdict(&run, &v, 5, "replaced");
    assert_eq!(v["replaced_by"], spender);
}
