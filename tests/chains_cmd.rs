//! `txdoctor chains`: the configured chains, and `--probe` telling an endpoint
//! that is up from one that is down or serves another chain.

mod common;

use common::*;

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
            "eth", "bsc", "polygon", "arbitrum", "op", "base", "avax", "tron", "btc", "sol"
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
    let node = common::tron::FakeTron::start(&[]);
    let cfg = common::tron::tron_config(&[node.url()]);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout;
    assert!(text.contains("70000030"), "{text}");
    assert_eq!(node.paths(), ["/wallet/getnowblock"]);
}

#[test]
fn probe_asks_an_esplora_server_for_its_tip_and_flags_a_wrong_url() {
    use common::esplora::{FakeEsplora, Flavour, bitcoin_config};
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
