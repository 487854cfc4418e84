//! Endpoint behaviours a real node does not show, from an in-process fake in
//! front of (or instead of) anvil: each must move the lookup to the next
//! endpoint with a warning that names it, or be worked around, and never turn
//! into a wrong verdict.

mod common;

use common::fake::{FakeServer, Reply};
use common::*;
use serde_json::json;

/// Looks up a mined transfer with `faulty` listed before a healthy anvil:
/// the verdict must be right, and the first warning must name `faulty` and
/// say `what` it did.
fn falls_back_past(faulty: &FakeServer, what: &str) {
    let node = Anvil::spawn(1);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![faulty.url.clone(), node.url.clone()],
    )]);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("confirmed")),
        "{}",
        run.stderr
    );
    assert_eq!(v["warnings"][0]["endpoint"], faulty.url);
    assert!(
        v["warnings"][0]["message"].as_str().unwrap().contains(what),
        "{}",
        v["warnings"]
    );
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
