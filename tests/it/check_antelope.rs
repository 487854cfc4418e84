//! `txdoctor check` on EOS (Vaulta) (issue 22) against a fake nodeos chain
//! API and Hyperion (tests/it/common/antelope.rs; fixtures and their sources
//! in tests/fixtures/antelope): transfers with their memo, irreversible and
//! not yet, A, notifications not counted twice, an EOS → A swap, frozen
//! USDT, a resource provider, an unknown id, a deposit without memo, a
//! failing history, a lying one, a transaction waiting in a node and then
//! expired, and an address view with `--expect` matching a memo.

use crate::common::antelope::*;
use crate::common::fake::{FakeServer, Reply};
use crate::common::*;
use serde_json::{Value, json};

#[test]
fn issue_22_an_eos_transfer_with_its_memo_is_final_in_one_round_trip() {
    let node = FakeAntelope::start(&["eos_memo"]);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let id = id_of("eos_memo");
    let (v, run) = check_json_with(&cfg, &format!("https://bloks.io/transaction/{id}"), &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (
            v["status"].as_str(),
            v["reason"].as_str(),
            v["chain"].as_str()
        ),
        (Some("finalized"), Some("included"), Some("eos"))
    );
    assert_eq!(v["block"], BLOCK);
    assert_eq!(v["confirmations"], Value::Null);
    assert_eq!(v["from"], "alice.vaulta");
    assert_eq!(v["to"], "exchangedepo");
    // The notifications to both parties are the same transfer: one.
    assert_eq!(
        v["token_transfers"],
        json!([{"token": "eosio.token", "symbol": "EOS", "from": "alice.vaulta", "to": "exchangedepo",
                "raw": "125000", "amount": "12.5", "memo": "104982731"}])
    );
    assert_eq!(v["fee"]["raw"], "0");
    assert_eq!(
        v["fee"]["resources"],
        json!({"cpu_us": 186, "net_bytes": 128, "billed_to": "alice.vaulta", "provider_paid": false})
    );
    assert_eq!(v["antelope"]["last_irreversible_block"], LIB);
    says(
        &v,
        &[
            "transfer of 12.5 EOS to exchangedepo on EOS (Vaulta) succeeded and is final",
            "memo \"104982731\"",
            "186 µs of CPU",
        ],
    );
    // get_transaction and health, at once.
    assert_eq!(requests(&run), 2, "{}", run.stderr);
    // The table shows the memo.
    let text = cfg.run(&["check", &id]).stdout;
    assert!(
        text.contains("Memo") && text.contains("104982731"),
        "{text}"
    );
}

#[test]
fn issue_22_a_block_above_the_lib_is_confirmed_not_final() {
    let node = FakeAntelope::start(&["eos_memo"]);
    node.set(|s| s.lib = BLOCK - 1);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    // The history's own LIB is not past the node's.
    let mut tx = fixture("eos_memo")["response"].clone();
    tx["lib"] = json!(BLOCK - 1);
    node.set(|s| {
        s.txs.insert(id_of("eos_memo"), tx.clone());
    });
    let (v, run) = check_json(&cfg, &id_of("eos_memo"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["status"], "confirmed");
    says(&v, &["irreversible within seconds"]);
}

#[test]
fn issue_22_a_transfers_and_usdt_is_explained_as_frozen() {
    let node = FakeAntelope::start(&["a_transfer", "usdt_frozen"]);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json(&cfg, &id_of("a_transfer"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["token_transfers"][0]["symbol"], "A");
    assert_eq!(v["token_transfers"][0]["token"], "core.vaulta");
    says(&v, &["transfer of 250 A to bob.vaulta"]);
    assert!(warnings_of(&v, "fake_token").is_empty());

    let (v, run) = check_json(&cfg, &id_of("usdt_frozen"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["antelope"]["frozen"], json!(["USDT"]));
    says(&v, &["Tether froze all USDT on this network on 2025-09-01"]);
}

#[test]
fn issue_22_an_eos_to_a_swap_is_said_as_a_swap() {
    let node = FakeAntelope::start(&["swap"]);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json(&cfg, &id_of("swap"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The user's transfer and core.vaulta's inline one; the notifications dropped.
    assert_eq!(
        v["token_transfers"].as_array().unwrap().len(),
        2,
        "{}",
        v["token_transfers"]
    );
    assert_eq!(
        v["antelope"]["swap"],
        json!({"gave": "10 EOS", "got": "10 A", "to": "alice.vaulta"})
    );
    says(
        &v,
        &[
            "swap of 10 EOS for 10 A",
            "swap 1:1 through the core.vaulta contract",
        ],
    );
}

#[test]
fn issue_22_a_resource_provider_paid_and_the_sender_paid_nothing() {
    let node = FakeAntelope::start(&["provider"]);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json(&cfg, &id_of("provider"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["from"], "alice.vaulta", "the user, not the provider");
    assert_eq!(v["fee"]["payer"], "greymassfuel");
    assert_eq!(v["fee"]["resources"]["provider_paid"], true);
    says(
        &v,
        &[
            "resource provider greymassfuel",
            "the sender paid nothing",
            "memo \"thanks\"",
        ],
    );
}

#[test]
fn issue_22_an_exchange_deposit_without_memo_says_what_to_do() {
    let node = FakeAntelope::start(&["no_memo"]);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json(&cfg, &id_of("no_memo"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(v["token_transfers"][0]["memo"], "");
    says(
        &v,
        &[
            "carried no memo",
            "contact its support with this transaction id",
        ],
    );
}

#[test]
fn issue_22_an_unknown_id_on_two_histories_never_reached_the_chain() {
    let a = FakeAntelope::start(&[]);
    let b = FakeAntelope::start(&[]);
    let cfg = antelope_config(&[&a.url()], &[&a.url(), &b.url()]);
    let id = "ab".repeat(32);
    let (v, run) = check_json_with(&cfg, &id, &["-v", "--chain", "eos"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(v["status"], "not_found");
    assert_eq!(v["answered_by"].as_array().unwrap().len(), 2);
    says(
        &v,
        &["never reached the chain, nothing was deducted and no fee was charged"],
    );
    // 2 per history, then the chain API's get_transaction_status.
    assert_eq!(requests(&run), 5, "{}", run.stderr);
    // A history that indexes only recent blocks cannot testify.
    b.set(|s| s.first_indexed = 300_000_000);
    let (v, run) = check_json_with(&cfg, &id, &["--chain", "eos"]);
    assert_eq!(
        (run.code, v["status"].as_str()),
        (6, Some("unknown")),
        "{}",
        run.stderr
    );
    // Nor one whose index is far behind its node.
    b.set(|s| {
        s.first_indexed = 2;
        s.last_indexed = HEAD - 500;
    });
    let (v, _) = check_json_with(&cfg, &id, &["--chain", "eos"]);
    assert_eq!(v["status"], "unknown");
    assert!(
        warnings_of(&v, "endpoint_failed")
            .iter()
            .any(|w| w["message"].as_str().unwrap().contains("behind its node")),
        "{v}"
    );
}

#[test]
fn issue_22_waiting_in_a_node_then_expired() {
    let node = FakeAntelope::start(&[]);
    let id = "cd".repeat(32);
    node.set(|s| {
        s.statuses.insert(
            id.clone(),
            json!({"state": "LOCALLY_APPLIED", "head_number": HEAD, "head_id": "17d78414",
                   "head_timestamp": HEAD_TIME, "irreversible_number": LIB,
                   "expiration": "2026-12-07T05:00:30", "earliest_tracked_block_number": HEAD - 7200}),
        );
    });
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json_with(&cfg, &id, &["--chain", "eos"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(v["status"], "pending");
    assert_eq!(v["antelope"]["chain_state"], "LOCALLY_APPLIED");
    says(&v, &["accepted by a node", "2026-12-07 05:00 UTC"]);
    // Gone from the node, and the chain's clock is past its expiration.
    node.set(|s| {
        s.statuses.clear();
        s.head_time = "2026-12-07T05:01:00.000".into();
    });
    let (v, run) = check_json_with(&cfg, &id, &["--chain", "eos"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("dropped"), Some("expired"))
    );
    says(&v, &["safe to send the transfer again"]);
}

#[test]
fn issue_22_a_failing_history_falls_back_and_another_chain_is_not_used() {
    let broken = FakeServer::serve(|_| Reply::status(502, "<html>Bad Gateway</html>"));
    let node = FakeAntelope::start(&["eos_memo"]);
    let cfg = antelope_config(&[&node.url()], &[&broken.url, &node.url()]);
    let (v, run) = check_json(&cfg, &id_of("eos_memo"));
    assert_eq!(
        (run.code, v["status"].as_str()),
        (0, Some("finalized")),
        "{}",
        run.stderr
    );
    assert!(!warnings_of(&v, "endpoint_failed").is_empty());

    let wax = FakeAntelope::start(&["eos_memo"]);
    wax.set(|s| {
        s.chain_id = "1064487b3cd1a897ce03ae5b6a865651747e2e152090f99c1d19d44e01aea5a4".into()
    });
    let cfg = antelope_config(&[&wax.url()], &[&wax.url()]);
    let (v, run) = check_json(&cfg, &id_of("eos_memo"));
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(v["reason"], "chain_mismatch");
}

#[test]
fn issue_22_a_lying_history_is_not_believed_and_memos_are_data() {
    // Actions of another transaction given for the id asked.
    let node = FakeAntelope::start(&["eos_memo"]);
    let asked = "ef".repeat(32);
    node.set(|s| {
        let mut other = s.txs.values().next().unwrap().clone();
        other["trx_id"] = json!(asked.clone());
        s.txs.insert(asked.clone(), other);
    });
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json_with(&cfg, &asked, &["--chain", "eos"]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(warnings_of(&v, "inconsistent_answer").len(), 1, "{v}");
    // A block past the node's head.
    let node = FakeAntelope::start(&["eos_memo"]);
    node.set(|s| s.head = BLOCK - 5);
    node.set(|s| s.lib = BLOCK - 6);
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, _) = check_json(&cfg, &id_of("eos_memo"));
    assert_eq!(v["status"], "unknown");
    // A memo with terminal escapes and a direction override is shown escaped.
    let node = FakeAntelope::start(&["eos_memo"]);
    node.set(|s| {
        let tx = s.txs.values_mut().next().unwrap();
        for a in tx["actions"].as_array_mut().unwrap() {
            a["act"]["data"]["memo"] = json!("pay\u{1b}[2J\u{202e}now\u{7}");
        }
    });
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let run = cfg.run(&["check", &id_of("eos_memo"), "--reply"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for bad in ['\u{1b}', '\u{202e}', '\u{7}'] {
        assert!(!run.stdout.contains(bad), "{:?}", run.stdout);
    }
}

#[test]
fn issue_22_an_account_view_finds_the_deposit_by_its_memo() {
    let node = FakeAntelope::start(&["eos_memo", "no_memo", "a_transfer"]);
    node.set(|s| {
        s.accounts.insert(
            "exchangedepo".into(),
            account("exchangedepo", "5052.5000 EOS", 90_000),
        );
        s.balances.insert(
            ("core.vaulta".into(), "exchangedepo".into()),
            vec!["100.0000 A".into()],
        );
    });
    let cfg = antelope_config(&[&node.url()], &[&node.url()]);
    let (v, run) = check_json_with(&cfg, "https://bloks.io/account/exchangedepo", &["-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let chain = &v["chains"][0];
    assert_eq!(chain["balance"]["amount"], "5052.5");
    assert_eq!(chain["tokens"][0]["symbol"], "A");
    assert_eq!(chain["tokens"][0]["amount"], "100");
    let memos: Vec<&str> = chain["recent_transfers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["memo"].as_str())
        .collect();
    assert!(
        memos.contains(&"104982731") && memos.contains(&""),
        "{memos:?}"
    );
    // get_info, get_account, 3 balances and get_actions, in one round.
    assert_eq!(requests(&run), 6, "{}", run.stderr);
    // --expect with the memo the exchange gave: found; with another memo: absent.
    let expect = |memo: &str| {
        cfg.run(&[
            "check",
            "exchangedepo",
            "--expect",
            "12.5",
            "--token",
            "EOS",
            "--memo",
            memo,
            "--json",
        ])
    };
    let run = expect("104982731");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.json()["match"]["hash"], id_of("eos_memo"));
    let run = expect("999");
    assert_eq!(run.code, 5, "{}\n{}", run.stdout, run.stderr);
    // An account with no CPU left is told so.
    node.set(|s| {
        s.accounts.insert(
            "exchangedepo".into(),
            account("exchangedepo", "1.0000 EOS", 10),
        );
    });
    let (v, _) = check_json(&cfg, "exchangedepo");
    says(&v, &["almost no CPU"]);
}

#[test]
fn issue_22_names_keys_and_messages_are_read_as_people_mean_them() {
    let cfg = antelope_config(&[&dead_endpoint()], &[&dead_endpoint()]);
    let run = cfg.run(&[
        "check",
        "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("public key") && run.stderr.contains("account name"),
        "{}",
        run.stderr
    );
    // Words in a message are not accounts.
    let run = cfg.run(&["check", "where is my money"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn issue_22_probe_asks_chain_apis_and_histories() {
    let api = FakeAntelope::start(&[]);
    let history = FakeAntelope::start(&[]);
    let cfg = antelope_config(&[&api.url()], &[&history.url()]);
    let run = cfg.run(&["chains", "--probe", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let endpoints = v[0]["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 2, "{v}");
    assert_eq!(api.paths(), ["/v1/chain/get_info"]);
    assert_eq!(history.paths(), ["/v2/health"]);
    let text = v.to_string();
    assert!(text.contains(&HEAD.to_string()), "{text}");
}
