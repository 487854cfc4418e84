//! `txdoctor check` against real anvil nodes, with transactions created in
//! real states: mined with many and few confirmations, ERC-20 transfers,
//! reverts (reason string, panic, custom error), out of gas, unknown
//! hashes, dead and wrong-chain endpoints, and auto-detection across chains.

use crate::common::*;
use alloy_primitives::{U256, hex};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};

sol! {
    function transfer(address to, uint256 amount) returns (bool);
    function transferMany(address[] to, uint256 amount) returns (bool);
    function divide(uint256 divisor) returns (uint256);
    function restricted();
    function burnGas();
}

const ETHER: u128 = 1_000_000_000_000_000_000;

fn eth_node() -> (Anvil, TestConfig) {
    let node = Anvil::spawn(1);
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![node.url.clone()])]);
    (node, cfg)
}

#[test]
fn plain_transfer_with_many_confirmations_is_finalized_in_one_request() {
    let (node, cfg) = eth_node();
    let hash =
        node.send(json!({"from": ALICE, "to": BOB, "value": format!("0x{:x}", 3 * ETHER / 2)}));
    node.mine(20);
    let receipt = node.receipt(&hash);
    let block = u64::from_str_radix(
        receipt["blockNumber"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap();
    let head = node.block_number();

    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["status"], "finalized");
    assert_eq!(v["reason"], "included");
    assert_eq!(v["chain"], "eth");
    assert_eq!(v["block"], block);
    assert_eq!(v["confirmations"], head - block + 1);
    assert_eq!(v["required_confirmations"], 12);
    assert_eq!(v["eta_seconds"], Value::Null);
    assert_eq!(
        v["value"],
        json!({"raw": "1500000000000000000", "amount": "1.5", "symbol": "ETH"})
    );
    assert_eq!(v["from"], ALICE);
    assert_eq!(v["to"], BOB);
    assert_eq!(v["token_transfers"], json!([]));
    let fee = hex_u256(&receipt["gasUsed"]) * hex_u256(&receipt["effectiveGasPrice"]);
    assert_eq!(v["fee"]["raw"], fee.to_string());
    assert_eq!(v["fee"]["gas_used"], 21000);
    assert_eq!(v["explorer_url"], format!("https://etherscan.io/tx/{hash}"));
    assert!(
        v["diagnosis"].as_str().unwrap().contains("1.5 ETH"),
        "{}",
        v["diagnosis"]
    );
    assert!(v["congestion"]["level"].is_string());
    assert_eq!(
        lookup_requests(&run),
        1,
        "a mined transfer takes one HTTP request:\n{}",
        run.stderr
    );
    assert_eq!(
        poisoning_checks(&run),
        1,
        "a payment adds one request: the sender's recent transfers (issue 7)\n{}",
        run.stderr
    );
}

#[test]
fn few_confirmations_is_confirmed_with_an_eta_and_any_spelling_of_the_hash_works() {
    let (node, cfg) = eth_node();
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    node.mine(2);
    for query in [
        hash.clone(),
        hash[2..].to_string(),
        hash[2..].to_uppercase(),
        format!("  \"{hash}\"  "),
    ] {
        let (v, run) = check_json(&cfg, &query);
        assert_eq!(run.code, 0, "{query}: {}", run.stderr);
        assert_eq!(v["status"], "confirmed", "{query}");
        assert_eq!(v["confirmations"], 3);
        assert_eq!(v["eta_seconds"], 9 * 12, "9 blocks to go at 12 s");
        assert_eq!(v["hash"], hash);
        assert_eq!(v["query"], query);
    }
}

#[test]
fn erc20_transfer_reports_the_real_recipient_with_configured_decimals() {
    let node = Anvil::spawn(56);
    let token = node.deploy_token(
        "Tether USD",
        "USDT",
        18,
        U256::from(1_000_000u64) * U256::from(ETHER),
    );
    let mut spec = ChainSpec::new("bsc", 56, vec![node.url.clone()]);
    spec.symbol = "BNB";
    spec.explorer = "https://bscscan.com/tx/{hash}";
    spec.tokens = vec![("USDT", token.clone(), 18)];
    let cfg = write_config(&[spec]);
    let data = transferCall {
        to: address(BOB),
        amount: U256::from(250u64) * U256::from(ETHER),
    }
    .abi_encode();
    let hash = node.call_tx(ALICE, &token, data, 100_000);

    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["status"], "confirmed");
    assert_eq!(
        v["to"].as_str().unwrap().to_lowercase(),
        token.to_lowercase(),
        "tx.to is the token contract"
    );
    assert_eq!(
        v["token_transfers"],
        json!([{"token": address(&token).to_string(), "symbol": "USDT", "from": ALICE, "to": BOB, "raw": "250000000000000000000", "amount": "250", "memo": null}])
    );
    let diagnosis = v["diagnosis"].as_str().unwrap();
    assert!(
        diagnosis.contains("250 USDT") && diagnosis.contains(BOB),
        "{diagnosis}"
    );
    assert!(
        !diagnosis.contains(&address(&token).to_string()),
        "the paragraph names the recipient, not the contract: {diagnosis}"
    );
    assert_eq!(
        lookup_requests(&run),
        1,
        "known token: still one request\n{}",
        run.stderr
    );

    let text = txdoctor(&["check", &hash, "--config", cfg.path.to_str().unwrap()]);
    assert!(
        text.stdout.contains("250 USDT") && text.stdout.contains("confirmed (included)"),
        "{}",
        text.stdout
    );
}

#[test]
fn unknown_token_symbol_and_decimals_are_read_from_the_contract() {
    let (node, cfg) = eth_node();
    let token = node.deploy_token("Some Token", "SOME", 8, U256::from(10u64.pow(12)));
    let data = transferManyCall {
        to: vec![address(BOB), address(CAROL)],
        amount: U256::from(123_450_000u64),
    }
    .abi_encode();
    let hash = node.call_tx(ALICE, &token, data, 200_000);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let transfers = v["token_transfers"].as_array().unwrap();
    assert_eq!(transfers.len(), 2);
    assert_eq!(transfers[0]["symbol"], "SOME");
    assert_eq!(transfers[0]["amount"], "1.2345");
    assert_eq!(transfers[0]["to"], BOB);
    assert_eq!(transfers[1]["to"], CAROL);
    assert!(
        v["diagnosis"]
            .as_str()
            .unwrap()
            .contains("2 token transfers"),
        "{}",
        v["diagnosis"]
    );
}

#[test]
fn revert_with_reason_is_failed_with_the_decoded_message() {
    let (node, cfg) = eth_node();
    let token = node.deploy_token("Tether USD", "USDT", 6, U256::from(1_000_000u64));
    // BOB holds none of the token.
    let data = transferCall {
        to: address(CAROL),
        amount: U256::from(5_000_000u64),
    }
    .abi_encode();
    let hash = node.call_tx(BOB, &token, data, 100_000);
    assert_eq!(node.receipt(&hash)["status"], "0x0");

    let (v, run) = check_json_with(&cfg, &hash, &["-v"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(v["status"], "failed");
    assert_eq!(v["reason"], "reverted");
    assert_eq!(
        v["failure"]["message"],
        "ERC20: transfer amount exceeds balance"
    );
    assert_eq!(v["failure"]["kind"], "error_string");
    assert_ne!(v["fee"]["raw"], "0", "the fee was paid");
    assert_eq!(v["attempted_transfer"]["to"], CAROL);
    assert_eq!(
        v["attempted_transfer"]["amount"], "5",
        "decimals read from the contract"
    );
    let diagnosis = v["diagnosis"].as_str().unwrap();
    assert!(
        diagnosis.contains("ERC20: transfer amount exceeds balance") && diagnosis.contains("fee"),
        "{diagnosis}"
    );
    assert_eq!(
        lookup_requests(&run),
        2,
        "a failure takes a second request to replay it\n{}",
        run.stderr
    );
}

#[test]
fn panic_and_custom_errors_are_named() {
    let (node, cfg) = eth_node();
    let token = node.deploy_token("T", "T", 6, U256::from(1u64));
    let panic_hash = node.call_tx(
        ALICE,
        &token,
        divideCall {
            divisor: U256::ZERO,
        }
        .abi_encode(),
        100_000,
    );
    let custom_hash = node.call_tx(ALICE, &token, restrictedCall {}.abi_encode(), 100_000);

    let (v, run) = check_json(&cfg, &panic_hash);
    assert_eq!(run.code, 4);
    assert_eq!(
        (v["reason"].as_str(), v["failure"]["kind"].as_str()),
        (Some("reverted"), Some("panic"))
    );
    assert_eq!(
        v["failure"]["message"],
        "Panic(0x12): division or modulo by zero"
    );

    let (v, run) = check_json(&cfg, &custom_hash);
    assert_eq!(run.code, 4);
    assert_eq!(v["failure"]["kind"], "custom_error");
    // Unauthorized(address): its selector, since it is not a well-known error.
    let selector = hex::encode(&alloy_primitives::keccak256("Unauthorized(address)")[..4]);
    assert!(
        v["failure"]["message"]
            .as_str()
            .unwrap()
            .contains(&selector),
        "{}",
        v["failure"]
    );
}

#[test]
fn out_of_gas_is_its_own_reason() {
    let (node, cfg) = eth_node();
    let token = node.deploy_token("T", "T", 6, U256::from(1u64));
    let hash = node.call_tx(ALICE, &token, burnGasCall {}.abi_encode(), 80_000);
    let receipt = node.receipt(&hash);
    assert_eq!(receipt["status"], "0x0");
    assert_eq!(receipt["gasUsed"], "0x13880", "anvil used the whole limit");

    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("failed"), Some("out_of_gas"))
    );
    assert_eq!(v["fee"]["gas_limit"], 80_000);
    assert!(
        v["diagnosis"].as_str().unwrap().contains("ran out of gas"),
        "{}",
        v["diagnosis"]
    );
}

#[test]
fn unknown_hash_is_not_found_only_when_every_chain_answered() {
    let eth = Anvil::spawn(1);
    let bsc = Anvil::spawn(56);
    // Past genesis: a node at block 0 cannot testify "not found" (issue 18).
    eth.mine(1);
    bsc.mine(1);
    let cfg = write_config(&[
        ChainSpec::new("eth", 1, vec![eth.url.clone()]),
        ChainSpec::new("bsc", 56, vec![bsc.url.clone()]),
    ]);
    let missing = format!("0x{}", "5c".repeat(32));
    let (v, run) = check_json(&cfg, &missing);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("not_found"), Some("not_found"))
    );
    assert_eq!(v["searched"], json!(["eth", "bsc"]));
    assert_eq!(v["chain"], Value::Null);
    assert_eq!(v["from"], Value::Null);

    // The same search with bsc unreachable must not claim "not found".
    let cfg = write_config(&[
        ChainSpec::new("eth", 1, vec![eth.url.clone()]),
        ChainSpec::new("bsc", 56, vec![dead_endpoint()]),
    ]);
    let (v, run) = check_json(&cfg, &missing);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("endpoints_unavailable"))
    );
    assert!(
        v["diagnosis"]
            .as_str()
            .unwrap()
            .contains("does not mean the transfer is lost")
    );
}

#[test]
fn bare_hash_is_found_on_the_right_chain_and_links_fix_the_chain() {
    let eth = Anvil::spawn(1);
    eth.mine(1); // past genesis: able to say "not found" (issue 18)
    let bsc = Anvil::spawn(56);
    let mut bsc_spec = ChainSpec::new("bsc", 56, vec![bsc.url.clone()]);
    bsc_spec.explorer = "https://bscscan.com/tx/{hash}";
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![eth.url.clone()]), bsc_spec]);
    let hash = bsc.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));

    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["chain"], "bsc");
    assert_eq!(v["explorer_url"], format!("https://bscscan.com/tx/{hash}"));

    let (v, _) = check_json(&cfg, &format!("https://bscscan.com/tx/{hash}"));
    assert_eq!(
        (v["chain"].as_str(), v["status"].as_str()),
        (Some("bsc"), Some("confirmed"))
    );
    let (v, run) = check_json(&cfg, &format!("https://etherscan.io/tx/{hash}"));
    assert_eq!(
        (v["status"].as_str(), run.code),
        (Some("not_found"), 5),
        "an etherscan link searches Ethereum only"
    );
    assert_eq!(v["searched"], json!(["eth"]));
}

#[test]
fn dead_first_endpoint_falls_back_and_says_so() {
    let node = Anvil::spawn(1);
    let dead = dead_endpoint();
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![dead.clone(), node.url.clone()],
    )]);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["status"], "confirmed");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["code"], "endpoint_failed");
    assert_eq!(warnings[0]["endpoint"], dead);
    assert!(
        run.elapsed.as_secs() < 5,
        "a refused connection is abandoned at once ({:?})",
        run.elapsed
    );

    let text = txdoctor(&["check", &hash, "--config", cfg.path.to_str().unwrap()]);
    assert!(
        text.stderr.contains(&dead) && !text.stdout.contains(&dead),
        "warnings go to stderr"
    );
}

#[test]
fn only_dead_endpoints_is_unknown_never_not_found() {
    let dead = [dead_endpoint(), dead_endpoint()];
    let cfg = write_config(&[ChainSpec::new("eth", 1, dead.to_vec())]);
    let (v, run) = check_json(&cfg, &format!("0x{}", "ab".repeat(32)));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("endpoints_unavailable"))
    );
    let endpoints: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints, [dead[0].as_str(), dead[1].as_str()]);
}

#[test]
fn endpoint_of_another_chain_is_not_used() {
    let bsc = Anvil::spawn(56);
    let hash = bsc.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    // chains.toml says eth (1) but the node serves 56: its answer must not count.
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![bsc.url.clone()])]);
    let (v, run) = check_json(&cfg, &hash);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("chain_mismatch"))
    );
    assert_eq!(v["warnings"][0]["code"], "chain_mismatch");
    assert!(v["warnings"][0]["message"].as_str().unwrap().contains("56"));
}

#[test]
fn secrets_in_endpoint_urls_never_reach_the_output() {
    let node = Anvil::spawn(1);
    let keyed = format!(
        "{}/v3/9aa3d95b3bc440fa88ea12eaa4456161?apikey=hunter2",
        dead_endpoint()
    );
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![keyed, node.url.clone()])]);
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    for args in [vec!["--json"], vec![], vec!["-v"]] {
        let mut all = vec![
            "check",
            hash.as_str(),
            "--config",
            cfg.path.to_str().unwrap(),
        ];
        all.extend(args);
        let run = txdoctor(&all);
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !output.contains("9aa3d95b3bc440fa88ea12eaa4456161") && !output.contains("hunter2"),
            "{output}"
        );
        assert!(output.contains("/v3/***"), "{output}");
    }
}

#[test]
fn several_queries_give_ndjson_and_the_highest_exit_code() {
    let (node, cfg) = eth_node();
    let ok = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let missing = format!("0x{}", "cd".repeat(32));
    let run = txdoctor(&[
        "check",
        &ok,
        &missing,
        "--config",
        cfg.path.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 5);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["status"].as_str(), lines[1]["status"].as_str()),
        (Some("confirmed"), Some("not_found"))
    );
}

#[test]
fn reply_prints_only_the_paste_ready_text_in_the_locales_language() {
    let (node, cfg) = eth_node();
    let hash = node.send(json!({"from": ALICE, "to": BOB, "value": "0x1"}));
    let link = format!("https://etherscan.io/tx/{hash}");
    let reply = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["check", hash.as_str(), "--reply"];
        args.extend(extra);
        let run = cfg.run_env(&args, env);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let lines: Vec<String> = run.stdout.lines().map(str::to_string).collect();
        assert_eq!(
            lines.len(),
            2,
            "the reply, then the reminder:\n{}",
            run.stdout
        );
        assert!(lines[0].contains(&link), "{}", run.stdout);
        assert!(
            !run.stdout.contains(['│', '┌', '\x1b']) && !run.stdout.contains("confirmed"),
            "no table, colour or status code:\n{}",
            run.stdout
        );
        lines
    };

    // No locale: English.
    let en = reply(&[], &[]);
    assert!(
        en[0].starts_with("Your transfer of 0.000000000000000001 ETH"),
        "{en:?}"
    );
    assert!(
        en[1].contains("never ask for your recovery phrase"),
        "{en:?}"
    );
    // LANG names Japanese; LC_ALL, when set, decides over LANG.
    let ja = reply(&[("LANG", "ja_JP.UTF-8")], &[]);
    assert!(ja[0].starts_with("Test eth でお客様が"), "{ja:?}");
    assert!(ja[1].contains("秘密鍵"), "{ja:?}");
    assert_eq!(reply(&[("LANG", "ko_KR.UTF-8"), ("LC_ALL", "C")], &[]), en);
    assert!(reply(&[("LC_ALL", "ko_KR.UTF-8")], &[])[1].contains("개인 키"));
    // A locale we have no file for reads English; --lang decides over both.
    assert_eq!(reply(&[("LANG", "fr_FR.UTF-8")], &[]), en);
    let zh = reply(&[("LANG", "ja_JP.UTF-8")], &["--lang", "zh"]);
    assert!(zh[1].contains("助记词"), "{zh:?}");
    // Issue 20: Taiwan and Hong Kong read Traditional Chinese; --lang takes the tag in any case.
    let tw = reply(&[("LANG", "zh_TW.UTF-8")], &[]);
    assert!(tw[1].contains("助記詞") && tw[0].contains("轉帳"), "{tw:?}");
    assert_eq!(reply(&[("LC_ALL", "zh_HK")], &[]), tw);
    assert_eq!(reply(&[], &["--lang", "zh-hant"]), tw);

    // The JSON diagnosis follows the same choice, reminder included.
    let run = cfg.run_env(&["check", &hash, "--json"], &[("LANG", "ko_KR.UTF-8")]);
    let diagnosis = run.json()["diagnosis"].as_str().unwrap().to_string();
    assert!(diagnosis.starts_with("Test eth의 "), "{diagnosis}");
    assert!(
        diagnosis.ends_with("누구에게도 알려 주지 마세요."),
        "{diagnosis}"
    );
    assert_eq!(run.json()["status"], "confirmed");

    let run = cfg.run(&["check", &hash, "--lang", "fr"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("en, ja, ko, zh"), "{}", run.stderr);
}

#[test]
fn bad_input_exits_2_without_any_network_call() {
    // An endpoint that records whether anyone connected.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let cfg = write_config(&[ChainSpec::new("eth", 1, vec![url])]);
    for bad in [
        "hello",
        "0x1234",
        "https://sepolia.etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        "",
        "0xdAC17F958D2ee523a2206206994597C13D831ec7abc",
    ] {
        let run = txdoctor(&["check", bad, "--config", cfg.path.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.starts_with("txdoctor: "), "{}", run.stderr);
    }
    // A valid query after an invalid one: still nothing is sent.
    let run = txdoctor(&[
        "check",
        &format!("0x{}", "ab".repeat(32)),
        "nope",
        "--config",
        cfg.path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        listener.accept().is_err(),
        "no connection may be made for bad input"
    );
}

#[test]
fn bad_configuration_exits_1_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chains.toml");
    std::fs::write(&path, "[chains.eth]\nname = \"x\"\nfamily = \"evm\"\nsymbol = \"ETH\"\ndecimals = 18\nconfirmations = 1\nblock_time_secs = 1\nrpc = [\"http://127.0.0.1:1\"]\nexplorer_tx = \"https://e/tx/{hash}\"\n").unwrap();
    let run = txdoctor(&[
        "check",
        &format!("0x{}", "ab".repeat(32)),
        "--config",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("chains.eth.chain_id"), "{}", run.stderr);
}
