//! Stuck and vanished transactions against real anvil nodes, each state made
//! for real: a nonce gap, a max fee left below the base fee by a spike, a tip
//! far below what recent blocks paid, a replacement with the same nonce, a
//! transaction dropped from the pool — and `watch` following a transaction
//! while blocks are mined.

use std::time::Duration;

use crate::common::*;
use serde_json::{Value, json};

const GWEI: u64 = 1_000_000_000;

fn eth_node() -> (Anvil, TestConfig) {
    let node = Anvil::spawn(1);
    // Past genesis: a node at block 0 cannot testify "not found" (issue 18).
    node.mine(1);
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![node.url.clone()])]);
    (node, cfg)
}

fn gwei_hex(tenths: u64) -> String {
    format!("0x{:x}", tenths * GWEI / 10)
}

fn diagnosis(v: &Value) -> &str {
    v["diagnosis"].as_str().unwrap()
}

#[test]
fn a_healthy_pending_transaction_waits_with_an_eta() {
    let (node, cfg) = eth_node();
    node.automine(false);
    let hash = node.send_pending(eip1559_transfer(0, 100, 10));
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("pending"), Some("waiting"))
    );
    assert_eq!(v["block"], Value::Null);
    assert_eq!(v["fee"], Value::Null);
    assert_eq!(v["eta_seconds"], 12 * 12, "12 confirmations of 12 s");
    assert_eq!(
        v["pending"]["sender_nonce"],
        json!({"latest": 0, "pending": 1})
    );
    assert_eq!(v["pending"]["missing_nonces"], json!([]));
    assert_eq!(v["pending"]["max_fee_per_gas_wei"], (10 * GWEI).to_string());
    assert!(
        diagnosis(&v).contains("should go through shortly"),
        "{}",
        diagnosis(&v)
    );
}

#[test]
fn a_nonce_gap_names_the_missing_nonces_in_two_requests() {
    let (node, cfg) = eth_node();
    // Nonces 0 and 1 never sent: anvil queues nonce 2.
    let hash = node.send_pending(eip1559_transfer(2, 100, 10));
    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("pending"), Some("nonce_gap"))
    );
    assert_eq!(v["nonce"], 2);
    assert_eq!(
        v["pending"]["sender_nonce"],
        json!({"latest": 0, "pending": 0})
    );
    assert_eq!(v["pending"]["missing_nonces"], json!([0, 1]));
    assert_eq!(v["pending"]["ahead_in_pool"], json!([]));
    assert_eq!(v["eta_seconds"], Value::Null, "no ETA while blocked");
    assert!(v["pending"]["new_transaction_fees"]["max_fee_per_gas_wei"].is_string());
    let d = diagnosis(&v);
    assert!(d.contains("nonces 0 and 1"), "{d}");
    assert!(d.contains("0 ETH to your own address"), "{d}");
    assert_eq!(
        lookup_requests(&run),
        2,
        "the lookup and the sender's nonces:\n{}",
        run.stderr
    );

    // Nonce 0 arrives but waits (automine off): only 1 is missing now.
    node.automine(false);
    node.send_pending(eip1559_transfer(0, 100, 10));
    let (v, _) = check_json(&cfg, &hash);
    assert_eq!(v["reason"], "nonce_gap");
    assert_eq!(
        v["pending"]["sender_nonce"],
        json!({"latest": 0, "pending": 1})
    );
    assert_eq!(v["pending"]["missing_nonces"], json!([1]));
    assert_eq!(v["pending"]["ahead_in_pool"], json!([0]));
    assert!(
        diagnosis(&v).contains("transaction with nonce 1"),
        "{}",
        diagnosis(&v)
    );

    // Once 1 is there too, it waits its turn behind both.
    node.send_pending(eip1559_transfer(1, 100, 10));
    let (v, _) = check_json(&cfg, &hash);
    assert_eq!(v["reason"], "waiting");
    assert_eq!(v["pending"]["ahead_in_pool"], json!([0, 1]));
    assert!(
        diagnosis(&v).contains("waiting its turn"),
        "{}",
        diagnosis(&v)
    );
}

#[test]
fn a_base_fee_spike_leaves_the_max_fee_below_it() {
    let (node, cfg) = eth_node();
    node.automine(false);
    // Sent at a max fee of 2 gwei (tip 1), then the base fee jumps to 10 gwei.
    let hash = node.send_pending(eip1559_transfer(0, 20, 10));
    node.rpc(
        "anvil_setNextBlockBaseFeePerGas",
        json!([format!("0x{:x}", 10 * GWEI)]),
    );
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("pending"), Some("fee_below_base_fee"))
    );
    assert_eq!(v["pending"]["next_base_fee_wei"], (10 * GWEI).to_string());
    // Replacement: tip +10% = 1.1 gwei; max fee 2 × 10 + 1.1 = 21.1 gwei.
    assert_eq!(
        v["pending"]["speed_up"],
        json!({
            "max_fee_per_gas_wei": (211 * GWEI / 10).to_string(),
            "max_priority_fee_per_gas_wei": (11 * GWEI / 10).to_string(),
            "gas_price_wei": null,
        })
    );
    let level = v["congestion"]["level"].as_str().unwrap();
    assert!(
        level == "high" || level == "extreme",
        "a 10× spike read {level}"
    );
    assert!(v["congestion"]["base_fee_change_pct"].as_f64().unwrap() >= 100.0);
    let d = diagnosis(&v);
    for want in [
        "max fee of 2 gwei",
        "base fee is now 10 gwei (8 gwei more)",
        "same nonce (0)",
        "at least 10%",
        "a max fee of 21.1 gwei and a priority fee of 1.1 gwei",
        "0 ETH to your own address",
    ] {
        assert!(d.contains(want), "{want:?} missing from: {d}");
    }

    // The suggested replacement is one the node accepts, and it gets mined.
    let replacement = node.send_pending(eip1559_transfer(0, 211, 11));
    node.mine(1);
    assert_eq!(node.receipt(&replacement)["status"], "0x1");
}

#[test]
fn a_tip_far_below_recent_blocks_is_low_priority() {
    let (node, cfg) = eth_node();
    // Recent blocks: BOB pays a 5 gwei tip in each.
    for nonce in 0..3u64 {
        node.send(json!({
            "from": BOB, "to": CAROL, "value": "0x1", "nonce": format!("0x{nonce:x}"),
            "maxFeePerGas": gwei_hex(200), "maxPriorityFeePerGas": gwei_hex(50),
        }));
    }
    node.automine(false);
    let hash = node.send_pending(eip1559_transfer(0, 200, 1));
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(v["reason"], "low_priority_fee", "{}", diagnosis(&v));
    assert_eq!(
        v["pending"]["effective_priority_fee_wei"],
        (GWEI / 10).to_string()
    );
    assert_eq!(
        v["pending"]["recent_priority_fees_wei"]["p50"],
        (5 * GWEI).to_string()
    );
    assert_eq!(
        v["pending"]["speed_up"]["max_priority_fee_per_gas_wei"],
        (5 * GWEI).to_string(),
        "the tip is raised to what blocks pay, not just by 10%"
    );
    let d = diagnosis(&v);
    assert!(
        d.contains("tip) of 0.1 gwei is far below the 5 gwei"),
        "{d}"
    );
}

#[test]
fn a_replaced_transaction_names_its_replacement_from_memory() {
    let (node, cfg) = eth_node();
    // A: nonce 1 while nonce 0 is missing, so it stays queued while blocks pass.
    let a = node.send_pending(eip1559_transfer(1, 100, 10));
    let (v, _) = check_json(&cfg, &a);
    assert_eq!(v["reason"], "nonce_gap");
    node.mine(20);
    // B replaces A (same nonce, fees +20%); nonce 0 arrives; both are mined.
    node.automine(false);
    let b = node.send_pending(eip1559_transfer(1, 120, 12));
    node.send_pending(eip1559_transfer(0, 100, 10));
    node.mine(1);
    let b_block = hex_u64(&node.receipt(&b)["blockNumber"]);
    node.mine(3);

    let (v, run) = check_json_with(&cfg, &a, &["-v"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("replaced"), Some("replaced"))
    );
    assert_eq!(v["replaced_by"], b.as_str());
    assert_eq!(v["replaced_by_url"], format!("https://etherscan.io/tx/{b}"));
    assert_eq!(v["chain"], "eth");
    assert_eq!(v["from"], ALICE);
    assert_eq!(v["nonce"], 1);
    assert_eq!(v["seen_pending"]["replaced_in_block"], b_block);
    assert_eq!(
        v["seen_pending"]["sender_nonce"],
        json!({"latest": 2, "pending": 2})
    );
    let d = diagnosis(&v);
    assert!(
        d.contains(&format!(
            "used by another transaction, {b}, included in block {b_block}"
        )),
        "{d}"
    );
    assert!(
        lookup_requests(&run) <= 6,
        "lookup, nonces, ≤3 search rounds, block:\n{}",
        run.stderr
    );

    // A user with no memory of A gets not_found and is asked for the sender.
    let (v, run) = check_json_with(
        &write_config(&[ChainSpec::new("eth", 1, vec![node.url.clone()])]),
        &a,
        &[],
    );
    assert_eq!(run.code, 5);
    assert_eq!(v["status"], "not_found");
    assert_eq!(v["replaced_by"], Value::Null);
    assert!(
        diagnosis(&v).contains("ask the sender for their address"),
        "{}",
        diagnosis(&v)
    );
}

#[test]
fn a_replacement_still_in_the_pool_and_a_dropped_transaction() {
    let (node, cfg) = eth_node();
    node.automine(false);
    let a = node.send_pending(eip1559_transfer(0, 100, 10));
    assert_eq!(check_json(&cfg, &a).0["status"], "pending");
    let b = node.send_pending(eip1559_transfer(0, 120, 12));
    let (v, run) = check_json(&cfg, &a);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(v["status"], "replaced");
    assert_eq!(
        v["replaced_by"],
        Value::Null,
        "a pooled replacement is not searchable by nonce"
    );
    assert_eq!(v["seen_pending"]["replacement_in_pool"], true);
    assert!(
        diagnosis(&v).contains("still waiting for a block"),
        "{}",
        diagnosis(&v)
    );

    // B is seen, then dropped from the pool: its nonce is free again.
    assert_eq!(check_json(&cfg, &b).0["status"], "pending");
    node.rpc("anvil_dropTransaction", json!([b]));
    let (v, run) = check_json(&cfg, &b);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("dropped"), Some("dropped"))
    );
    assert_eq!(
        v["seen_pending"]["sender_nonce"],
        json!({"latest": 0, "pending": 0})
    );
    assert!(
        v["seen_pending"]["first_seen"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(
        diagnosis(&v).contains("safe to send the transfer again"),
        "{}",
        diagnosis(&v)
    );
    let text = cfg.run(&["check", &b]);
    assert!(text.stdout.contains("Seen pending"), "{}", text.stdout);
}

#[test]
fn watch_follows_a_transaction_to_final_while_blocks_are_mined() {
    let node = Anvil::spawn(1);
    let mut spec = ChainSpec::new("eth", 1, vec![node.url.clone()]);
    spec.confirmations = 3;
    let cfg = write_config(&[spec]);
    node.automine(false);
    let hash = node.send_pending(eip1559_transfer(0, 100, 10));
    let mut watch = cfg.spawn(&[
        "watch",
        &hash,
        "--interval",
        "100ms",
        "--timeout",
        "30s",
        "--json",
    ]);
    std::thread::sleep(Duration::from_millis(400));
    assert!(watch.is_running(), "still pending: the watch goes on");
    for _ in 0..4 {
        node.mine(1);
        std::thread::sleep(Duration::from_millis(300));
    }
    let run = watch.finish(Duration::from_secs(30));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["status"], "finalized");
    assert!(v["confirmations"].as_u64().unwrap() >= 3);
    for want in [
        "pending (waiting)",
        "confirmed: 1 (3 required)",
        "final: 3 confirmations",
    ] {
        assert!(
            run.stderr.contains(want),
            "{want:?} missing from progress:\n{}",
            run.stderr
        );
    }
}

#[test]
fn watch_stops_at_confirmed_times_out_pending_and_ends_on_replacement() {
    let (node, cfg) = eth_node();
    let mined = node.send(eip1559_transfer(0, 100, 10));
    let run = cfg.run(&["watch", &mined, "--until", "confirmed", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["status"], "confirmed");

    node.automine(false);
    let stuck = node.send_pending(eip1559_transfer(1, 100, 10));
    let run = cfg.run(&[
        "watch",
        &stuck,
        "--interval",
        "200ms",
        "--timeout",
        "1s",
        "--json",
    ]);
    assert_eq!(run.code, 3, "timed out while pending: {}", run.stderr);
    assert_eq!(run.json()["status"], "pending");
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    assert!(run.stderr.contains("gave up after 1s"), "{}", run.stderr);

    let watch = cfg.spawn(&["watch", &stuck, "--interval", "100ms", "--timeout", "30s"]);
    std::thread::sleep(Duration::from_millis(300));
    let replacement = node.send_pending(eip1559_transfer(1, 150, 20));
    node.mine(1);
    let run = watch.finish(Duration::from_secs(30));
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stdout.contains("replaced (replaced)"), "{}", run.stdout);
    assert!(run.stdout.contains(&replacement), "{}", run.stdout);
}

#[test]
fn an_endpoint_that_cannot_say_the_nonce_never_makes_a_transaction_dropped() {
    let (node, cfg) = eth_node();
    node.automine(false);
    let hash = node.send_pending(eip1559_transfer(0, 100, 10));
    assert_eq!(check_json(&cfg, &hash).0["status"], "pending");
    node.rpc("anvil_dropTransaction", json!([hash]));

    // The same user (same memory), through an endpoint that fails the nonce question.
    let no_nonces = fake::FakeServer::proxy(&node.url, |body| {
        body.contains("eth_getTransactionCount")
            .then(|| fake::Reply::status(500, "<html>internal error</html>"))
    });
    let faulty = write_config(&[ChainSpec::new("eth", 1, vec![no_nonces.url.clone()])]);
    let run = txdoctor_with_cache(
        &[
            "check",
            &hash,
            "--json",
            "--config",
            faulty.path.to_str().unwrap(),
        ],
        &cfg.cache,
    );
    let v = run.json();
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(v["status"], "not_found", "no nonce, no dropped verdict");
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["nonce_unchecked"]);
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 500"),
        "{}",
        v["warnings"]
    );
    assert!(
        diagnosis(&v).contains("could not check the sender's nonce"),
        "{}",
        diagnosis(&v)
    );
}
