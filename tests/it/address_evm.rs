//! `txdoctor check ADDRESS` against real anvil nodes (issue 7): balances and
//! token balances, a sender stuck behind a nonce gap, `--expect` finding a
//! real ERC-20 transfer (and not finding a wrong amount or sender), history
//! read in ranges an endpoint accepts, an endpoint that cannot read history
//! never giving "nothing arrived", and address poisoning made for real with
//! an impersonated look-alike address.

use crate::common::fake::{FakeServer, Reply};
use crate::common::*;
use alloy_primitives::U256;
use serde_json::{Value, json};

const USDT: u64 = 1_000_000;
/// A genuine payee and a look-alike: same first 4 and last 4 hex digits.
const GENUINE: &str = "0x1234aa0000000000000000000000000000c0abcd";
const LOOKALIKE: &str = "0x1234bb9999999999999999999999999999d1abcd";

struct Setup {
    node: Anvil,
    token: String,
    cfg: TestConfig,
}

/// An anvil node with a 6-decimal "USDT" held by ALICE, configured as the
/// chain's USDT; `extra` adds chains.toml lines.
fn setup(extra: &str) -> Setup {
    let node = Anvil::spawn(1);
    let token = node.deploy_token("Tether USD", "USDT", 6, U256::from(1_000_000 * USDT));
    let mut spec = ChainSpec::new("eth", 1, vec![node.url.clone()]);
    spec.tokens = vec![("USDT", token.clone(), 6)];
    spec.extra =
        format!("explorer_address = \"https://etherscan.io/address/{{address}}\"\n{extra}");
    let cfg = write_config(&[spec]);
    Setup { node, token, cfg }
}

fn check(cfg: &TestConfig, args: &[&str]) -> (Value, Run) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.push("--json");
    let run = cfg.run(&all);
    (run.json(), run)
}

fn checksum(a: &str) -> String {
    address(a).to_checksum(None)
}

#[test]
fn issue_7_balances_nonces_and_a_nonce_gap_with_the_pool() {
    let s = setup("");
    s.node.pay_token(&s.token, ALICE, CAROL, 250 * USDT);
    s.node.automine(false);
    // CAROL's nonce 0 waits in the pool; nonce 2 is queued behind the missing 1.
    let waiting = s
        .node
        .send_pending(json!({"from": CAROL, "to": BOB, "value": "0x1", "nonce": "0x0"}));
    let stuck = s
        .node
        .send_pending(json!({"from": CAROL, "to": BOB, "value": "0x1", "nonce": "0x2"}));

    let (v, run) = check(&s.cfg, &[CAROL, "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Balances, nonces and pool in one batch; then, at once, the history (one
    // batch of eth_getLogs) and the whole pool (anvil has no txpool_contentFrom).
    assert_eq!(requests(&run), 3, "{}", run.stderr);
    assert_eq!(v["kind"], "address");
    assert_eq!(v["address"], CAROL);
    let c = &v["chains"][0];
    assert_eq!(c["chain"], "eth");
    assert_eq!(c["balance"]["symbol"], "ETH");
    assert_eq!(
        c["balance"]["raw"], "10000000000000000000000",
        "anvil's 10,000 ETH"
    );
    assert_eq!(
        c["tokens"],
        json!([{"symbol": "USDT", "token": checksum(&s.token), "raw": "250000000", "amount": "250"}])
    );
    assert_eq!(c["nonce"], json!({"latest": 0, "pending": 1}));
    assert_eq!(c["pool_visible"], true);
    assert_eq!(
        c["pending"],
        json!([
            {"hash": waiting, "nonce": 0, "status": "pending", "reason": "waiting"},
            {"hash": stuck, "nonce": 2, "status": "pending", "reason": "nonce_gap"},
        ])
    );
    assert_eq!(c["missing_nonces"], json!([1]));
    assert_eq!(
        c["explorer_url"],
        format!("https://etherscan.io/address/{CAROL}")
    );
    // The 250 USDT arrived in the window read.
    let t = &c["recent_transfers"][0];
    assert_eq!(
        (
            t["direction"].as_str(),
            t["amount"].as_str(),
            t["from"].as_str()
        ),
        (Some("in"), Some("250"), Some(ALICE))
    );
    assert_eq!(v["match"], Value::Null);
    let d = v["diagnosis"].as_str().unwrap();
    assert!(
        d.contains("nonce 1") && d.contains("nonce 2") && d.contains("250 USDT"),
        "{d}"
    );

    // The table names the same facts.
    let run = s.cfg.run(&["check", CAROL]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Missing nonces") && run.stdout.contains("250 USDT"),
        "{}",
        run.stdout
    );
}

#[test]
fn issue_7_expect_finds_the_real_transfer_and_not_a_wrong_amount() {
    // Three blocks per eth_getLogs call: the window is read in many ranges.
    let s = setup("logs_block_range = 3");
    let hash = s.node.pay_token(&s.token, ALICE, BOB, 100 * USDT);
    s.node.mine(20);

    let (v, run) = check(&s.cfg, &[BOB, "--expect", "100", "--token", "usdt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = &v["match"];
    assert_eq!(m["hash"], hash);
    assert_eq!(m["kind"], "transaction");
    assert_eq!(m["status"], "finalized", "21 confirmations of 12");
    assert_eq!(m["transfer"]["amount"], "100");
    assert_eq!(m["token_transfers"][0]["to"], BOB);
    let d = v["diagnosis"].as_str().unwrap();
    assert!(d.contains("100 USDT") && d.contains(&hash), "{d}");
    // Issue 20: said to the receiver, who asked; not the sender's paragraph.
    assert!(
        d.contains("sent to you") && d.contains("It is final"),
        "{d}"
    );
    assert!(!d.contains("Your transfer"), "{d}");

    // "100 USDT" in one argument, and from the right sender.
    let (v, run) = check(&s.cfg, &[BOB, "--expect", "100 USDT", "--from", ALICE]);
    assert_eq!((run.code, &v["match"]["hash"]), (0, &json!(hash)));

    // A wrong amount: nothing matches, exit 5, and the paragraph says what was searched.
    let (v, run) = check(&s.cfg, &[BOB, "--expect", "99", "--token", "USDT"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(v["match"], Value::Null);
    assert_eq!(v["near_misses"][0]["transfer"]["amount"], "100");
    let history = &v["chains"][0]["history"];
    assert_eq!(history["source"], "eth_getLogs");
    assert_eq!(
        (history["from_block"].as_u64(), history["gaps"].clone()),
        (Some(0), json!([]))
    );
    let d = v["diagnosis"].as_str().unwrap();
    assert!(
        d.contains("no incoming transfer of 99 USDT")
            && d.contains("blocks 0 to")
            && d.contains("transaction hash"),
        "{d}"
    );

    // The right amount from another sender does not match either.
    let (v, run) = check(
        &s.cfg,
        &[BOB, "--expect", "100", "--token", "USDT", "--from", CAROL],
    );
    assert_eq!((run.code, &v["match"]), (5, &Value::Null));

    // --expect needs an address and a number.
    let run = s.cfg.run(&["check", &hash, "--expect", "100"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = s.cfg.run(&["check", BOB, "--expect", "a hundred"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// A proxy whose `eth_getLogs` refuses ranges wider than `max` blocks, as
/// public endpoints do; everything else goes to anvil.
fn narrow_logs_proxy(upstream: &str, max: u64) -> FakeServer {
    let upstream = upstream.to_string();
    FakeServer::start(move |body| {
        let calls: Vec<Value> = match serde_json::from_str::<Value>(body).unwrap() {
            Value::Array(a) => a,
            one => vec![one],
        };
        let answers: Vec<Value> = calls
            .iter()
            .map(|call| {
                if call["method"] == "eth_getLogs" {
                    let n = |k: &str| hex_u64(&call["params"][0][k]);
                    if n("toBlock") - n("fromBlock") + 1 > max {
                        return json!({"jsonrpc": "2.0", "id": call["id"], "error": {"code": -32005, "message": format!("query exceeds max block range {max}")}});
                    }
                }
                let resp = ureq::post(&upstream)
                    .set("Content-Type", "application/json")
                    .send_string(&call.to_string())
                    .unwrap();
                serde_json::from_str(&resp.into_string().unwrap()).unwrap()
            })
            .collect();
        Reply::json(Value::Array(answers).to_string())
    })
}

#[test]
fn issue_7_ranges_the_endpoint_refuses_are_split_until_it_accepts() {
    let s = setup("");
    let proxy = narrow_logs_proxy(&s.node.url, 4);
    let hash = s.node.pay_token(&s.token, ALICE, BOB, 100 * USDT);
    s.node.mine(30);
    let mut spec = ChainSpec::new("eth", 1, vec![proxy.url.clone()]);
    spec.tokens = vec![("USDT", s.token.clone(), 6)];
    let cfg = write_config(&[spec]);

    let (v, run) = check(&cfg, &[BOB, "--expect", "100", "--token", "USDT"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["match"]["hash"], hash);
    assert_eq!(v["chains"][0]["history"]["gaps"], json!([]));
    let narrow = proxy
        .bodies()
        .iter()
        .filter(|b| b.contains("eth_getLogs"))
        .count();
    assert!(narrow >= 2, "the window was read in several requests");
}

#[test]
fn issue_7_history_an_endpoint_cannot_read_is_never_nothing_arrived() {
    let s = setup("");
    let no_logs = FakeServer::proxy(&s.node.url, |body| {
        body.contains("eth_getLogs").then(|| {
            Reply::status(
                503,
                "<html><body>Service Temporarily Unavailable</body></html>",
            )
        })
    });
    s.node.pay_token(&s.token, ALICE, BOB, 100 * USDT);
    let mut spec = ChainSpec::new("eth", 1, vec![no_logs.url.clone()]);
    spec.tokens = vec![("USDT", s.token.clone(), 6)];
    let cfg = write_config(&[spec]);

    let (v, run) = check(&cfg, &[BOB, "--expect", "100", "--token", "USDT"]);
    assert_eq!(run.code, 6, "unknown, not 5: {}", run.stderr);
    assert_eq!(v["match"], Value::Null);
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "history_incomplete"),
        "{}",
        v["warnings"]
    );
    // Balances still come from the first batch.
    assert_eq!(v["chains"][0]["tokens"][0]["amount"], "100");
    let d = v["diagnosis"].as_str().unwrap();
    assert!(d.contains("could not be completed"), "{d}");

    // No endpoint at all: exit 6.
    let dead = write_config(&[ChainSpec::new("eth", 1, vec![dead_endpoint()])]);
    let (v, run) = check(&dead, &[BOB]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["chains"][0]["balance"], Value::Null);
}

#[test]
fn issue_7_address_poisoning_is_flagged_in_the_history_and_on_the_payment() {
    let s = setup("");
    // ALICE pays her genuine counterparty.
    s.node.pay_token(&s.token, ALICE, GENUINE, 100 * USDT);
    // The poisoner, from a look-alike address, sends ALICE a zero-value transfer.
    s.node
        .rpc("anvil_setBalance", json!([LOOKALIKE, "0xde0b6b3a7640000"]));
    s.node.rpc("anvil_impersonateAccount", json!([LOOKALIKE]));
    s.node.pay_token(&s.token, LOOKALIKE, ALICE, 0);

    let (v, run) = check(&s.cfg, &[ALICE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let poisoning: Vec<&Value> = warnings_of(&v, "address_poisoning");
    assert_eq!(poisoning.len(), 1, "{}", v["warnings"]);
    assert_eq!(poisoning[0]["lookalike"], checksum(LOOKALIKE));
    assert_eq!(poisoning[0]["genuine"], checksum(GENUINE));
    assert!(
        poisoning[0]["message"]
            .as_str()
            .unwrap()
            .contains("poisoning")
    );
    let d = v["diagnosis"].as_str().unwrap();
    assert!(
        d.contains("address poisoning")
            && d.contains(&checksum(LOOKALIKE))
            && d.contains("never copy"),
        "{d}"
    );

    // ALICE then copies the wrong address from her history and pays it.
    let paid = s.node.pay_token(&s.token, ALICE, LOOKALIKE, 50 * USDT);
    let (v, run) = check(&s.cfg, &[&paid]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w: Vec<&Value> = warnings_of(&v, "address_poisoning");
    assert_eq!(w.len(), 1, "{}", v["warnings"]);
    assert_eq!(
        (w[0]["lookalike"].as_str(), w[0]["genuine"].as_str()),
        (
            Some(checksum(LOOKALIKE).as_str()),
            Some(checksum(GENUINE).as_str())
        )
    );

    // A payment to the genuine address raises nothing.
    let fine = s.node.pay_token(&s.token, ALICE, GENUINE, 5 * USDT);
    let (v, _) = check(&s.cfg, &[&fine]);
    assert_eq!(v["warnings"], json!([]), "{}", v["warnings"]);
}
