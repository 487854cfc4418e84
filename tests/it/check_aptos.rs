//! `txdoctor check` on Aptos (issue 21) against a fake full node that
//! answers like the node REST API (tests/it/common/aptos.rs; fixtures and
//! their sources in tests/fixtures/aptos): APT and USDt transfers, a
//! sponsored one, a Move abort, out of gas, pending (waiting and behind a
//! sequence gap), not found on two nodes, expired after being seen pending,
//! a failing endpoint, a bare 0x hash found on Aptos while an EVM chain says
//! not found, a 0x id that is an account, an address view, and the lies a
//! node can tell.

use crate::common::aptos::*;
use crate::common::fake::{FakeServer, Reply};
use crate::common::*;
use serde_json::{Value, json};

#[test]
fn issue_21_a_usdt_transfer_is_final_with_its_real_recipient_in_one_round_trip() {
    let node = FakeAptos::start(&["usdt"]);
    let cfg = aptos_config(&[&node.url()]);
    let hash = hash_of("usdt");
    let link = format!("https://explorer.aptoslabs.com/txn/{hash}?network=mainnet");
    let (v, run) = check_json_with(&cfg, &link, &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (
            v["status"].as_str(),
            v["reason"].as_str(),
            v["chain"].as_str()
        ),
        (Some("finalized"), Some("included"), Some("aptos"))
    );
    assert_eq!(v["hash"], hash);
    assert_eq!(v["block"], 7_210_214_534u64, "the ledger version");
    assert_eq!(v["confirmations"], Value::Null, "BFT: no count applies");
    assert_eq!(v["from"], SENDER);
    assert_eq!(v["to"], RECIPIENT, "the real recipient, not a module");
    assert_eq!(v["nonce"], 82);
    assert_eq!(
        v["token_transfers"],
        json!([{"token": USDT, "symbol": "USDt", "from": SENDER, "to": RECIPIENT,
                "raw": "14820000", "amount": "14.82", "memo": null}])
    );
    // 150 gas × 100 octas, no storage refund.
    assert_eq!(
        (
            v["fee"]["raw"].as_str(),
            v["fee"]["amount"].as_str(),
            v["fee"]["gas_used"].as_u64()
        ),
        (Some("15000"), Some("0.00015"), Some(150))
    );
    assert_eq!(v["fee"]["payer"], Value::Null);
    assert_eq!(v["aptos"]["fee_statement"]["io_gas_units"], 89);
    assert_eq!(v["aptos"]["version"], 7_210_214_534u64);
    assert_eq!(v["congestion"]["level"], "low");
    assert!(warnings_of(&v, "fake_token").is_empty());
    says(
        &v,
        &[
            &format!("transfer of 14.82 USDt to {RECIPIENT} on Aptos succeeded and is final"),
            "version 7210214534",
            "0.00015 APT",
            &link,
        ],
    );
    // The transaction and the gas estimate, at once; the ledger rode along in the headers.
    assert_eq!(requests(&run), 2, "{}", run.stderr);
    let mut paths = node.paths();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/v1/estimate_gas_price".to_string(),
            format!("/v1/transactions/by_hash/{hash}")
        ]
    );
}

#[test]
fn issue_21_an_apt_transfer_is_the_value_and_a_version_link_is_looked_up_by_version() {
    let node = FakeAptos::start(&["apt"]);
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json(
        &cfg,
        "https://explorer.aptoslabs.com/txn/7210214540?network=mainnet",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["hash"], hash_of("apt"));
    assert_eq!(
        v["value"],
        json!({"raw": "150000000", "amount": "1.5", "symbol": "APT"})
    );
    assert_eq!(v["to"], RECIPIENT);
    assert_eq!(v["token_transfers"], json!([]));
    says(
        &v,
        &[&format!("transfer of 1.5 APT to {RECIPIENT} on Aptos")],
    );
    assert!(
        node.paths()
            .iter()
            .any(|p| p == "/v1/transactions/by_version/7210214540")
    );
    // aptoscan links name the chain too.
    let (v, run) = check_json(
        &cfg,
        &format!("https://aptoscan.com/transaction/{}", hash_of("apt")),
    );
    assert_eq!(
        (run.code, v["chain"].as_str()),
        (0, Some("aptos")),
        "{}",
        run.stderr
    );
}

#[test]
fn issue_21_a_sponsored_transfer_names_who_paid_and_that_the_sender_paid_nothing() {
    let node = FakeAptos::start(&["sponsored"]);
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json(&cfg, &hash_of("sponsored"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let payer = "0x5ea1c0ffee000000000000000000000000000000000000000000000000000042";
    assert_eq!(v["fee"]["payer"], payer);
    assert_eq!(v["aptos"]["fee_payer"], payer);
    says(&v, &[&format!("paid by {payer}"), "the sender paid no fee"]);
    let text = cfg.run(&["check", &hash_of("sponsored")]).stdout;
    assert!(
        text.contains("Fee paid by") && text.contains(payer),
        "{text}"
    );
}

#[test]
fn issue_21_a_move_abort_is_failed_with_its_module_and_words_and_the_fee_charged() {
    let node = FakeAptos::start(&["abort"]);
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json(&cfg, &hash_of("abort"));
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("failed"), Some("move_abort"))
    );
    assert_eq!(
        v["aptos"]["abort"],
        json!({"module": "0x1::fungible_asset", "name": "EINSUFFICIENT_BALANCE",
               "code": "0x10004", "description": "Insufficient balance in the store"})
    );
    assert!(
        v["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("EINSUFFICIENT_BALANCE"),
        "{}",
        v["failure"]
    );
    assert_eq!(v["token_transfers"], json!([]), "nothing moved");
    assert_eq!(v["attempted_transfer"]["amount"], "500");
    assert_eq!(v["fee"]["raw"], "900");
    says(
        &v,
        &[
            "failed: the sender's balance was not enough for the amount",
            "0.000009 APT was still charged",
        ],
    );
}

#[test]
fn issue_21_out_of_gas_is_failed_out_of_gas() {
    let node = FakeAptos::start(&["out_of_gas"]);
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json(&cfg, &hash_of("out_of_gas"));
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(v["reason"], "out_of_gas");
    says(&v, &["ran out of gas", "gas limit of 8"]);
}

#[test]
fn issue_21_pending_waits_and_a_sequence_gap_is_named() {
    let node = FakeAptos::start(&["pending"]);
    let cfg = aptos_config(&[&node.url()]);
    let hash = hash_of("pending");
    // The sender's account expects 87: this one (87) is next.
    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("pending"), Some("waiting"))
    );
    assert_eq!(v["aptos"]["sender_sequence_number"], 87);
    assert_eq!(v["aptos"]["expiration_timestamp_secs"], 1_789_430_600u64);
    assert_eq!(v["attempted_transfer"]["amount"], "14.82");
    says(&v, &["waiting to be committed", "2026-09-15 00:03 UTC"]);
    // Transaction and estimate at once, then the sender's account.
    assert_eq!(requests(&run), 3, "{}", run.stderr);
    // The account expects 85: 85 and 86 never arrived.
    node.set(|s| {
        s.accounts.insert(SENDER.into(), 85);
    });
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 3);
    assert_eq!(v["reason"], "nonce_gap");
    says(&v, &["sequence number 87", "expects 85 first"]);
    // A price below the node's estimate.
    node.set(|s| {
        s.accounts.insert(SENDER.into(), 87);
        s.gas_estimate = 150;
    });
    let (v, _) = check_json(&cfg, &hash);
    assert_eq!(v["reason"], "low_priority_fee");
    says(&v, &["100 octas per gas unit, below the 150"]);
}

#[test]
fn issue_21_not_found_needs_two_nodes_and_explains_the_mempool() {
    let a = FakeAptos::start(&[]);
    let b = FakeAptos::start(&[]);
    let cfg = aptos_config(&[&a.url(), &b.url()]);
    let hash = format!("0x{}", "4e".repeat(32));
    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("not_found"), Some("not_found"))
    );
    assert_eq!(v["answered_by"].as_array().unwrap().len(), 2);
    says(
        &v,
        &[
            "another node's mempool",
            "nothing moved and no fee was charged",
        ],
    );
    // 2 per node; then, as no chain has it as a transaction, whether it is an
    // account: the account and its 2 balances, at once, on the first node.
    assert_eq!(requests(&run), 4 + 3, "{}", run.stderr);
    // A pruned node cannot say an old transaction does not exist.
    b.set(|s| s.oldest_version = 7_000_000_000);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!((run.code, v["status"].as_str()), (6, Some("unknown")));
    let lag = warnings_of(&v, "endpoint_failed");
    assert!(
        lag.iter()
            .any(|w| w["kind"] == "lagging" && w["message"].as_str().unwrap().contains("pruned")),
        "{lag:?}"
    );
}

#[test]
fn issue_21_seen_pending_then_gone_past_its_expiration_is_dropped_expired() {
    let a = FakeAptos::start(&["pending"]);
    let b = FakeAptos::start(&[]);
    let cfg = aptos_config(&[&a.url(), &b.url()]);
    let hash = hash_of("pending");
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!((run.code, v["status"].as_str()), (3, Some("pending")));
    // Gone from the mempool, not yet past its expiration: still not found.
    a.set(|s| s.txs.clear());
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (5, Some("not_found")),
        "{}",
        run.stderr
    );
    says(&v, &["has not expired yet", "2026-09-15 00:03 UTC"]);
    // Past it by the ledger's own clock, its sequence number unused: expired.
    for n in [&a, &b] {
        n.set(|s| s.ledger_time_us = 1_789_430_601_000_000);
    }
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("dropped"), Some("expired"))
    );
    assert_eq!(v["seen_pending"]["expires_at"], "2026-09-15T00:03:20Z");
    says(
        &v,
        &[
            "expired at 2026-09-15 00:03 UTC",
            "safe to send the transfer again",
        ],
    );
}

#[test]
fn issue_21_seen_pending_then_its_sequence_number_used_is_replaced() {
    let a = FakeAptos::start(&["pending", "sponsored"]);
    let b = FakeAptos::start(&[]);
    let cfg = aptos_config(&[&a.url(), &b.url()]);
    let hash = hash_of("pending");
    assert_eq!(check_json(&cfg, &hash).1.code, 3);
    // Sequence number 87 now belongs to another committed transaction.
    let mut other = fixture("sponsored");
    other["hash"] = json!(format!("0x{}", "e7".repeat(32)));
    other["sequence_number"] = json!("87");
    a.set(|s| {
        s.txs.clear();
        s.txs
            .insert(other["hash"].as_str().unwrap().into(), other.clone());
        s.accounts.insert(SENDER.into(), 88);
    });
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["replaced_by"].as_str()),
        (Some("replaced"), other["hash"].as_str())
    );
}

#[test]
fn issue_21_a_failing_endpoint_falls_back_and_a_node_of_another_network_is_not_used() {
    let broken = FakeServer::serve(|_| Reply::status(500, "upstream error"));
    let node = FakeAptos::start(&["usdt"]);
    let cfg = aptos_config(&[&format!("{}/v1", broken.url), &node.url()]);
    let (v, run) = check_json(&cfg, &hash_of("usdt"));
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("finalized")),
        "{}",
        run.stderr
    );
    assert!(!warnings_of(&v, "endpoint_failed").is_empty());

    let testnet = FakeAptos::start(&["usdt"]);
    testnet.set(|s| s.chain_id = 2);
    let cfg = aptos_config(&[&testnet.url()]);
    let (v, run) = check_json(&cfg, &hash_of("usdt"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["reason"], "chain_mismatch");
}

#[test]
fn issue_21_stripped_headers_cost_one_ledger_request() {
    let node = FakeAptos::start(&["usdt"]);
    node.set(|s| s.headers = false);
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json_with(&cfg, &hash_of("usdt"), &["-v"]);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("finalized")),
        "{}",
        run.stderr
    );
    assert_eq!(requests(&run), 3, "{}", run.stderr);
    assert!(node.paths().iter().any(|p| p == "/v1/" || p == "/v1"));
}

#[test]
fn issue_21_a_lying_node_is_not_believed() {
    // The answer is another transaction than the one asked.
    let node = FakeAptos::start(&["usdt"]);
    let asked = format!("0x{}", "77".repeat(32));
    node.set(|s| {
        let tx = s.txs.values().next().unwrap().clone();
        s.txs.insert(asked.clone(), tx);
    });
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json(&cfg, &asked);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(warnings_of(&v, "inconsistent_answer").len(), 1, "{v}");
    // A version past the ledger's head.
    let mut future = fixture("usdt");
    future["version"] = json!("9999999999999");
    let node = FakeAptos::start(&[]);
    node.set(|s| {
        s.txs.insert(hash_of("usdt"), future.clone());
    });
    let cfg = aptos_config(&[&node.url()]);
    let (v, _) = check_json(&cfg, &hash_of("usdt"));
    assert_eq!(v["status"], "unknown");
    let w = warnings_of(&v, "inconsistent_answer");
    assert!(
        w[0]["detail"]
            .as_str()
            .unwrap()
            .contains("past its own ledger version")
    );
    // Chain text with control characters never reaches the terminal.
    let mut hostile = fixture("abort");
    hostile["vm_status"] = json!("Move abort in 0x1::evil: E\u{1b}[2J\u{202e}X(0x1): gone\u{7}");
    let node = FakeAptos::start(&[]);
    node.set(|s| {
        s.txs.insert(hash_of("abort"), hostile.clone());
    });
    let cfg = aptos_config(&[&node.url()]);
    let run = cfg.run(&["check", &hash_of("abort")]);
    assert_eq!(run.code, 4);
    for bad in ['\u{1b}', '\u{202e}', '\u{7}'] {
        assert!(!run.stdout.contains(bad), "{:?}", run.stdout);
    }
}

#[test]
fn issue_21_a_bare_hash_is_found_on_aptos_while_the_evm_chain_says_not_found() {
    let eth = Anvil::spawn(1);
    let node = FakeAptos::start(&["usdt"]);
    let mut text = aptos_toml(&[&node.url()]);
    text.push_str(&format!(
        "[chains.eth]\nname = \"Ethereum\"\nfamily = \"evm\"\nchain_id = 1\nsymbol = \"ETH\"\ndecimals = 18\nconfirmations = 12\nblock_time_secs = 12\nrpc = [{:?}]\nexplorer_tx = \"https://etherscan.io/tx/{{hash}}\"\n",
        eth.url
    ));
    let cfg = write_raw_config(&text);
    let (v, run) = check_json(&cfg, &hash_of("usdt"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (v["chain"].as_str(), v["status"].as_str()),
        (Some("aptos"), Some("finalized"))
    );
    assert_eq!(v["searched"], json!(["aptos", "eth"]));
}

#[test]
fn issue_21_a_0x_id_that_is_no_transaction_but_an_aptos_account_is_shown_as_one() {
    let a = FakeAptos::start(&["usdt"]);
    let b = FakeAptos::start(&[]);
    a.set(|s| {
        s.balances.insert(
            (SENDER.into(), "0x1::aptos_coin::AptosCoin".into()),
            2_675_800,
        );
        s.balances.insert((SENDER.into(), USDT.into()), 5_000_000);
    });
    let cfg = aptos_config(&[&a.url(), &b.url()]);
    let (v, run) = check_json_with(&cfg, SENDER, &["--since", "1000d"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["kind"], "address");
    assert_eq!(warnings_of(&v, "read_as_account").len(), 1, "{v}");
    let chain = &v["chains"][0];
    assert_eq!(chain["balance"]["amount"], "0.026758");
    assert_eq!(chain["tokens"][0]["amount"], "5");
    assert_eq!(chain["nonce"]["latest"], 87);
    // The one transfer it sent (USDt to the recipient), from its sent list.
    let t = &chain["recent_transfers"];
    assert!(
        t.as_array()
            .unwrap()
            .iter()
            .any(|t| t["to"] == RECIPIENT && t["amount"] == "14.82"),
        "{t}"
    );
    // And an id no one has: not found, not an account.
    let (v, run) = check_json(&cfg, &format!("0x{}", "4e".repeat(32)));
    assert_eq!((run.code, v["kind"].as_str()), (5, Some("transaction")));
}

#[test]
fn issue_21_an_address_view_says_incoming_needs_an_indexer_and_expect_cannot_conclude() {
    let node = FakeAptos::start(&["usdt", "apt"]);
    let cfg = aptos_config(&[&node.url()]);
    let link = format!("https://explorer.aptoslabs.com/account/{SENDER}?network=mainnet");
    let (v, run) = check_json_with(&cfg, &link, &["--since", "1000d"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["kind"], "address");
    let gaps = v["chains"][0]["history"]["gaps"].to_string();
    assert!(gaps.contains("need an indexer"), "{gaps}");
    assert_eq!(v["chains"][0]["history"]["incoming"], false);
    let d = v["diagnosis"].as_str().unwrap();
    // What it sent is counted; what it received is never said to be none.
    assert!(
        d.contains("it has sent 2 transfers") && d.contains("cannot be listed"),
        "{d}"
    );
    assert!(!d.contains("received 0"), "{d}");
    let text = cfg.run(&["check", &link, "--since", "1000d"]).stdout;
    assert!(text.contains("14.82 USDt"), "{text}");
    // Short addresses in links are padded.
    let (v, run) = check_json(
        &cfg,
        "https://explorer.aptoslabs.com/account/0x1?network=mainnet",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["address"], format!("0x{}1", "0".repeat(63)));
    // --expect on a 0x id reads it as the account at once; incoming cannot be read: unknown.
    let run = cfg.run(&[
        "check", RECIPIENT, "--expect", "14.82", "--token", "USDt", "--json",
    ]);
    assert_eq!(run.code, 6, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.json()["kind"], "address");
}

#[test]
fn issue_21_testnet_links_are_refused_without_a_request() {
    let cfg = aptos_config(&[&dead_endpoint()]);
    let run = cfg.run(&[
        "check",
        &format!(
            "https://explorer.aptoslabs.com/txn/{}?network=testnet",
            hash_of("usdt")
        ),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("testnet"), "{}", run.stderr);
}

#[test]
fn issue_21_probe_reads_the_ledger_info() {
    let node = FakeAptos::start(&[]);
    let testnet = FakeAptos::start(&[]);
    testnet.set(|s| s.chain_id = 2);
    let cfg = aptos_config(&[&node.url(), &testnet.url()]);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout;
    assert!(text.contains(&BLOCK_HEIGHT.to_string()), "{text}");
    assert!(
        text.to_lowercase().contains("wrong") || text.contains("\"2\""),
        "{text}"
    );
}

#[test]
fn issue_21_a_token_calling_itself_usdt_from_another_metadata_address_is_fake() {
    let fake = "0xfa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4e";
    let mut tx = fixture("usdt");
    let text = tx.to_string().replace(USDT, fake);
    tx = serde_json::from_str(&text).unwrap();
    // The look-alike's own metadata, written by the transaction.
    tx["changes"].as_array_mut().unwrap().push(json!({
        "address": fake, "state_key_hash": "0x00", "type": "write_resource",
        "data": {"type": "0x1::fungible_asset::Metadata",
                 "data": {"decimals": 6, "icon_uri": "", "name": "Tether USD", "project_uri": "", "symbol": "USDt"}}
    }));
    let node = FakeAptos::start(&[]);
    node.set(|s| {
        s.txs.insert(hash_of("usdt"), tx.clone());
    });
    let cfg = aptos_config(&[&node.url()]);
    let (v, run) = check_json(&cfg, &hash_of("usdt"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = warnings_of(&v, "fake_token");
    assert_eq!(w.len(), 1, "{v}");
    assert_eq!(
        (w[0]["token"].as_str(), w[0]["genuine"].as_str()),
        (Some(fake), Some(USDT))
    );
    says(&v, &["this is not real USDt", "not the genuine USDt"]);
}

#[test]
fn issue_21_a_rate_limited_node_is_a_rate_limit_and_the_next_one_answers() {
    // Aptos Build's anonymous limit: 429 with its own words.
    let limited = FakeServer::serve(|_| {
        Reply::status(
            429,
            r#"{"message":"Per anonymous IP rate limit exceeded. Limit: 50000 compute units per 300 seconds window.","error_code":"web_framework_error","vm_error_code":null}"#,
        )
    });
    let node = FakeAptos::start(&["usdt"]);
    let cfg = aptos_config(&[&format!("{}/v1", limited.url), &node.url()]);
    let (v, run) = check_json(&cfg, &hash_of("usdt"));
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("finalized")),
        "{}",
        run.stderr
    );
    let w = warnings_of(&v, "endpoint_failed");
    assert!(w.iter().any(|w| w["kind"] == "rate_limited"), "{w:?}");
}
