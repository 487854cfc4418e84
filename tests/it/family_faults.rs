//! Issue 10's endpoint faults for the REST-style families, against the fake
//! TRON, Esplora and Solana servers: a hung first endpoint is raced (the
//! verdict comes from the second, quickly); a faulty endpoint alone gives
//! `unknown` naming it; a node far behind the others' head is not trusted
//! to say a transaction does not exist.

use std::time::Duration;

use crate::common::esplora::{FakeEsplora, Flavour, bitcoin_config, txid};
use crate::common::fake::{FakeServer, Reply};
use crate::common::solana::{FakeSolana, signature, solana_config};
use crate::common::tron::{FakeTron, id_of, tron_config};
use crate::common::*;

const TIP: u64 = 870_013;

/// A family's name, its config builder, a healthy fake's URL and a known query.
type Family = (
    &'static str,
    Box<dyn Fn(&[&str]) -> TestConfig>,
    String,
    String,
);

fn families() -> Vec<Family> {
    let tron = FakeTron::start(&["usdt"]);
    let btc = FakeEsplora::start(&["tx_confirmed"], TIP, Flavour::MempoolSpace);
    let sol = FakeSolana::start(&["usdt"]);
    let out: Vec<Family> = vec![
        (
            "tron",
            Box::new(|rpc: &[&str]| tron_config(rpc)),
            tron.url().to_string(),
            format!("https://tronscan.org/#/transaction/{}", id_of("usdt")),
        ),
        (
            "bitcoin",
            Box::new(|rpc: &[&str]| bitcoin_config(rpc)),
            btc.url(),
            format!("https://mempool.space/tx/{}", txid("tx_confirmed")),
        ),
        (
            "solana",
            Box::new(|rpc: &[&str]| solana_config(rpc)),
            sol.url(),
            format!("https://solscan.io/tx/{}", signature("usdt")),
        ),
    ];
    // The fakes live as long as the test process: their servers are threads.
    std::mem::forget((tron, btc, sol));
    out
}

#[test]
fn a_hung_first_endpoint_is_raced_in_every_family() {
    for (family, config, healthy, query) in families() {
        let hung = FakeServer::serve(|_| Reply::hang());
        let cfg = config(&[&hung.url, &healthy]);
        let (v, run) = check_json(&cfg, &query);
        assert_eq!(run.code, 0, "{family}: {}", run.stderr);
        assert!(
            matches!(v["status"].as_str(), Some("confirmed" | "finalized")),
            "{family}: {}",
            v["status"]
        );
        assert!(
            run.elapsed < Duration::from_secs(5),
            "{family}: took {:?}",
            run.elapsed
        );
    }
}

#[test]
fn a_faulty_endpoint_alone_is_unknown_naming_it_in_every_family() {
    for (family, config, _, query) in families() {
        for (fault, reply, what) in [
            ("hangs", Reply::hang as fn() -> Reply, "no answer within"),
            (
                "an HTML page",
                || Reply::json("<html><title>Attention Required! | Cloudflare</title></html>"),
                "",
            ),
            ("HTTP 502", || Reply::status(502, "Bad Gateway"), "HTTP 502"),
        ] {
            let faulty = FakeServer::serve(move |_| reply());
            let cfg = config(&[&faulty.url]);
            let (v, run) = check_json_with(&cfg, &query, &["--timeout", "3s"]);
            assert_eq!(run.code, 6, "{family}, {fault}: {}", run.stderr);
            assert_eq!(v["status"], "unknown", "{family}, {fault}");
            assert!(run.elapsed < Duration::from_secs(5), "{family}, {fault}");
            let w = &v["warnings"][0];
            assert_eq!(
                w["endpoint"], faulty.url,
                "{family}, {fault}: {}",
                v["warnings"]
            );
            assert!(
                w["message"].as_str().unwrap().contains(what),
                "{family}, {fault}: {w}"
            );
        }
    }
}

/// Solana: a node whose slot is far behind says "unknown signature"; with
/// it and one up-to-date node, the verdict is `unknown`, not `not_found`.
#[test]
fn a_lagging_solana_node_is_not_trusted_for_not_found() {
    let current = FakeSolana::start(&[]);
    let lagging = FakeServer::start(|body| {
        let calls: serde_json::Value = serde_json::from_str(body).unwrap();
        let answers: Vec<serde_json::Value> = calls
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let result = match c["method"].as_str().unwrap() {
                    "getSignatureStatuses" => {
                        serde_json::json!({"context": {"slot": 1000}, "value": [null]})
                    }
                    "getSlot" => serde_json::json!(1000),
                    "getGenesisHash" => serde_json::json!(crate::common::solana::MAINNET_GENESIS),
                    "getRecentPrioritizationFees" => serde_json::json!([]),
                    _ => serde_json::Value::Null,
                };
                serde_json::json!({"jsonrpc": "2.0", "id": c["id"], "result": result})
            })
            .collect();
        Reply::json(serde_json::Value::Array(answers).to_string())
    });
    let cfg = solana_config(&[&lagging.url, &current.url()]);
    let (v, run) = check_json(&cfg, &signature("usdt"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["status"], "unknown");
    assert!(
        v["warnings"].to_string().contains("blocks behind"),
        "{}",
        v["warnings"]
    );

    let cfg = solana_config(&[&current.url(), &current.url()]);
    let (v, run) = check_json(&cfg, &signature("usdt"));
    assert_eq!((run.code, v["status"].as_str()), (5, Some("not_found")));
}
