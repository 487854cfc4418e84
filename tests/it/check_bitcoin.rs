//! `txdoctor check` on Bitcoin against a fake Esplora server that answers
//! like electrs and mempool.space (tests/common/esplora.rs; fixtures and
//! their sources in tests/fixtures/bitcoin): confirmed and final, a low fee
//! with and without replace-by-fee, a cheap unconfirmed parent, a healthy
//! wait, an unknown txid, endpoint fallback, and a bare id searched on
//! several families at once.

use crate::common::esplora::{FakeEsplora, Flavour, bitcoin_config, bitcoin_toml, txid};
use crate::common::fake::{FakeServer, Reply};
use crate::common::tron::FakeTron;
use crate::common::*;
use serde_json::{Value, json};

const TIP: u64 = 870_010;
const PAYEE: &str = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";
const SENDER: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";

fn node(fixtures: &[&str]) -> FakeEsplora {
    FakeEsplora::start(fixtures, TIP, Flavour::MempoolSpace)
}

fn diagnosis(v: &Value) -> &str {
    v["diagnosis"].as_str().unwrap()
}

fn assert_says(v: &Value, wants: &[&str]) {
    let d = diagnosis(v);
    for want in wants {
        assert!(d.contains(want), "{want:?} missing from: {d}");
    }
}

#[test]
fn a_confirmed_payment_counts_confirmations_from_the_tip() {
    let n = node(&["tx_confirmed"]);
    let cfg = bitcoin_config(&[&n.url()]);
    let id = txid("tx_confirmed");
    let (v, run) = check_json(&cfg, &format!("https://mempool.space/tx/{id}"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("confirmed"), Some("included"))
    );
    assert_eq!(v["chain"], "btc");
    assert_eq!(v["hash"], id);
    assert_eq!(v["block"], 870_008);
    assert_eq!(v["confirmations"], 3, "tip − height + 1");
    assert_eq!(v["required_confirmations"], 6);
    assert_eq!(v["eta_seconds"], 1800);
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some(SENDER), Some(PAYEE))
    );
    assert_eq!(
        v["value"],
        json!({"raw": "250000", "amount": "0.0025", "symbol": "BTC"})
    );
    assert_eq!(
        (v["fee"]["raw"].as_str(), v["fee"]["amount"].as_str()),
        (Some("4200"), Some("0.000042"))
    );
    let u = &v["utxo"];
    assert_eq!(
        (u["vsize"].as_u64(), u["weight"].as_u64()),
        (Some(141), Some(561))
    );
    assert!((u["fee_rate"].as_f64().unwrap() - 4200.0 / 141.0).abs() < 1e-9);
    assert_eq!(u["rbf"], false);
    assert_eq!(u["inputs"][0]["address"], SENDER);
    assert_eq!(u["inputs"][0]["value"]["raw"], "1000000");
    assert_eq!(
        u["outputs"],
        json!([
            {"address": PAYEE, "type": "p2pkh", "value": {"raw": "250000", "amount": "0.0025", "symbol": "BTC"}, "change": false},
            {"address": SENDER, "type": "v0_p2wpkh", "value": {"raw": "745800", "amount": "0.007458", "symbol": "BTC"}, "change": true},
        ])
    );
    assert_eq!(v["token_transfers"], json!([]));
    assert_eq!(v["explorer_url"], format!("https://mempool.space/tx/{id}"));
    // Congestion from mempool.space's recommendation and the backlog.
    let m = &v["congestion"]["mempool"];
    assert_eq!(
        v["congestion"]["level"], "high",
        "12 sat/vB for the next block"
    );
    assert_eq!(m["fee_rates"]["next_block"], 12.0);
    assert_eq!(m["backlog_vsize"], 28_500_000);
    assert_says(
        &v,
        &[
            &format!("transfer of 0.0025 BTC to {PAYEE} on Bitcoin"),
            "3 of the 6 confirmations",
            "about 30 minutes",
            "The network fee was 0.000042 BTC (29.8 sat/vB).",
        ],
    );
    // One round of five requests at once; no parents asked for a confirmed one.
    let mut paths = n.paths();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/blocks/tip/height".to_string(),
            "/fee-estimates".into(),
            "/mempool".into(),
            format!("/tx/{id}"),
            "/v1/fees/recommended".into(),
        ]
    );
}

#[test]
fn six_confirmations_are_final_and_blockstream_links_work() {
    let n = FakeEsplora::start(&["tx_confirmed"], 870_013, Flavour::Blockstream);
    let cfg = bitcoin_config(&[&n.url()]);
    let id = txid("tx_confirmed");
    let (v, run) = check_json(&cfg, &format!("https://blockstream.info/tx/{id}"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["confirmations"].as_u64()),
        (Some("finalized"), Some(6))
    );
    // Without /v1/fees/recommended the estimates give the tiers.
    assert_eq!(v["congestion"]["mempool"]["fee_rates"]["next_block"], 12.5);
    assert_eq!(v["congestion"]["mempool"]["fee_rates"]["hour"], 8.1);
    assert_says(&v, &["succeeded and is final", "6 confirmations"]);
}

#[test]
fn a_low_fee_with_rbf_gets_a_bump_and_a_cpfp_figure() {
    let n = node(&["tx_low_fee_rbf", "tx_confirmed"]);
    let cfg = bitcoin_config(&[&n.url()]);
    let id = txid("tx_low_fee_rbf");
    let (v, run) = check_json(&cfg, &id);
    assert_eq!(run.code, 3, "pending: {}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("pending"), Some("low_fee_rate"))
    );
    assert_eq!(
        (v["confirmations"].as_u64(), v["block"].as_u64()),
        (Some(0), None)
    );
    assert_eq!(v["eta_seconds"], Value::Null, "below even the day rate");
    let p = &v["pending"];
    assert_eq!(p["fee_rate"], 2.0);
    assert_eq!(p["rbf"], true);
    assert_eq!(p["target_fee_rate"], 10.0);
    assert_eq!(
        p["rbf_replacement"],
        json!({"fee_rate": 10.0, "fee_sats": 2260})
    );
    assert_eq!(
        p["cpfp_child"],
        json!({"fee_rate": 26.5, "fee_sats": 2908, "vsize": 110})
    );
    assert_eq!(p["blocking_parent"], Value::Null);
    assert_eq!(v["utxo"]["unconfirmed_parents"], json!([]));
    assert_says(
        &v,
        &[
            "its fee rate is too low: it pays 2 sat/vB",
            "at least 8 sat/vB now (12 sat/vB for the next block)",
            "will not confirm until fees fall",
            "signals replace-by-fee",
            "a fee of 0.0000226 BTC (10 sat/vB)",
            "26.5 sat/vB (0.00002908 BTC for a typical 110 vB transaction)",
            "about 14 days",
        ],
    );
    // The parent was asked for, after the first round.
    let paths = n.paths();
    assert_eq!(paths.len(), 6, "{paths:?}");
    assert_eq!(paths[5], format!("/tx/{}", txid("tx_confirmed")));

    // The table shows the same figures.
    let text = cfg.run(&["check", &id]);
    for want in [
        "Replace-by-fee",
        "signalled",
        "Bump to",
        "0.0000226 BTC (10 sat/vB)",
        "next block 12",
    ] {
        assert!(
            text.stdout.contains(want),
            "{want:?} missing from:\n{}",
            text.stdout
        );
    }
}

#[test]
fn a_low_fee_without_rbf_points_to_cpfp_and_waits_about_a_day() {
    let n = node(&["tx_low_fee_final", "tx_confirmed"]);
    let cfg = bitcoin_config(&[&n.url()]);
    let (v, run) = check_json(&cfg, &txid("tx_low_fee_final"));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(v["reason"], "low_fee_rate");
    assert_eq!(v["pending"]["rbf"], false);
    assert_eq!(v["pending"]["first_confirmation_seconds"], 144 * 600);
    assert_says(
        &v,
        &[
            "it pays 5 sat/vB",
            "may take about a day",
            "does not signal replace-by-fee",
            "child pays for parent",
        ],
    );
    // In Chinese, the figures are the same.
    let zh = cfg
        .run(&["check", &txid("tx_low_fee_final"), "--json", "--lang", "zh"])
        .json();
    let d = diagnosis(&zh);
    assert!(d.contains("5 sat/vB") && d.contains("未启用 RBF"), "{d}");
}

#[test]
fn a_cheap_unconfirmed_parent_is_named_as_the_problem() {
    let n = node(&["tx_child", "tx_parent"]);
    let cfg = bitcoin_config(&[&n.url()]);
    let parent = txid("tx_parent");
    let (v, run) = check_json(&cfg, &txid("tx_child"));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(v["reason"], "unconfirmed_parent");
    let p = &v["pending"];
    assert_eq!(p["fee_rate"], 10.0, "it pays enough on its own");
    assert!((p["effective_fee_rate"].as_f64().unwrap() - 1782.0 / 291.0).abs() < 1e-9);
    assert_eq!(p["blocking_parent"], parent);
    assert_eq!(p["cpfp_child"]["fee_sats"], 2228);
    assert_eq!(
        v["utxo"]["unconfirmed_parents"],
        json!([{"txid": parent, "fee": 282, "vsize": 141, "fee_rate": 2.0}])
    );
    assert_says(
        &v,
        &[
            &format!(
                "spends coins from transaction {parent}, which is itself unconfirmed and pays only 2 sat/vB"
            ),
            "together they pay 6.1 sat/vB",
            "20.3 sat/vB",
            &format!("The sender of {parent} can also speed that one up"),
        ],
    );
}

#[test]
fn a_good_rate_waits_for_the_next_block() {
    let n = node(&["tx_waiting", "tx_coinbase"]);
    let cfg = bitcoin_config(&[&n.url()]);
    let (v, run) = check_json(&cfg, &txid("tx_waiting"));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("pending"), Some("waiting"))
    );
    assert_eq!(v["eta_seconds"], 3600, "one block, then five more");
    assert_eq!(v["pending"]["rbf"], true);
    assert_eq!(v["pending"]["rbf_replacement"], Value::Null);
    assert_says(
        &v,
        &[
            "pays 15 sat/vB, enough for the next block",
            "in about 10 minutes",
            "in about 60 minutes",
        ],
    );
}

#[test]
fn an_unknown_txid_needs_two_endpoints_to_say_so() {
    let a = node(&[]);
    let b = FakeEsplora::start(&[], TIP, Flavour::Blockstream);
    let cfg = bitcoin_config(&[&a.url(), &b.url()]);
    let id = "ab".repeat(32);
    let (v, run) = check_json(&cfg, &format!("https://mempool.space/tx/{id}"));
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("not_found"), Some("not_found"))
    );
    assert_eq!(v["answered_by"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["congestion"]["level"], "high",
        "congestion even when not found"
    );
    assert_says(
        &v,
        &[
            "We could not find transaction",
            "copied in full",
            "sent on Bitcoin",
        ],
    );
}

#[test]
fn a_failing_endpoint_falls_back_and_is_named() {
    let broken = FakeServer::serve(|_| {
        Reply::status(503, "<html><body>Service Unavailable</body></html>")
            .header("Content-Type", "text/html")
    });
    let n = node(&["tx_confirmed"]);
    let cfg = bitcoin_config(&[&broken.url, &n.url()]);
    let (v, run) = check_json(&cfg, &txid("tx_confirmed"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["status"], "confirmed");
    let w = &v["warnings"][0];
    assert_eq!(w["code"], "endpoint_failed");
    assert_eq!(w["endpoint"], broken.url);
}

#[test]
fn a_404_page_from_a_wrong_url_is_not_a_not_found() {
    // The site's root instead of its /api: every path is an HTML 404.
    let n = node(&["tx_confirmed"]);
    let cfg = bitcoin_config(&[&n.server.url]);
    let (v, run) = check_json(&cfg, &txid("tx_confirmed"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("endpoints_unavailable"))
    );
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Esplora API URL"),
        "{}",
        v["warnings"]
    );
}

#[test]
fn a_bare_id_is_searched_on_every_family_at_once() {
    let tron = FakeTron::start(&[]);
    let btc = node(&["tx_confirmed"]);
    let toml = format!(
        "{}\n{}",
        bitcoin_toml(&[&btc.url()]),
        std::fs::read_to_string(&crate::common::tron::tron_config(&[tron.url()]).path).unwrap()
    );
    let cfg = write_raw_config(&toml);
    let (v, run) = check_json(&cfg, &txid("tx_confirmed"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (v["chain"].as_str(), v["status"].as_str()),
        (Some("btc"), Some("confirmed"))
    );
}

#[test]
fn address_typos_are_caught_without_a_request() {
    let n = node(&["tx_confirmed"]);
    let cfg = bitcoin_config(&[&n.url()]);
    let run = cfg.run(&["check", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("checksum"), "{}", run.stderr);
    assert!(n.paths().is_empty(), "no request for bad input");
    // Keep the fake honest: it answers a real lookup.
    let (v, _) = check_json(&cfg, &txid("tx_confirmed"));
    assert_eq!(v["status"], "confirmed");
}

/// The fixtures were captured in November 2025: a window that reaches them.
const SINCE: &str = "400d";

#[test]
fn issue_7_address_balance_history_and_expected_payment() {
    let n = node(&[
        "tx_confirmed",
        "tx_low_fee_rbf",
        "tx_waiting",
        "tx_coinbase",
    ]);
    let cfg = bitcoin_config(&[&n.url()]);
    let (v, run) = check_json_with(&cfg, PAYEE, &["--since", SINCE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["kind"], "address");
    let c = &v["chains"][0];
    assert_eq!(c["chain"], "btc");
    // 250,000 sats received (confirmed); its spend is still in the mempool,
    // so the balance is confirmed + mempool (issue 18): what comes back as
    // change, with the confirmed part and the part being sent named.
    assert_eq!(
        c["balance"],
        json!({"raw": "149548", "amount": "0.00149548", "symbol": "BTC"})
    );
    assert_eq!(c["unconfirmed"]["confirmed"]["raw"], "250000");
    assert_eq!(c["unconfirmed"]["outgoing"]["raw"], "250000");
    assert_eq!(c["unconfirmed"]["incoming"]["raw"], "149548");
    assert!(
        v["diagnosis"]
            .as_str()
            .unwrap()
            .contains("Of its 0.0025 BTC confirmed, 0.0025 BTC is being sent in a transaction that is not confirmed yet."),
        "{}",
        v["diagnosis"]
    );
    assert_eq!(c["nonce"], Value::Null);
    assert_eq!(c["history"]["source"], "esplora");
    assert_eq!(c["history"]["native"], true);
    let t = c["recent_transfers"].as_array().unwrap();
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!(
        (t[0]["direction"].as_str(), t[0]["block"].as_u64()),
        (Some("out"), None)
    );
    assert_eq!(
        t[0]["amount"], "0.001",
        "what went to others, not the change"
    );
    assert_eq!(
        (t[1]["direction"].as_str(), t[1]["amount"].as_str()),
        (Some("in"), Some("0.0025"))
    );
    assert_eq!(t[1]["from"], SENDER);
    assert_eq!(
        c["explorer_url"],
        format!("https://mempool.space/address/{PAYEE}")
    );
    let paths = n.paths();
    for p in [
        format!("/address/{PAYEE}"),
        format!("/address/{PAYEE}/txs"),
        "/blocks/tip/height".into(),
    ] {
        assert!(paths.contains(&p), "{paths:?}");
    }

    // The payment the customer expects, by amount and sender.
    let (v, run) = check_json_with(
        &cfg,
        PAYEE,
        &["--expect", "0.0025 BTC", "--from", SENDER, "--since", SINCE],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["match"]["hash"], txid("tx_confirmed"));
    assert_eq!(v["match"]["status"], "confirmed");
    assert_eq!(v["match"]["confirmations"], 3);

    // An amount that did not come: exit 5, and the window searched is named.
    let (v, run) = check_json_with(&cfg, PAYEE, &["--expect", "0.003", "--since", SINCE]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(v["match"], Value::Null);
    let d = v["diagnosis"].as_str().unwrap();
    assert!(d.contains("0.003") && d.contains("Bitcoin"), "{d}");

    // A payment still in the mempool matches as pending.
    let taproot = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0";
    let (v, run) = check_json_with(&cfg, taproot, &["--expect", "0.015"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["match"]["hash"], txid("tx_waiting"));
    assert_eq!(v["match"]["status"], "pending");
    assert_eq!(
        v["chains"][0]["incoming_pending"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn issue_7_an_address_endpoint_that_fails_falls_back_and_never_says_nothing_came() {
    let good = node(&["tx_confirmed"]);
    let broken = FakeServer::start(|_| Reply::status(503, "<html>Service Unavailable</html>"));
    let cfg = bitcoin_config(&[&format!("{}/api", broken.url), &good.url()]);
    let (v, run) = check_json_with(&cfg, PAYEE, &["--expect", "0.0025", "--since", SINCE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["match"]["hash"], txid("tx_confirmed"));
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "endpoint_failed"),
        "{}",
        v["warnings"]
    );
    // Only the broken endpoint: unknown (6), not "nothing arrived" (5).
    let cfg = bitcoin_config(&[&format!("{}/api", broken.url)]);
    let (v, run) = check_json_with(&cfg, PAYEE, &["--expect", "0.0025", "--since", SINCE]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["match"], Value::Null);
}

/// Prints the reports for reading: `cargo test --test check_bitcoin show -- --ignored --nocapture`.
#[test]
#[ignore]
fn show() {
    let n = node(&[
        "tx_low_fee_rbf",
        "tx_confirmed",
        "tx_child",
        "tx_parent",
        "tx_waiting",
        "tx_coinbase",
    ]);
    let cfg = bitcoin_config(&[&n.url()]);
    for name in ["tx_confirmed", "tx_low_fee_rbf", "tx_child", "tx_waiting"] {
        for lang in ["en", "zh"] {
            println!(
                "{}",
                cfg.run(&["check", &txid(name), "--lang", lang]).stdout
            );
        }
    }
}
