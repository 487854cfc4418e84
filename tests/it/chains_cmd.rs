//! `txdoctor chains`: the configured chains, and `--probe` telling an endpoint
//! that is up from one that is down or serves another chain.

use crate::common::*;

#[test]
fn probe_tells_up_down_and_wrong_chain_apart() {
    let eth = Anvil::spawn(1);
    let bsc = Anvil::spawn(56);
    let dead = dead_endpoint();
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![eth.url.clone(), dead.clone(), bsc.url.clone()],
    )]);
    let run = txdoctor(&[
        "chains",
        "--probe",
        "--json",
        "--config",
        cfg.path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let endpoints = v[0]["endpoints"].as_array().unwrap();
    assert_eq!(endpoints[0]["status"], "up");
    assert_eq!(endpoints[1]["status"], "down");
    assert_eq!(endpoints[1]["url"], dead);
    assert_eq!(endpoints[2]["status"], "wrong_chain");
    assert_eq!(endpoints[2]["chain_id"], "56");

    let only_dead = write_config(&[ChainSpec::new("eth", 1, vec![dead])]);
    let run = txdoctor(&[
        "chains",
        "--probe",
        "--config",
        only_dead.path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 6, "no endpoint up: exit 6");
    assert!(
        run.stdout.contains("down: could not connect"),
        "{}",
        run.stdout
    );
}

#[test]
fn builtin_list_has_every_family_without_a_network_call() {
    let run = txdoctor(&["chains", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let keys: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["chain"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        keys,
        [
            "eth",
            "bsc",
            "polygon",
            "arbitrum",
            "op",
            "base",
            "avax",
            "tron",
            "btc",
            "sol",
            "aptos",
            "eos",
            "dot",
            "dot-relay",
            "ksm",
            "ksm-relay"
        ]
    );
    let text = txdoctor(&["chains"]);
    assert!(
        text.stdout.contains("BNB Smart Chain") && text.stdout.contains("0.45 s"),
        "{}",
        text.stdout
    );
}

#[test]
fn probe_asks_a_tron_node_for_its_head_block() {
    let node = crate::common::tron::FakeTron::start(&[]);
    let cfg = crate::common::tron::tron_config(&[node.url()]);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout;
    assert!(text.contains("70000030"), "{text}");
    assert_eq!(node.paths(), ["/wallet/getnowblock"]);
}

#[test]
fn probe_asks_an_esplora_server_for_its_tip_and_flags_a_wrong_url() {
    use crate::common::esplora::{FakeEsplora, Flavour, bitcoin_config};
    let node = FakeEsplora::start(&[], 870_010, Flavour::Blockstream);
    // The second URL lacks /api: the site, not the API.
    let cfg = bitcoin_config(&[&node.url(), &node.server.url]);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let endpoints = v[0]["endpoints"].as_array().unwrap();
    assert_eq!(
        (
            endpoints[0]["status"].as_str(),
            endpoints[0]["head"].as_u64()
        ),
        (Some("up"), Some(870_010))
    );
    assert_eq!(endpoints[1]["status"], "down");
    assert!(
        endpoints[1]["error"]
            .as_str()
            .unwrap()
            .contains("Esplora API URL"),
        "{}",
        endpoints[1]
    );
    assert_eq!(node.paths(), ["/blocks/tip/height", "/blocks/tip/height"]);
}

#[test]
fn probe_shows_lag_latency_and_the_chain_id_check_per_endpoint() {
    use crate::common::fake::{FakeServer, Reply};
    let node = Anvil::spawn(1);
    node.mine(40);
    // Answers for chain 1, but its head is block 2.
    let behind = FakeServer::start(|body| {
        let calls: serde_json::Value = serde_json::from_str(body).unwrap();
        let answers: Vec<serde_json::Value> = calls
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let result = if c["method"] == "eth_chainId" {
                    "0x1"
                } else {
                    "0x2"
                };
                serde_json::json!({"jsonrpc": "2.0", "id": c["id"], "result": result})
            })
            .collect();
        Reply::json(serde_json::Value::Array(answers).to_string())
    });
    let cfg = write_config(&[ChainSpec::new(
        "eth",
        1,
        vec![node.url.clone(), behind.url.clone()],
    )]);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let e = v[0]["endpoints"].as_array().unwrap();
    assert_eq!(
        (
            e[0]["status"].as_str(),
            e[0]["lag"].as_u64(),
            e[0]["chain_id_check"].as_str()
        ),
        (Some("up"), Some(0), Some("ok"))
    );
    assert_eq!(
        (e[1]["status"].as_str(), e[1]["head"].as_u64()),
        (Some("lagging"), Some(2))
    );
    assert_eq!(e[1]["lag"].as_u64(), Some(node.block_number() - 2));
    assert!(e[1]["latency_ms"].is_u64(), "{}", e[1]);
    assert_eq!(e[0]["max_batch"], 50);

    let run = cfg.run(&["chains", "--probe"]);
    for want in [
        "endpoint", "lag", "latency", "LAGGING", "ok (1)", " ms", "batch 50",
    ] {
        assert!(
            run.stdout.contains(want),
            "{want:?} missing:\n{}",
            run.stdout
        );
    }
}

#[test]
fn probe_checks_a_solana_node_s_genesis_hash() {
    use crate::common::solana::{FakeSolana, MAINNET_GENESIS, solana_toml};
    let node = FakeSolana::start(&[]);
    let mainnet = write_raw_config(&solana_toml(&[&node.url()]));
    let v = mainnet.run(&["chains", "--probe", "--json"]).json();
    let e = &v[0]["endpoints"][0];
    assert_eq!(
        (e["status"].as_str(), e["chain_id_check"].as_str()),
        (Some("up"), Some("ok"))
    );

    let devnet = solana_toml(&[&node.url()]).replace(
        MAINNET_GENESIS,
        "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
    );
    let run = write_raw_config(&devnet).run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 6, "no endpoint of the configured cluster is up");
    let e = &run.json()[0]["endpoints"][0];
    assert_eq!(
        (e["status"].as_str(), e["chain_id"].as_str()),
        (Some("wrong_chain"), Some(MAINNET_GENESIS))
    );
}

/// Issue 20: `chains --probe` shows `max_batch` only where the family
/// batches, and says what to do when nothing at all answered.
#[test]
fn probe_limits_per_family_and_what_to_do_when_nothing_answers() {
    let node = crate::common::tron::FakeTron::start(&[]);
    let cfg = crate::common::tron::tron_config(&[node.url()]);
    let run = cfg.run(&["chains", "--probe"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("batch"),
        "TRON is REST:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("no endpoint answered"),
        "{}",
        run.stdout
    );

    // Nothing listens on these ports: the last line says what to try.
    let cfg = crate::common::tron::tron_config(&["http://127.0.0.1:9", "http://127.0.0.1:1"]);
    let run = cfg.run(&["chains", "--probe"]);
    assert_eq!(run.code, 6, "no endpoint answered: {}", run.stderr);
    let last = run.stdout.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("no endpoint answered")
            && last.contains("proxy")
            && last.contains("--config"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("could not connect"), "{}", run.stdout);
}
