//! `txdoctor check` on Solana against a fake JSON-RPC node that answers like
//! the real one (tests/common/solana.rs; fixtures and their sources in
//! tests/fixtures/solana): a finalized USDT transfer with the real owners, a
//! token transfer failing for insufficient funds, a SOL transfer only
//! confirmed, an unknown signature explained as expiry, endpoint fallback
//! and devnet links refused.

use crate::common::fake::{FakeServer, Reply};
use crate::common::solana::{FakeSolana, HEAD, signature, solana_config, solana_toml};
use crate::common::*;
use serde_json::{Value, json};

const PAYER: &str = "AWxggjuZRmWULwxwPeM6ZZxRtdDdekVq22mFRx2QbW7U";
const PAYEE: &str = "9h3NctATCQvBt2QD7k7LYBZEmrEuPyvWNRicVZwPBc6M";
const USDT: &str = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB";

#[test]
fn a_finalized_usdt_transfer_names_the_owners_in_one_request() {
    let node = FakeSolana::start(&["usdt"]);
    let cfg = solana_config(&[&node.url()]);
    let sig = signature("usdt");
    let (v, run) = check_json(&cfg, &format!("https://solscan.io/tx/{sig}"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("finalized"), Some("included"))
    );
    assert_eq!(
        (v["chain"].as_str(), v["hash"].as_str()),
        (Some("sol"), Some(sig.as_str()))
    );
    assert_eq!(v["block"], 380_000_000);
    assert_eq!(v["confirmations"], HEAD - 380_000_000 + 1);
    assert_eq!(v["from"], PAYER);
    assert_eq!(
        v["token_transfers"],
        json!([{"token": USDT, "symbol": "USDT", "from": PAYER, "to": PAYEE, "raw": "100000000", "amount": "100", "memo": null}])
    );
    assert_eq!(v["fee"]["raw"], "6000");
    let s = &v["solana"];
    assert_eq!(
        (
            s["commitment"].as_str(),
            s["base_fee"].as_u64(),
            s["priority_fee"].as_u64()
        ),
        (Some("finalized"), Some(5000), Some(1000))
    );
    assert_eq!(
        s["balance_changes"],
        json!([{"account": PAYER, "before": "1000000000", "after": "999994000", "change": "-6000"}])
    );
    assert_eq!(v["congestion"]["compute_unit_price"]["slots_sampled"], 150);
    says(
        &v,
        &[
            &format!("transfer of 100 USDT to {PAYEE} on Solana succeeded and is final"),
            "0.000006 SOL (0.000005 SOL base fee and 0.000001 SOL priority fee)",
        ],
    );
    // One batch of five calls (the genesis hash checks the cluster).
    assert_eq!(node.server.hits(), 1);
    assert_eq!(
        node.methods(),
        [
            "getSignatureStatuses",
            "getTransaction",
            "getSlot",
            "getRecentPrioritizationFees",
            "getGenesisHash"
        ]
    );
    let body: Value = serde_json::from_str(&node.server.bodies()[0]).unwrap();
    assert_eq!(body[0]["params"][1]["searchTransactionHistory"], true);
    assert_eq!(body[1]["params"][1]["encoding"], "jsonParsed");
    assert_eq!(body[1]["params"][1]["maxSupportedTransactionVersion"], 0);
}

#[test]
fn a_token_transfer_without_the_funds_fails_with_the_instruction_named() {
    let node = FakeSolana::start(&["insufficient"]);
    let cfg = solana_config(&[&node.url()]);
    let (v, run) = check_json(&cfg, &signature("insufficient"));
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("failed"), Some("insufficient_funds"))
    );
    assert_eq!(v["token_transfers"], json!([]), "nothing moved");
    assert_eq!(
        v["attempted_transfer"],
        json!({"token": USDT, "symbol": "USDT", "from": PAYER, "to": PAYEE, "raw": "900000000", "amount": "900", "memo": null})
    );
    let ix = &v["solana"]["instruction_error"];
    assert_eq!(
        (
            ix["index"].as_u64(),
            ix["custom_code"].as_u64(),
            ix["error"].as_str()
        ),
        (Some(1), Some(1), Some("Custom(1)"))
    );
    assert_eq!(v["failure"]["kind"], "insufficient_funds");
    says(
        &v,
        &[
            &format!("transfer of 900 USDT to {PAYEE} on Solana failed"),
            "failed because an account did not have enough funds (the network's error: \"instruction 1 (Token program) failed: custom program error 1 (0x1) — Program log: Error: insufficient funds\")",
            "the network fee of 0.000006 SOL was still charged",
            "enough SOL for the fee",
        ],
    );
}

#[test]
fn a_confirmed_sol_transfer_is_not_yet_final() {
    let node = FakeSolana::start(&["sol"]);
    let cfg = solana_config(&[&node.url()]);
    let (v, run) = check_json(
        &cfg,
        &format!("https://explorer.solana.com/tx/{}", signature("sol")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["status"], "confirmed");
    assert_eq!(v["solana"]["commitment"], "confirmed");
    assert_eq!(v["to"], PAYEE);
    assert_eq!(
        v["value"],
        json!({"raw": "250000000", "amount": "0.25", "symbol": "SOL"})
    );
    says(
        &v,
        &["transfer of 0.25 SOL", "has been confirmed by the network"],
    );
}

#[test]
fn an_unknown_signature_is_explained_as_expiry_after_two_endpoints() {
    let a = FakeSolana::start(&[]);
    let b = FakeSolana::start(&[]);
    let cfg = solana_config(&[&a.url(), &b.url()]);
    let (v, run) = check_json(&cfg, &signature("usdt"));
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("not_found"), Some("not_found"))
    );
    assert_eq!(v["answered_by"].as_array().unwrap().len(), 2);
    says(
        &v,
        &[
            "blockhash expires",
            "more than 2 minutes ago",
            "please send it again",
            "micro-lamports per compute unit",
        ],
    );
}

#[test]
fn a_failing_endpoint_falls_back_and_an_rpc_error_is_never_not_found() {
    let broken = FakeServer::start(|_| {
        Reply::json(
            r#"{"jsonrpc":"2.0","error":{"code":-32005,"message":"Node is behind by 120 slots"},"id":1}"#,
        )
    });
    let node = FakeSolana::start(&["usdt"]);
    let cfg = solana_config(&[&broken.url, &node.url()]);
    let (v, run) = check_json(&cfg, &signature("usdt"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["warnings"][0]["endpoint"], broken.url);
    let only_broken = solana_config(&[&broken.url]);
    let (v, run) = check_json(&only_broken, &signature("usdt"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["status"], "unknown");
}

#[test]
fn devnet_links_are_refused_without_a_request() {
    let node = FakeSolana::start(&["usdt"]);
    let cfg = solana_config(&[&node.url()]);
    let sig = signature("usdt");
    let run = cfg.run(&[
        "check",
        &format!("https://explorer.solana.com/tx/{sig}?cluster=devnet"),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("devnet"), "{}", run.stderr);
    let run = cfg.run(&[
        "check",
        &format!("https://solscan.io/account/{PAYER}?cluster=devnet"),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(node.server.hits(), 0);
    let (v, _) = check_json(&cfg, &sig);
    assert_eq!(v["status"], "finalized");
}

/// The fixtures are dated November 2025: a window that keeps reaching them.
const SINCE: &str = "3650d";

#[test]
fn issue_7_solana_address_sees_token_transfers_through_its_token_account() {
    let node = FakeSolana::start(&["usdt", "sol"]);
    let cfg = solana_config(&[&node.url()]);
    let run = cfg.run(&["check", PAYEE, "--since", SINCE, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let c = &v["chains"][0];
    assert_eq!(c["chain"], "sol");
    assert_eq!(c["tokens"][0]["symbol"], "USDT");
    assert_eq!(c["tokens"][0]["amount"], "120");
    let t = c["recent_transfers"].as_array().unwrap();
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!(
        (t[0]["symbol"].as_str(), t[0]["amount"].as_str()),
        (Some("SOL"), Some("0.25"))
    );
    // The USDT went to PAYEE's token account, whose signatures had to be read.
    assert_eq!(
        (
            t[1]["symbol"].as_str(),
            t[1]["amount"].as_str(),
            t[1]["from"].as_str()
        ),
        (Some("USDT"), Some("100"), Some(PAYER))
    );
    let methods = node.methods();
    assert_eq!(
        methods
            .iter()
            .filter(|m| *m == "getSignaturesForAddress")
            .count(),
        2,
        "{methods:?}"
    );

    let run = cfg.run(&[
        "check", PAYEE, "--expect", "100 USDT", "--from", PAYER, "--since", SINCE, "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["match"]["hash"], signature("usdt"));
    assert_eq!(v["match"]["status"], "finalized");

    let run = cfg.run(&[
        "check", PAYEE, "--expect", "101 USDT", "--since", SINCE, "--json",
    ]);
    assert_eq!(run.code, 5, "{}", run.stderr);
}

#[test]
fn a_node_of_another_cluster_is_not_used() {
    let node = FakeSolana::start(&["usdt"]);
    // chains.toml names devnet; the node serves mainnet-beta.
    let devnet = solana_toml(&[&node.url()]).replace(
        crate::common::solana::MAINNET_GENESIS,
        "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
    );
    let cfg = write_raw_config(&devnet);
    let (v, run) = check_json(&cfg, &signature("usdt"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("unknown"), Some("chain_mismatch"))
    );
    assert_eq!(v["warnings"][0]["code"], "chain_mismatch");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("genesis hash 5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d"),
        "{}",
        v["warnings"]
    );
}
