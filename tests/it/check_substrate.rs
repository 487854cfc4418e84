//! `txdoctor check` on Polkadot and Kusama (issue 23) against a fake
//! substrate-api-sidecar and a fake Subscan (tests/it/common/substrate.rs;
//! fixtures and sources in tests/fixtures/substrate): a DOT transfer by
//! `{block}-{index}` and by hash inside the window, USDt on Asset Hub, a
//! failed transfer with its module error named (and without metadata), a
//! hash outside the window, the keyed Subscan path, a relay-chain
//! transaction after the migration, an XCM transfer, an address view, a
//! failing endpoint, a node of another genesis.

use std::collections::HashMap;

use crate::common::aptos::{FakeAptos, aptos_toml};
use crate::common::fake::{FakeServer, Reply};
use crate::common::substrate::*;
use crate::common::*;
use serde_json::{Value, json};

fn relay_config(rpc: &[&str], extra: &str) -> TestConfig {
    write_raw_config(&substrate_toml("dot-relay", RELAY_GENESIS, rpc, extra))
}

fn ah_config(rpc: &[&str], extra: &str) -> TestConfig {
    write_raw_config(&substrate_toml("dot", AH_GENESIS, rpc, extra))
}

#[test]
fn issue_23_a_dot_transfer_by_block_and_index_is_final_in_one_round_trip() {
    let node = FakeSidecar::start(RELAY_GENESIS, &["dot_transfer"]);
    let cfg = relay_config(&[&node.url()], "");
    let (v, run) = check_json_with(
        &cfg,
        "https://dot-relay.subscan.io/extrinsic/11852237-2",
        &["-v"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (
            v["status"].as_str(),
            v["reason"].as_str(),
            v["chain"].as_str()
        ),
        (Some("finalized"), Some("included"), Some("dot-relay"))
    );
    assert_eq!(v["hash"], place_of("dot_transfer").2);
    assert_eq!(v["block"], 11_852_237);
    assert_eq!(v["from"], SENDER);
    assert_eq!(v["to"], RECIPIENT);
    assert_eq!(
        v["value"],
        json!({"raw": "3950000000000", "amount": "395", "symbol": "DOT"})
    );
    // The fee TransactionFeePaid says was taken.
    assert_eq!(v["fee"]["raw"], "161568816");
    assert_eq!(v["substrate"]["extrinsic"], "11852237-2");
    assert_eq!(v["substrate"]["call"], "balances.transferKeepAlive");
    says(
        &v,
        &[
            &format!("transfer of 395 DOT to {RECIPIENT}"),
            "is final (extrinsic 11852237-2",
        ],
    );
    // The block, both heads and the genesis block, at once.
    assert_eq!(requests(&run), 4, "{}", run.stderr);
}

#[test]
fn issue_23_a_hash_inside_the_window_is_found_by_scanning_and_outside_is_beyond_it() {
    let node = FakeSidecar::start(RELAY_GENESIS, &["dot_transfer"]);
    let cfg = relay_config(&[&node.url()], "");
    let (_, _, hash) = place_of("dot_transfer");
    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["substrate"]["extrinsic"], "11852237-2");
    // Head + genesis, the newest ranges (four in flight; the block is in
    // the newest), then the block's round.
    let ranges: Vec<String> = node
        .paths()
        .into_iter()
        .filter(|p| p.contains("range="))
        .collect();
    assert!(
        ranges.contains(&"/blocks?range=11852204-11852267&noFees=true".to_string()),
        "{ranges:?}"
    );
    assert!(ranges.len() <= 4, "{ranges:?}");
    assert!(requests(&run) <= 2 + 4 + 4, "{}", run.stderr);
    // Far below the window: unknown, never not found, the blocks searched said.
    node.set(|s| {
        s.best += 5_000;
        s.finalized += 5_000;
    });
    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("beyond_search_window"))
    );
    let best = 11_852_237 + 30 + 5_000;
    assert_eq!(
        v["search_window"],
        json!({"from": best - 1023, "to": best, "chains": ["dot-relay"],
               "windows": [{"chain": "dot-relay", "from": best - 1023, "to": best}]})
    );
    says(&v, &["Subscan link", "not lost"]);
    // The whole window: head + genesis, 16 ranges of 64.
    assert_eq!(requests(&run), 2 + 16, "{}", run.stderr);
}

#[test]
fn issue_23_usdt_on_asset_hub_names_the_asset_and_the_recipient() {
    let node = FakeSidecar::start(AH_GENESIS, &["usdt"]);
    let cfg = ah_config(&[&node.url()], "");
    let (b, i, _) = place_of("usdt");
    let (v, run) = check_json(&cfg, &format!("{b}-{i}"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        v["token_transfers"],
        json!([{"token": "1984", "symbol": "USDt", "from": SENDER, "to": RECIPIENT,
                "raw": "250000000", "amount": "250", "memo": null}])
    );
    says(&v, &[&format!("transfer of 250 USDt to {RECIPIENT}")]);
}

#[test]
fn issue_23_a_failed_transfer_is_named_from_the_metadata_or_by_its_indices() {
    let node = FakeSidecar::start(AH_GENESIS, &["failed"]);
    let cfg = ah_config(&[&node.url()], "");
    let (b, i, _) = place_of("failed");
    let (v, run) = check_json_with(&cfg, &format!("{b}-{i}"), &["-v"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("failed"), Some("module_error"))
    );
    assert_eq!(v["failure"]["message"], "Balances.InsufficientBalance");
    assert_eq!(v["fee"]["raw"], "20512345");
    says(
        &v,
        &[
            "Balances.InsufficientBalance",
            "Balance too low to send value",
            "was still charged",
        ],
    );
    // The block round, then the runtime's spec and the pallet's errors.
    assert_eq!(requests(&run), 4 + 2, "{}", run.stderr);
    // Without metadata: said plainly by its indices.
    node.set(|s| s.errors = None);
    let node2 = FakeSidecar::start(AH_GENESIS, &["failed"]);
    node2.set(|s| s.errors = None);
    let cfg2 = ah_config(&[&node2.url()], "");
    let (v, _) = check_json(&cfg2, &format!("{b}-{i}"));
    assert_eq!(v["failure"]["message"], "module 10, error 2");
}

#[test]
fn issue_23_the_keyed_subscan_path_is_one_request_then_the_block() {
    let node = FakeSidecar::start(AH_GENESIS, &["usdt"]);
    let (b, i, hash) = place_of("usdt");
    let subscan = fake_subscan("k-123", HashMap::from([(hash.clone(), (b, i))]));
    let extra = format!(
        "subscan = {:?}\nsubscan_key_env = \"TEST_SUBSCAN_KEY\"\n",
        subscan.url
    );
    let cfg = write_raw_config(&substrate_toml("dot", AH_GENESIS, &[&node.url()], &extra));
    let run = cfg.run_env(
        &["check", &hash, "--json", "-v"],
        &[("TEST_SUBSCAN_KEY", "k-123")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["substrate"]["extrinsic"], format!("{b}-{i}"));
    // One Subscan request, then the block round; no scan.
    assert_eq!(subscan.hits(), 1);
    assert!(
        node.paths().iter().all(|p| !p.contains("range")),
        "{:?}",
        node.paths()
    );
    assert!(!run.stderr.contains("k-123"), "the key is never shown");
    // An address with the key: Subscan's transfers, both ways.
    let run = cfg.run_env(
        &["check", SENDER, "--json", "--since", "1000d"],
        &[("TEST_SUBSCAN_KEY", "k-123")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = &run.json()["chains"][0]["recent_transfers"];
    assert_eq!(t[0]["amount"], "395", "{t}");
    assert_eq!(t[0]["direction"], "out");
}

#[test]
fn issue_23_a_relay_transaction_after_the_migration_points_to_asset_hub() {
    let mut moved = block_of("dot_transfer");
    moved["number"] = json!("28500000");
    let node = FakeSidecar::start(RELAY_GENESIS, &[]);
    node.set(|s| {
        s.blocks.insert(28_500_000, moved.clone());
        s.best = 28_500_030;
        s.finalized = 28_500_028;
    });
    let cfg = relay_config(
        &[&node.url()],
        "moved_to = \"Polkadot Asset Hub\"\nmoved_at_block = 28490502\n",
    );
    // By hash: found by the scan, the migration said.
    let (v, run) = check_json(&cfg, &place_of("dot_transfer").2);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["substrate"]["extrinsic"], "28500000-2");
    assert_eq!(v["substrate"]["moved_to"], "Polkadot Asset Hub");
    says(&v, &["live on Polkadot Asset Hub"]);
}

#[test]
fn issue_23_an_xcm_transfer_names_its_destination_and_beneficiary() {
    let node = FakeSidecar::start(AH_GENESIS, &["xcm"]);
    let cfg = ah_config(&[&node.url()], "");
    let (b, i, _) = place_of("xcm");
    let (v, run) = check_json(&cfg, &format!("{b}-{i}"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        v["substrate"]["xcm"]["destination"],
        "parachain 2034 (Hydration)"
    );
    let beneficiary = v["substrate"]["xcm"]["beneficiary"].as_str().unwrap();
    assert_eq!(
        v["to"], beneficiary,
        "the beneficiary, not the sovereign account"
    );
    says(
        &v,
        &[
            "cross-chain (XCM) transfer of 12 DOT to parachain 2034 (Hydration)",
            "do not send it again",
        ],
    );
}

#[test]
fn issue_23_an_address_view_explains_what_is_held_and_that_transfers_need_subscan() {
    let node = FakeSidecar::start(AH_GENESIS, &[]);
    node.set(|s| {
        s.balance_info.insert(
            RECIPIENT.into(),
            json!({"at": {"hash": "0x00", "height": "10300000"}, "nonce": "7", "tokenSymbol": "DOT",
                   "free": "1200000000000", "reserved": "20000000000", "frozen": "500000000000",
                   "transferable": "720000000000", "locks": []}),
        );
        s.assets.insert(
            RECIPIENT.into(),
            json!({"at": {"hash": "0x00", "height": "10300000"},
                   "assets": [{"assetId": "1984", "balance": "250000000", "isFrozen": false, "isSufficient": true}]}),
        );
    });
    let cfg = ah_config(&[&node.url()], "");
    let (v, run) = check_json_with(&cfg, RECIPIENT, &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let chain = &v["chains"][0];
    assert_eq!(chain["balance"]["amount"], "120");
    assert_eq!(chain["held"]["transferable"]["amount"], "72");
    assert_eq!(chain["tokens"][0]["amount"], "250");
    assert_eq!(chain["nonce"]["latest"], 7);
    assert!(
        chain["history"]["gaps"].to_string().contains("Subscan key"),
        "{}",
        chain["history"]
    );
    says(&v, &["72 DOT can be transferred now"]);
    // balance-info, asset-balances and genesis, at once.
    assert_eq!(requests(&run), 3, "{}", run.stderr);
    // A Kusama address is not a Polkadot chain's; a typo is refused before any request.
    let run = cfg.run(&["check", "15JPAdie8xAsQYZMLGmBqZDjbtrrehdAMjBDrsKdx8epVBBi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("checksum"), "{}", run.stderr);
}

#[test]
fn issue_23_a_failing_endpoint_falls_back_and_another_genesis_is_not_used() {
    let broken = FakeServer::serve(|_| Reply::status(503, "busy"));
    let node = FakeSidecar::start(RELAY_GENESIS, &["dot_transfer"]);
    let cfg = relay_config(&[&broken.url, &node.url()], "");
    let (v, run) = check_json(&cfg, "11852237-2");
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("finalized")),
        "{}",
        run.stderr
    );
    assert!(!warnings_of(&v, "endpoint_failed").is_empty());

    let kusama = FakeSidecar::start(
        "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe",
        &["dot_transfer"],
    );
    let cfg = relay_config(&[&kusama.url()], "");
    let (v, run) = check_json(&cfg, "11852237-2");
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["reason"], "chain_mismatch");
}

#[test]
fn issue_23_a_lying_sidecar_is_not_believed() {
    // Another block than the one asked.
    let node = FakeSidecar::start(RELAY_GENESIS, &["dot_transfer"]);
    node.set(|s| {
        let b = s.blocks.get(&11_852_237).unwrap().clone();
        s.blocks.insert(11_852_238, b);
    });
    let cfg = relay_config(&[&node.url()], "");
    let (v, _) = check_json(&cfg, "11852238-2");
    assert_eq!(v["status"], "unknown");
    assert_eq!(warnings_of(&v, "inconsistent_answer").len(), 1, "{v}");
    // A finalized head past the best head.
    node.set(|s| s.finalized = s.best + 10);
    let (v, _) = check_json(&cfg, "11852237-2");
    assert_eq!(v["status"], "unknown");
    // Event text is data.
    let node = FakeSidecar::start(AH_GENESIS, &["failed"]);
    node.set(|s| {
        let mut e = s.errors.clone().unwrap();
        e["items"][2]["docs"] = json!(["Balance\u{1b}[2J too low\u{202e}"]);
        s.errors = Some(e);
    });
    let cfg = ah_config(&[&node.url()], "");
    let (b, i, _) = place_of("failed");
    let run = cfg.run(&["check", &format!("{b}-{i}")]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    for bad in ['\u{1b}', '\u{202e}'] {
        assert!(!run.stdout.contains(bad), "{:?}", run.stdout);
    }
}

#[test]
fn issue_23_probe_reads_head_and_genesis() {
    let node = FakeSidecar::start(RELAY_GENESIS, &[]);
    let wrong = FakeSidecar::start(AH_GENESIS, &[]);
    let cfg = relay_config(&[&node.url(), &wrong.url()], "");
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = run.json();
    let text = v.to_string();
    assert!(text.contains("wrong_chain"), "{text}");
    let up = &v[0]["endpoints"][0];
    assert_eq!(
        (up["status"].as_str(), up["runtime"].as_str()),
        (Some("up"), Some("statemint 1007001"))
    );
    assert_eq!(
        up["finalized_head"].as_u64().unwrap() + 2,
        up["head"].as_u64().unwrap()
    );
    // head, finalized head, runtime spec and genesis, per endpoint.
    assert_eq!(node.paths().len(), 4, "{:?}", node.paths());
}

#[test]
fn issue_23_a_slow_scan_runs_out_of_time_and_what_the_other_chains_said_stands() {
    // A bare 0x hash is asked of Aptos and of a relay chain whose every
    // range of blocks takes 1 s (4 in flight, 16 to read): the scan cannot
    // finish within a 3 s --timeout, though no one request times out. Aptos's answers (not there) still count; the relay chain is
    // unavailable for lack of time; so the verdict is unknown, never
    // not_found, and it says where it was not found.
    let aptos = FakeAptos::start(&[]);
    let node = FakeSidecar::start(RELAY_GENESIS, &["dot_transfer"]);
    node.set(|s| s.range_delay = Some(std::time::Duration::from_secs(1)));
    let toml = format!(
        "{}{}",
        aptos_toml(&[&aptos.url()]),
        substrate_toml("dot-relay", RELAY_GENESIS, &[&node.url()], "")
    );
    let cfg = write_raw_config(&toml);
    let hash = format!("0x{}", "4e".repeat(32));
    let (v, run) = check_json_with(&cfg, &hash, &["-v", "--timeout", "3s"]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("endpoints_unavailable"))
    );
    // Aptos answered (its two reads), the relay's scan was cut short.
    assert!(
        aptos.paths().iter().any(|p| p.contains(&hash)),
        "{:?}",
        aptos.paths()
    );
    let failed = warnings_of(&v, "endpoint_failed");
    assert!(
        failed
            .iter()
            .any(|w| w["kind"] == "timeout"
                && w["message"].as_str().unwrap().contains("recent blocks")),
        "{failed:?}"
    );
    assert!(
        !failed
            .iter()
            .any(|w| w["endpoint"].as_str().unwrap_or("").contains(&aptos.url())),
        "{failed:?}"
    );
    assert!(
        run.elapsed < std::time::Duration::from_secs(5),
        "{:?}",
        run.elapsed
    );
    says(
        &v,
        &[
            "is not on Aptos",
            "could not check Polkadot dot-relay",
            "not mean the transfer is lost",
        ],
    );
}

#[test]
fn issue_23_a_bare_hash_beyond_the_windows_says_where_it_is_not_and_which_blocks_were_read() {
    // A 0x hash asked of Aptos (it answers: not there), a relay chain and an
    // Asset Hub (neither has it in its recent blocks): the verdict is
    // unknown/beyond_search_window; the paragraph says it is not on Aptos,
    // names only the two Polkadot chains for the windows, and the JSON
    // gives each chain's window.
    let aptos = FakeAptos::start(&[]);
    let relay = FakeSidecar::start(RELAY_GENESIS, &["dot_transfer"]);
    let hub = FakeSidecar::start(AH_GENESIS, &["usdt"]);
    let toml = format!(
        "{}{}{}",
        aptos_toml(&[&aptos.url()]),
        substrate_toml("dot-relay", RELAY_GENESIS, &[&relay.url()], ""),
        substrate_toml("dot", AH_GENESIS, &[&hub.url()], "")
    );
    let cfg = write_raw_config(&toml);
    let hash = format!("0x{}", "4e".repeat(32));
    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("beyond_search_window"))
    );
    let windows = v["search_window"]["windows"].as_array().unwrap();
    let chains: Vec<&str> = windows
        .iter()
        .map(|w| w["chain"].as_str().unwrap())
        .collect();
    assert_eq!(chains, ["dot-relay", "dot"], "{windows:?}");
    let relay_best = 11_852_237 + 30;
    assert_eq!(windows[0]["to"], relay_best);
    assert_eq!(windows[0]["from"], relay_best - 1023);
    assert_eq!(v["search_window"]["chains"], json!(["dot-relay", "dot"]));
    says(
        &v,
        &[
            "could not find transaction",
            "on Aptos",
            "recent blocks of Polkadot dot-relay and Polkadot dot we could search;",
            "Subscan link",
        ],
    );
    let d = v["diagnosis"].as_str().unwrap();
    assert!(!d.contains("recent blocks of Aptos"), "{d}");
}

/// The cost of a full-window scan against the fake (the note's figure):
/// `cargo test --release --test it scan_cost -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn scan_cost() {
    let node = FakeSidecar::start(RELAY_GENESIS, &[]);
    // Blocks the size of the real relay block's transfer extrinsic, 3 each.
    let ex = block_of("dot_transfer")["extrinsics"][2].clone();
    node.set(|s| {
        s.best = 20_000_000;
        s.finalized = 19_999_998;
        for n in s.best - 1023..=s.best {
            let mut b = block_of("dot_transfer");
            b["number"] = json!(n.to_string());
            let mut x = ex.clone();
            x["hash"] = json!(format!("0x{:064x}", n));
            b["extrinsics"][2] = x;
            s.blocks.insert(n, b);
        }
    });
    let cfg = relay_config(&[&node.url()], "");
    let mut times = Vec::new();
    for _ in 0..3 {
        let (v, run) = check_json_with(&cfg, &format!("0x{}", "ee".repeat(32)), &["-v"]);
        assert_eq!(v["reason"], "beyond_search_window");
        times.push(run.elapsed.as_millis());
        eprintln!(
            "requests {} in {} ms",
            requests(&run),
            run.elapsed.as_millis()
        );
    }
    times.sort();
    eprintln!("median {} ms", times[1]);
}
