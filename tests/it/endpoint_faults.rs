//! Endpoint behaviours a real node does not show, from an in-process fake in
//! front of (or instead of) anvil: each must move the lookup to the next
//! endpoint with a warning that names it, or be worked around, and never turn
//! into a wrong verdict.

use crate::common::fake::{FakeServer, Reply};
use crate::common::*;
use serde_json::json;

/// Looks up a mined transfer with `faulty` listed before a healthy anvil:
/// the verdict must be right, and the first warning must name `faulty` and
/// say `what` it did.
fn falls_back_past(faulty: &FakeServer, what: &str) {
    let node = Anvil::spawn(1);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let (v, _) = check_past(faulty, &node, &hash, "");
    assert_warns(&v, faulty, what, "");
}

/// `hash` (mined on `node`) looked up with `faulty` listed first: confirmed.
fn check_past(
    faulty: &FakeServer,
    node: &Anvil,
    hash: &str,
    name: &str,
) -> (serde_json::Value, Run) {
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![faulty.url.clone(), node.url.clone()],
    )]);
    let (v, run) = check_json(&cfg, hash);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("confirmed")),
        "{name}: {}",
        run.stderr
    );
    (v, run)
}

/// The first warning names `faulty` and says `what` it did.
fn assert_warns(v: &serde_json::Value, faulty: &FakeServer, what: &str, name: &str) {
    let w = &v["warnings"][0];
    assert_eq!(w["endpoint"], faulty.url, "{name}: {}", v["warnings"]);
    assert!(w["message"].as_str().unwrap().contains(what), "{name}: {w}");
}

#[test]
fn rate_limited_endpoint_is_skipped_with_a_warning() {
    let limited =
        FakeServer::start(|_| Reply::status(429, "Too Many Requests").header("Retry-After", "30"));
    falls_back_past(&limited, "rate limited (HTTP 429, retry after 30s)");
}

#[test]
fn html_error_page_with_status_200_is_not_an_answer() {
    let html = FakeServer::start(|_| {
        Reply::json("<html><body>Cloudflare: 520 origin error</body></html>")
            .header("Content-Type", "text/html")
    });
    falls_back_past(&html, "not JSON-RPC");
}

#[test]
fn only_a_failing_endpoint_gives_unknown_never_not_found() {
    let broken = FakeServer::start(|_| Reply::status(500, "<html>Internal Server Error</html>"));
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![broken.url.clone()])]);
    let (v, run) = check_json(&cfg, &format!("0x{}", "ab".repeat(32)));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("endpoints_unavailable"))
    );
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 500")
    );
}

#[test]
fn jsonrpc_errors_for_every_call_move_to_the_next_endpoint() {
    let erroring = FakeServer::start(|body| {
        let calls: Vec<serde_json::Value> = serde_json::from_str(body).unwrap();
        let answers: Vec<_> = calls.iter().map(|c| json!({"jsonrpc": "2.0", "id": c["id"], "error": {"code": -32005, "message": "daily request limit reached"}})).collect();
        Reply::json(serde_json::to_string(&answers).unwrap())
    });
    falls_back_past(&erroring, "daily request limit reached");
}

#[test]
fn endpoint_that_refuses_batches_is_asked_call_by_call() {
    let node = Anvil::spawn(1);
    let no_batches = FakeServer::proxy(&node.url, |body| {
        body.trim_start()
            .starts_with('[')
            .then(|| Reply::json(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch requests are not supported"}}"#))
    });
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![no_batches.url.clone()])]);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("confirmed")),
        "{}",
        run.stderr
    );
    assert_eq!(v["warnings"], json!([]));
    // The address-poisoning check's eth_getLogs (issue 7) aside.
    let bodies: Vec<String> = no_batches
        .bodies()
        .into_iter()
        .filter(|b| !b.contains("eth_getLogs"))
        .collect();
    assert_eq!(
        bodies.len(),
        6,
        "one refused batch, then the five calls one by one: {bodies:?}"
    );
    assert!(bodies[1..].iter().all(|b| b.starts_with('{')));
}

/// Answers every call of a JSON-RPC batch (or single call) with `answer(call)`.
fn per_call(body: &str, answer: impl Fn(&serde_json::Value) -> serde_json::Value) -> Reply {
    let parsed: serde_json::Value = serde_json::from_str(body).unwrap_or(json!([]));
    let out = match parsed {
        serde_json::Value::Array(calls) => json!(calls.iter().map(&answer).collect::<Vec<_>>()),
        call => answer(&call),
    };
    Reply::json(out.to_string())
}

/// Every misbehaviour of issue 10, as a fake endpoint. `what`: the words
/// the warning must use to say what it did.
fn faults() -> Vec<(&'static str, FakeServer, &'static str)> {
    let flip = std::sync::atomic::AtomicUsize::new(0);
    vec![
        (
            "hangs",
            FakeServer::start(|_| Reply::hang()),
            "no answer within",
        ),
        (
            "429 with Retry-After",
            FakeServer::start(|_| Reply::status(429, "slow down").header("Retry-After", "7")),
            "rate limited",
        ),
        (
            "500 with an HTML body",
            FakeServer::start(|_| Reply::status(500, "<html><h1>502 Bad Gateway</h1></html>")),
            "HTTP 500",
        ),
        (
            "200 with a non-JSON body",
            FakeServer::start(|_| Reply::json("<!DOCTYPE html><title>Just a moment...</title>")),
            "not JSON-RPC",
        ),
        (
            "a truncated body",
            FakeServer::start(|body| {
                let full = per_call(
                    body,
                    |c| json!({"jsonrpc": "2.0", "id": c["id"], "result": "0x1"}),
                )
                .body;
                let half = full.len() / 2;
                Reply::truncated(full, half)
            }),
            "the answer was cut off",
        ),
        (
            "wrong ids",
            FakeServer::start(|body| {
                per_call(
                    body,
                    |c| json!({"jsonrpc": "2.0", "id": c["id"].as_u64().unwrap_or(0) + 1000, "result": "0x1"}),
                )
            }),
            "no response with this call's id",
        ),
        (
            "a JSON-RPC error for every call",
            FakeServer::start(|body| {
                per_call(
                    body,
                    |c| json!({"jsonrpc": "2.0", "id": c["id"], "error": {"code": -32603, "message": "internal error"}}),
                )
            }),
            "internal error",
        ),
        (
            "a body of many megabytes",
            FakeServer::start(|_| Reply::json(format!("\"{}\"", "x".repeat(24 << 20)))),
            "larger than",
        ),
        (
            "null for everything",
            FakeServer::start(|body| {
                per_call(
                    body,
                    |c| json!({"jsonrpc": "2.0", "id": c["id"], "result": null}),
                )
            }),
            "eth_chainId",
        ),
        (
            "failing every other request",
            FakeServer::start(move |body| {
                if flip
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                    .is_multiple_of(2)
                {
                    Reply::status(500, "flaky")
                } else {
                    per_call(
                        body,
                        |c| json!({"jsonrpc": "2.0", "id": c["id"], "result": null}),
                    )
                }
            }),
            "HTTP 500",
        ),
    ]
}

/// In front of a healthy node every fault is survived, quickly: a hung
/// endpoint is raced after 1.5 s, not waited on.
#[test]
fn every_fault_before_a_healthy_endpoint_still_gives_the_right_verdict_quickly() {
    let node = Anvil::spawn(1);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    for (name, faulty, what) in faults() {
        let (v, run) = check_past(&faulty, &node, &hash, name);
        assert!(
            run.elapsed < std::time::Duration::from_secs(5),
            "{name}: took {:?}",
            run.elapsed
        );
        // A hung endpoint is abandoned, not waited for: it has no warning.
        if name != "hangs" {
            assert_warns(&v, &faulty, what, name);
        }
    }
}

/// Alone, every fault gives `unknown` (exit 6) with a warning naming the
/// endpoint and what it did — never `not_found`, never a guess — within the
/// `--timeout` given.
#[test]
fn every_fault_alone_gives_unknown_naming_the_endpoint_within_the_timeout() {
    let unknown_hash = format!("0x{}", "ab".repeat(32));
    for (name, faulty, what) in faults() {
        let cfg = write_config(&[ChainSpec::new("eth", 1, vec![faulty.url.clone()])]);
        let (v, run) = check_json_with(&cfg, &unknown_hash, &["--timeout", "3s"]);
        assert_eq!(run.code, 6, "{name}: {}", run.stderr);
        assert_eq!(v["status"], "unknown", "{name}");
        assert!(
            run.elapsed < std::time::Duration::from_secs(5),
            "{name}: took {:?}",
            run.elapsed
        );
        assert_warns(&v, &faulty, what, name);
    }
}

/// A node far behind the others is not trusted to say "unknown": the
/// up-to-date one finds the transaction; and when neither knows it, one
/// up-to-date "unknown" is not enough for `not_found` with two configured.
#[test]
fn a_lagging_endpoint_is_not_trusted_for_not_found() {
    let node = Anvil::spawn(1);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    node.mine(20);
    // The lagging node: an old head, and none of the recent transactions.
    let lagging = FakeServer::start(|body| {
        per_call(body, |c| {
            let result = match c["method"].as_str().unwrap_or("") {
                "eth_chainId" => json!("0x1"),
                "eth_blockNumber" => json!("0x1"),
                _ => serde_json::Value::Null,
            };
            json!({"jsonrpc": "2.0", "id": c["id"], "result": result})
        })
    });
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![lagging.url.clone(), node.url.clone()],
    )]);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!((run.code, v["status"].as_str()), (0, Some("finalized")));

    let (v, run) = check_json(&cfg, &format!("0x{}", "cd".repeat(32)));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["status"], "unknown");
    let messages = v["warnings"].to_string();
    assert!(messages.contains("blocks behind"), "{messages}");
    assert!(messages.contains(&lagging.url), "{messages}");

    // Two up-to-date endpoints that do not know it: not found.
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![node.url.clone(), node.url.clone()],
    )]);
    let (v, run) = check_json(&cfg, &format!("0x{}", "cd".repeat(32)));
    assert_eq!((run.code, v["status"].as_str()), (5, Some("not_found")));
}

/// Address mode races a hung endpoint the same way.
#[test]
fn an_address_lookup_races_a_hung_endpoint_too() {
    let node = Anvil::spawn(1);
    node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let hung = FakeServer::start(|_| Reply::hang());
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![hung.url.clone(), node.url.clone()],
    )]);
    let (v, run) = check_json(&cfg, BOB);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["kind"], "address");
    assert!(v["chains"][0]["balance"].is_object(), "{}", v["chains"][0]);
    assert!(
        run.elapsed < std::time::Duration::from_secs(5),
        "took {:?}",
        run.elapsed
    );
}

/// batch --timeout bounds each line: behind a hung endpoint every record
/// reads `unknown`, in about the time given, none is lost.
#[test]
fn batch_timeout_bounds_each_line_behind_a_hung_endpoint() {
    let hung = FakeServer::start(|_| Reply::hang());
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![hung.url.clone()])]);
    let input: String = (0..5)
        .map(|i| format!("0x{}\n", format!("{i:02x}").repeat(32)))
        .collect();
    let run = cfg.run_stdin(&["batch", "-", "-q", "--timeout", "2s"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = run.ndjson();
    assert_eq!(records.len(), 5);
    for r in &records {
        assert_eq!(r["status"], "unknown", "{r}");
        // Its request gets 80 % of the line's time: the warning names it.
        let warnings = r["warnings"].to_string();
        assert!(
            warnings.contains(&hung.url) && warnings.contains("no answer within 1.6s"),
            "{r}"
        );
    }
    assert!(
        run.elapsed < std::time::Duration::from_secs(5),
        "took {:?}",
        run.elapsed
    );

    // Before a healthy endpoint: the line that meets it first still has time
    // for the next one, and the hung one rests — the lines are answered.
    let node = Anvil::spawn(1);
    let hashes = node.transfers(6);
    let hung = FakeServer::start(|_| Reply::hang());
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![hung.url.clone(), node.url.clone()],
    )]);
    let input = hashes.join("\n");
    let run = cfg.run_stdin(
        &["batch", "-", "--timeout", "2s", "--concurrency", "1"],
        input.as_bytes(),
    );
    for r in run.batch_records(&hashes) {
        assert_eq!(r["status"], "confirmed", "{r}");
    }
    assert_eq!(hung.hits(), 1, "asked once, then resting");
}

/// A kept-alive connection the endpoint closes instead of answering (a
/// server's idle timeout racing the next request, a proxy hanging up after an
/// early error): the request goes again on a new connection, and the lookups
/// are answered, not `unknown`. A closed connection every time is still a
/// failure of that endpoint, after two more tries.
#[test]
fn a_request_closed_unanswered_goes_again_on_a_new_connection() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let node = Anvil::spawn(1);
    let hashes = node.transfers(2);
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    // The second request (the second line's lookup, on the kept-alive
    // connection of the first) is read and its connection closed.
    let flaky = FakeServer::proxy(&node.url, move |_| {
        (counter.fetch_add(1, Ordering::SeqCst) == 1).then(Reply::close)
    });
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![flaky.url.clone()])]);
    let input = hashes.join("\n");
    let run = cfg.run_stdin(
        &["batch", "-", "-v", "--concurrency", "1"],
        input.as_bytes(),
    );
    for r in run.batch_records(&hashes) {
        assert_eq!(r["status"], "confirmed", "{r}");
        assert_eq!(r["warnings"], json!([]), "{r}");
    }
    assert!(
        run.stderr
            .contains("closed the connection before answering: sending again"),
        "{}",
        run.stderr
    );
    assert_eq!(flaky.hits(), 3, "two answered, one closed and sent again");

    // An endpoint that always closes: unknown, naming it, after three tries a lookup.
    let closing = FakeServer::start(|_| Reply::close());
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![closing.url.clone()])]);
    let run = cfg.run(&["check", &hashes[0], "--json"]);
    let v = run.json();
    assert_eq!(v["status"], "unknown", "{v}");
    assert!(
        v["warnings"]
            .to_string()
            .contains("closed before any answer"),
        "{v}"
    );
    assert_eq!(closing.hits(), 3, "one request and two more");
}

/// Issue 24: in a batch, an endpoint that fails — down, or a node with no
/// head that can only say "unknown" — is asked after the others for a while
/// (1 s, doubling with each failure in a row), not every other lookup first
/// as its turn comes; the lookups are still answered right.
#[test]
fn a_failing_endpoint_gets_less_work_in_a_batch() {
    let node = Anvil::spawn(1);
    let hashes = node.transfers(12);
    let unsynced = |body: &str| {
        per_call(body, |c| {
            let result = match c["method"].as_str() {
                Some("eth_chainId") => json!("0x1"),
                Some("eth_blockNumber") => json!("0x0"),
                _ => json!(null),
            };
            json!({"jsonrpc": "2.0", "id": c["id"], "result": result})
        })
    };
    for failing in [
        FakeServer::start(|_| Reply::status(500, "Internal Server Error")),
        FakeServer::start(unsynced),
    ] {
        let cfg = write_config(&[ChainSpec::new(
            "eth",
            1,
            vec![failing.url.clone(), node.url.clone()],
        )]);
        let input = hashes.join("\n");
        // One line at a time: each lookup's turn starts at the next endpoint.
        let run = cfg.run_stdin(&["batch", "-", "--concurrency", "1"], input.as_bytes());
        for r in run.batch_records(&hashes) {
            // The first transfers have their 12 confirmations by now.
            assert!(
                ["confirmed", "finalized"].contains(&r["status"].as_str().unwrap_or_default()),
                "{r}"
            );
        }
        assert!(
            (1..=3).contains(&failing.hits()),
            "asked {} times for 12 lines (6 when its turn comes every other line)",
            failing.hits()
        );
    }
}

/// Issue 24: in a batch, the lookups waiting on a hung endpoint leave it
/// once it has given no reply for 1.5 s (it has stalled) and ask the next
/// endpoint, instead of each waiting out the request timeout (10 s); the
/// lookups after them start elsewhere. An endpoint that is slow but replies
/// keeps its share of the load: nobody leaves it.
#[test]
fn a_batch_leaves_a_stalled_endpoint_in_a_moment_and_a_slow_one_keeps_its_load() {
    use std::time::Duration;
    let node = Anvil::spawn(1);
    let hashes = node.transfers(20);
    let input = hashes.join("\n");
    let confirmed = |run: &Run| {
        for r in run.batch_records(&hashes) {
            assert!(
                ["confirmed", "finalized"].contains(&r["status"].as_str().unwrap_or_default()),
                "{r}"
            );
        }
    };

    // Every line starts at once: half of them at the hung endpoint first.
    let hung = FakeServer::start(|_| Reply::hang());
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![hung.url.clone(), node.url.clone()],
    )]);
    let run = cfg.run_stdin(&["batch", "-"], input.as_bytes());
    confirmed(&run);
    assert!(
        run.elapsed < Duration::from_secs(6),
        "took {:?}: the lines waited for the request timeout",
        run.elapsed
    );
    assert!(hung.hits() <= 2, "asked {} times", hung.hits());

    // One line at a time, turns alternating: a slow endpoint (1 s a reply,
    // within the 1.5 s of patience) answers its own turns, and the other
    // endpoint is asked only for its own.
    let slow = FakeServer::tamper(&node.url, |_, mut reply| {
        reply.delay = Some(Duration::from_millis(1000));
        reply
    });
    let fast = FakeServer::proxy(&node.url, |_| None);
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![slow.url.clone(), fast.url.clone()],
    )]);
    let few = hashes[..6].join("\n");
    let run = cfg.run_stdin(&["batch", "-", "--concurrency", "1"], few.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.ndjson().len(), 6);
    assert_eq!((slow.hits(), fast.hits()), (3, 3), "{}", run.stderr);
}
