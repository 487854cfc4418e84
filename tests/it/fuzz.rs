//! Bounded fuzzing (proptest) of everything that reads outside input: the
//! query parser and the secret detector over arbitrary text and over valid
//! queries with a character changed, and the wire decoders over real answers
//! (the fixtures, an EVM transfer) with values replaced by hostile ones —
//! nulls, wrong types, huge and negative numbers, long strings. The property
//! is "no panic"; the decoders may refuse, never crash. The consistency
//! checks (issue 18) are fuzzed with mutations aimed at what they compare —
//! ids, block numbers and hashes, statuses, numbers at their type's limits —
//! and must let an answer through only when an independent reading of the
//! mutated JSON finds it still consistent. The text neutraliser is fuzzed
//! over any string. Each property runs a fixed number of cases, so CI time
//! is bounded (a few seconds).

use proptest::prelude::*;
use serde_json::{Value, json};
use txdoctor::config::{BUILTIN, Config, parse};

fn config() -> Config {
    parse(BUILTIN).unwrap()
}

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// 512 cases per property in CI; `PROPTEST_CASES=20000 cargo test --test it fuzz::`
/// for a longer hunt (in a debug build, so arithmetic overflow panics).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

/// Valid queries of every kind, to be mutated.
const SEEDS: &[&str] = &[
    "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "https://tronscan.org/#/transaction/5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "https://mempool.space/tx/5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "https://solscan.io/tx/5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
];

/// Characters that break naive parsers: controls, bidi, zero-width,
/// look-alikes, full-width, quotes, URL punctuation, multi-byte.
fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            '\0', '\n', '\r', '\t', '\u{1b}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200b}',
            '\u{feff}', 'х', 'о', '０', 'ｘ', '"', '\'', '/', '#', '?', '%', '@', ':', '{', '}',
            '我', '😀',
        ]),
    ]
}

/// A seed with a few characters inserted, replaced or removed.
fn mutated_query() -> impl Strategy<Value = String> {
    (
        prop::sample::select(SEEDS.to_vec()),
        prop::collection::vec((any::<prop::sample::Index>(), nasty_char(), 0..3u8), 1..4),
    )
        .prop_map(|(seed, edits)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, c, op) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 => chars.insert(i, c),
                    1 if i < chars.len() => chars[i] = c,
                    _ if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ => chars.push(c),
                }
            }
            chars.into_iter().collect()
        })
}

/// Hostile JSON values to put where a field was.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(1e300)),
        Just(json!("")),
        Just(json!("0x")),
        Just(json!(format!("0x{}", "f".repeat(80)))),
        Just(json!("x".repeat(10_000))),
        Just(json!([])),
        Just(json!({})),
        any::<i64>().prop_map(|n| json!(n)),
        "[ -~]{0,80}".prop_map(|s| json!(s)),
    ]
}

/// Every path (leaf or inner node) of a JSON tree, as child indices/keys.
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                prefix.push(i.to_string());
                paths(x, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                prefix.push(k.clone());
                paths(x, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match v {
        Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
        Value::Object(o) => o.get_mut(k).unwrap(),
        _ => unreachable!("paths only descend into containers"),
    })
}

/// `base` with up to three of its values replaced.
fn mutate(base: &Value, edits: &[(prop::sample::Index, Value)]) -> Value {
    let mut v = base.clone();
    for (which, new) in edits {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let path = &all[which.index(all.len())];
        *at(&mut v, path) = new.clone();
    }
    v
}

fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, Value)>> {
    prop::collection::vec((any::<prop::sample::Index>(), hostile_value()), 1..4)
}

/// An ERC-20 transfer as an EVM node returns it (anvil's field set).
fn evm_answer() -> Value {
    let from = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    let to = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    let token = "0xdac17f958d2ee523a2206206994597c13d831ec7";
    let topic = |a: &str| format!("0x000000000000000000000000{}", &a[2..]);
    json!({
        "tx": {
            "hash": format!("0x{}", "ab".repeat(32)), "from": from, "to": token,
            "nonce": "0x4", "value": "0x0", "gas": "0xfde8", "gasPrice": "0x3b9aca00",
            "maxFeePerGas": "0x77359400", "maxPriorityFeePerGas": "0x3b9aca00",
            "input": format!("0xa9059cbb{}{:064x}", topic(to)[2..].to_string(), 250_000_000u64),
            "blockNumber": "0x64",
            "blockHash": format!("0x{}", "bb".repeat(32))
        },
        "receipt": {
            "transactionHash": format!("0x{}", "ab".repeat(32)),
            "blockHash": format!("0x{}", "bb".repeat(32)),
            "status": "0x1", "blockNumber": "0x64", "gasUsed": "0xb412",
            "effectiveGasPrice": "0x3b9aca00", "contractAddress": null,
            "logs": [{
                "address": token,
                "topics": [
                    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                    topic(from), topic(to)
                ],
                "data": format!("0x{:064x}", 250_000_000u64)
            }]
        }
    })
}

/// Values aimed at what the consistency checks compare.
fn lie() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!("0x0")),
        Just(json!("0x1")),
        Just(json!("0x2")),
        Just(json!("0x63")),
        Just(json!("0x64")),
        Just(json!("0x65")),
        Just(json!("0xc8")),
        Just(json!("0xc9")),
        Just(json!("0xffffffffffffffff")),
        Just(json!("0x10000000000000000")),
        Just(json!(format!("0x{}", "ab".repeat(32)))),
        Just(json!(format!("0x{}", "cd".repeat(32)))),
        Just(json!(format!("0x{}", "bb".repeat(32)))),
        Just(json!(format!("0x{}", "11".repeat(32)))),
        Just(json!("0xfde8")),
        Just(json!("0xfde9")),
    ]
}

const EVM_FIELDS: &[(&str, &str)] = &[
    ("tx", "hash"),
    ("tx", "blockNumber"),
    ("tx", "blockHash"),
    ("tx", "gas"),
    ("receipt", "transactionHash"),
    ("receipt", "blockNumber"),
    ("receipt", "blockHash"),
    ("receipt", "status"),
    ("receipt", "gasUsed"),
];

fn hex_num(v: &Value) -> Option<alloy_primitives::U256> {
    alloy_primitives::U256::from_str_radix(v.as_str()?.strip_prefix("0x")?, 16).ok()
}

/// The EVM answer's consistency read straight from the JSON, independently
/// of txdoctor's code: what a verdict may rest on.
fn evm_consistent(v: &Value, asked: &str, head: u64) -> bool {
    let (tx, r) = (&v["tx"], &v["receipt"]);
    let block = hex_num(&r["blockNumber"]);
    let head = alloy_primitives::U256::from(head);
    tx["hash"] == asked
        && r["transactionHash"] == asked
        && block.is_some()
        && hex_num(&tx["blockNumber"]) == block
        && block.is_some_and(|b| b <= head)
        && (tx["blockHash"].is_null()
            || r["blockHash"].is_null()
            || tx["blockHash"] == r["blockHash"])
        && (r["status"].is_null()
            || hex_num(&r["status"]).is_some_and(|s| s <= alloy_primitives::U256::from(1)))
        && hex_num(&r["gasUsed"]) <= hex_num(&tx["gas"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn issue_18_only_consistent_evm_answers_yield_a_verdict(
        lies in prop::collection::vec((prop::sample::select(EVM_FIELDS.to_vec()), lie()), 1..4),
        head in prop::sample::select(vec![0x63u64, 0x64, 0xc8, u64::MAX]),
    ) {
        use txdoctor::chain::evm::{convert, verify, wire};
        let cfg = config();
        let chain = cfg.chain("eth").unwrap();
        let mut v = evm_answer();
        for ((part, field), value) in &lies {
            v[*part][*field] = value.clone();
        }
        let asked_hex = format!("0x{}", "ab".repeat(32));
        let asked: alloy_primitives::B256 = asked_hex.parse().unwrap();
        let (Ok(tx), Ok(receipt)) = (
            serde_json::from_value::<wire::Transaction>(v["tx"].clone()),
            serde_json::from_value::<wire::Receipt>(v["receipt"].clone()),
        ) else {
            return Ok(()); // undecodable: an endpoint failure, no verdict
        };
        if let Ok(block) = verify::included_block(asked, &tx, Some(&receipt), head) {
            prop_assert!(evm_consistent(&v, &asked_hex, head), "believed: {v}");
            let facts = convert::tx_facts(chain, &tx, Some(&receipt), Some(head), &convert::token_book(chain));
            prop_assert_eq!(facts.block, block);
            let verdict = txdoctor::diagnose::verdict(&facts, chain);
            prop_assert!(verdict.confirmations.unwrap_or(0) >= 1);
        }
    }

    #[test]
    fn issue_18_only_consistent_tron_answers_yield_a_verdict(
        ret in prop::sample::select(vec!["SUCCESS", "REVERT", "OUT_OF_ENERGY"]),
        receipt in prop::sample::select(vec![None, Some("SUCCESS"), Some("REVERT"), Some("DEFAULT"), Some("OUT_OF_ENERGY")]),
        result in prop::sample::select(vec![None, Some("FAILED"), Some("SUCESS")]),
        id in prop::sample::select(vec!["asked", "other", "none"]),
        block in prop::sample::select(vec![Some(-1i64), Some(0), Some(70_000_000), Some(70_000_021), Some(i64::MAX), None]),
        solid in prop::sample::select(vec!["empty", "same", "other id", "other block", "shapeless"]),
        info_served in any::<bool>(),
    ) {
        use txdoctor::chain::tron::{verify, wire};
        let asked = "d2a3f8c7e5b1904c6f2e8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d";
        let head = 70_000_020u64;
        let tx: wire::Transaction = serde_json::from_value(json!({"txID": asked, "ret": [{"contractRet": ret}]})).unwrap();
        let id_value = match id { "asked" => json!(asked), "other" => json!("ab".repeat(32)), _ => Value::Null };
        let info_json = json!({"id": id_value, "blockNumber": block, "receipt": {"result": receipt}, "result": result});
        let info: wire::TransactionInfo = serde_json::from_value(info_json.clone()).unwrap();
        let info = info_served.then_some(info);
        if verify::answer(asked, Some(&tx), info.as_ref(), head).is_ok() {
            // Believed only when every part agrees.
            prop_assert!(info_served && id == "asked");
            let b = block.unwrap();
            prop_assert!(b >= 0 && (b as u64) <= head);
            let r = receipt.filter(|r| *r != "DEFAULT");
            prop_assert!(r.is_none_or(|r| r == ret));
            prop_assert!(!(result == Some("FAILED") && ret == "SUCCESS"));
            let info = info.unwrap();
            let solid_info: Option<wire::TransactionInfo> = match solid {
                "empty" => None,
                "same" => Some(info.clone()),
                "other id" => Some(wire::TransactionInfo { id: Some("ab".repeat(32)), ..info.clone() }),
                "other block" => Some(wire::TransactionInfo { block_number: Some(b + 1), ..info.clone() }),
                _ => Some(wire::TransactionInfo::default()),
            };
            let solidified = verify::solidified(&info, solid_info.as_ref());
            prop_assert_eq!(solidified.is_ok(), matches!(solid, "empty" | "same"));
            prop_assert_eq!(solidified.unwrap_or(false), solid == "same");
        }
    }

    #[test]
    fn issue_18_only_consistent_solana_answers_yield_a_verdict(
        sig in prop::sample::select(vec!["asked", "other", "none"]),
        tx_slot in prop::sample::select(vec![380_000_000u64, 380_000_001, 380_000_200, u64::MAX]),
        status_slot in prop::sample::select(vec![380_000_000u64, 380_000_001, u64::MAX]),
        status_err in any::<bool>(),
        meta_err in any::<bool>(),
        with_status in any::<bool>(),
    ) {
        use txdoctor::chain::solana::{self, wire};
        let base = fixture("solana/usdt.json");
        let asked = base["signature"].as_str().unwrap().to_string();
        let mut tx = base["transaction"].clone();
        tx["slot"] = json!(tx_slot);
        tx["meta"]["err"] = if meta_err { json!({"InstructionError": [0, "InvalidArgument"]}) } else { Value::Null };
        tx["transaction"]["signatures"] = match sig { "asked" => json!([asked]), "other" => json!(["1111"]), _ => json!([]) };
        let mut status = base["status"].clone();
        status["slot"] = json!(status_slot);
        status["err"] = if status_err { json!({"InstructionError": [0, "InvalidArgument"]}) } else { Value::Null };
        let tx: wire::Transaction = serde_json::from_value(tx).unwrap();
        let status: Option<wire::SignatureStatus> = with_status.then(|| serde_json::from_value(status).unwrap());
        let head = Some(380_000_100u64);
        if solana::verify(&asked, Some(&tx), status.as_ref(), head).is_ok() {
            prop_assert_eq!(sig, "asked");
            prop_assert!(tx_slot <= 380_000_100);
            if with_status {
                prop_assert_eq!(tx_slot, status_slot);
                prop_assert_eq!(status_err, meta_err);
            }
        }
    }

    #[test]
    fn issue_18_neutralised_text_is_one_safe_line_of_at_most_200_characters(
        s in prop::collection::vec(nasty_char(), 0..400).prop_map(|v| v.into_iter().collect::<String>()),
    ) {
        let t = txdoctor::safe::text(&s);
        prop_assert!(t.chars().count() <= 200, "{} characters", t.chars().count());
        for c in t.chars() {
            let bidi = matches!(u32::from(c), 0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069);
            let line_break = matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
            prop_assert!(!c.is_control() && !bidi && !line_break, "{c:?} in {t:?}");
        }
        if s.chars().count() <= 200 && !s.chars().any(txdoctor::safe::is_unsafe) {
            prop_assert_eq!(t, s, "harmless short text is kept as it is");
        }
    }

    #[test]
    fn the_query_parser_never_panics_on_any_text(s in "\\PC{0,200}") {
        let cfg = config();
        let _ = txdoctor::query::parse(&s, &cfg, None);
        let _ = txdoctor::secrets::detect(&s);
    }

    #[test]
    fn the_query_parser_never_panics_on_a_damaged_query(s in mutated_query()) {
        let cfg = config();
        let parsed = txdoctor::query::parse(&s, &cfg, None);
        if let Err(e) = &parsed {
            let message = e.to_string();
            // Errors never carry raw control or bidi characters to a terminal.
            prop_assert!(!message.contains(['\u{1b}', '\u{202e}', '\u{2066}', '\0']), "{message:?}");
        }
        let _ = txdoctor::query::parse(&s, &cfg, Some("eth"));
    }

    #[test]
    fn the_evm_decoder_survives_hostile_values(edits in edits()) {
        use txdoctor::chain::evm::{convert, wire};
        let cfg = config();
        let chain = cfg.chain("eth").unwrap();
        let v = mutate(&evm_answer(), &edits);
        let tx = serde_json::from_value::<wire::Transaction>(v["tx"].clone());
        let receipt = serde_json::from_value::<wire::Receipt>(v["receipt"].clone()).ok();
        if let Ok(tx) = tx {
            let book = convert::token_book(chain);
            let _ = convert::tx_facts(chain, &tx, receipt.as_ref(), Some(200), &book);
            let _ = convert::decode_transfer_input(tx.from, &tx.input);
            if let Some(r) = &receipt {
                let _ = convert::failure_from_receipt(r);
                let _ = convert::ran_out_of_gas(&tx, r);
            }
        }
    }

    #[test]
    fn the_esplora_decoder_survives_hostile_values(
        name in prop::sample::select(vec!["tx_confirmed", "tx_waiting", "tx_child", "tx_coinbase", "tx_low_fee_rbf"]),
        edits in edits(),
    ) {
        use txdoctor::chain::bitcoin::{convert, wire};
        let cfg = config();
        let v = mutate(&fixture(&format!("bitcoin/{name}.json")), &edits);
        if let Ok(tx) = serde_json::from_value::<wire::Tx>(v) {
            let _ = convert::tx_facts(&tx, cfg.chain("btc").unwrap(), 870_013);
            let _ = convert::unconfirmed_parent(&tx);
            let _ = convert::parent_ids(&tx);
        }
    }

    #[test]
    fn the_solana_decoder_survives_hostile_values(
        name in prop::sample::select(vec!["usdt", "sol", "insufficient"]),
        edits in edits(),
    ) {
        use txdoctor::chain::solana::{convert, wire};
        let cfg = config();
        let v = mutate(&fixture(&format!("solana/{name}.json")), &edits);
        let status = serde_json::from_value::<wire::SignatureStatus>(v["status"].clone()).ok();
        if let Ok(tx) = serde_json::from_value::<wire::Transaction>(v["transaction"].clone()) {
            let _ = convert::tx_facts(&tx, status.as_ref(), Some(380_000_100), cfg.chain("sol").unwrap());
        } else if let Some(status) = &status {
            let _ = convert::status_facts("sig", status, Some(380_000_100), cfg.chain("sol").unwrap());
        }
    }

    #[test]
    fn the_tron_decoders_survive_hostile_values(
        name in prop::sample::select(vec!["usdt", "trx", "out_of_energy", "revert", "expired"]),
        edits in edits(),
    ) {
        use txdoctor::chain::tron::{convert, wire};
        let cfg = config();
        let chain = cfg.chain("tron").unwrap();
        let v = mutate(&fixture(&format!("tron/{name}.json")), &edits);
        let info = serde_json::from_value::<wire::TransactionInfo>(v["info"].clone()).ok();
        if let Some(info) = &info {
            let _ = convert::succeeded(Some(info));
            let _ = convert::failure(info);
            let _ = convert::fee(chain, info, Some(i64::MAX));
        }
        let _ = serde_json::from_value::<wire::Transaction>(v["transaction"].clone());
    }

    #[test]
    fn the_aptos_decoder_survives_hostile_values(
        name in prop::sample::select(vec!["usdt", "apt", "sponsored", "abort", "out_of_gas", "pending"]),
        edits in edits(),
        version in prop::sample::select(vec![0u64, 7_210_214_534, u64::MAX]),
    ) {
        use txdoctor::chain::aptos::{account, convert, verify, wire};
        use txdoctor::chain::TxKey;
        let cfg = config();
        let chain = cfg.chain("aptos").unwrap();
        let v = mutate(&fixture(&format!("aptos/{name}.json")), &edits);
        let ledger = convert::Ledger { chain_id: 1, version, timestamp_us: u64::MAX, oldest_version: 0, block_height: None };
        if let Ok(tx) = serde_json::from_value::<wire::Transaction>(v["transaction"].clone()) {
            let facts = convert::tx_facts(&tx, &ledger, None, chain);
            let key = TxKey::Hash(tx.hash.parse().unwrap_or_default());
            // A believed committed transaction sits at or below the ledger's head.
            if verify(&key, &tx, &ledger).is_ok() && tx.kind != "pending_transaction" {
                prop_assert!(facts.block.is_some_and(|b| b <= version));
            }
            let _ = txdoctor::diagnose::verdict(&facts, chain);
            let _ = account::sent_transfers(std::slice::from_ref(&tx), &facts.from, &ledger, chain, 0);
            if let Some(s) = tx.vm_status.as_deref() {
                let _ = convert::move_abort(s);
            }
        }
    }

    #[test]
    fn the_antelope_decoder_survives_hostile_values(
        name in prop::sample::select(vec!["eos_memo", "no_memo", "a_transfer", "swap", "usdt_frozen", "provider"]),
        edits in edits(),
        head in prop::sample::select(vec![0u64, 400_000_020, u64::MAX]),
    ) {
        use txdoctor::chain::antelope::{self as antelope, convert, wire};
        let cfg = config();
        let chain = cfg.chain("eos").unwrap();
        let v = mutate(&fixture(&format!("antelope/{name}.json")), &edits);
        let id = v["trx_id"].as_str().unwrap_or_default().to_string();
        if let Ok(tx) = serde_json::from_value::<wire::GetTransaction>(v["response"].clone()) {
            let view = antelope::HistoryView { chain_id: String::new(), head, lib: head / 2, first_indexed: Some(2), last_indexed: Some(head) };
            let facts = convert::tx_facts(&id, &tx.actions, tx.lib, Some(head), chain);
            // A believed transaction is in one block, not past the head.
            if antelope::verify(&id, &tx, &view).is_ok() {
                prop_assert!(facts.block.is_some_and(|b| b <= head));
            }
            let _ = txdoctor::diagnose::verdict(&facts, chain);
            let _ = antelope::account::account_transfers(&tx.actions, "alice.vaulta", chain);
        }
    }

    #[test]
    fn the_substrate_decoder_survives_hostile_values(
        name in prop::sample::select(vec!["dot_transfer", "usdt", "failed", "xcm"]),
        edits in edits(),
        best in prop::sample::select(vec![0u64, 11_852_267, u64::MAX]),
    ) {
        use txdoctor::chain::substrate::{self as substrate, convert, wire};
        let cfg = config();
        let chain = cfg.chain("dot").unwrap();
        let v = mutate(&fixture(&format!("substrate/{name}.json")), &edits);
        if let Ok(block) = serde_json::from_value::<wire::Block>(v["block"].clone()) {
            for index in 0..4u32 {
                let believed = substrate::verify(&block, block.number, index, None, best).is_ok();
                if let Some(facts) = convert::tx_facts(&block, index, best / 2, best, chain, None) {
                    // A believed block is not past the head.
                    if believed {
                        prop_assert!(facts.block.is_some_and(|b| b <= best));
                    }
                    let _ = txdoctor::diagnose::verdict(&facts, chain);
                }
            }
        }
    }
}

/// The fuzzed inputs start from answers the decoders accept: without
/// mutation each reaches the converter (so the properties above are not
/// vacuous).
#[test]
fn every_seed_answer_decodes_unmutated() {
    use txdoctor::chain::{bitcoin, evm, solana, tron};
    let cfg = config();
    let v = evm_answer();
    let tx: evm::wire::Transaction = serde_json::from_value(v["tx"].clone()).unwrap();
    let r: evm::wire::Receipt = serde_json::from_value(v["receipt"].clone()).unwrap();
    let chain = cfg.chain("eth").unwrap();
    let facts = evm::convert::tx_facts(
        chain,
        &tx,
        Some(&r),
        Some(200),
        &evm::convert::token_book(chain),
    );
    assert_eq!(facts.token_transfers.len(), 1);
    let asked = format!("0x{}", "ab".repeat(32)).parse().unwrap();
    assert_eq!(
        evm::verify::included_block(asked, &tx, Some(&r), 200),
        Ok(Some(100)),
        "the consistency property starts from a consistent answer"
    );
    for name in [
        "tx_confirmed",
        "tx_waiting",
        "tx_child",
        "tx_coinbase",
        "tx_low_fee_rbf",
    ] {
        let v = fixture(&format!("bitcoin/{name}.json"));
        serde_json::from_value::<bitcoin::wire::Tx>(v).unwrap();
    }
    for name in ["usdt", "sol", "insufficient"] {
        let v = fixture(&format!("solana/{name}.json"));
        serde_json::from_value::<solana::wire::Transaction>(v["transaction"].clone()).unwrap();
    }
    for name in ["usdt", "trx", "out_of_energy", "revert"] {
        let v = fixture(&format!("tron/{name}.json"));
        serde_json::from_value::<tron::wire::TransactionInfo>(v["info"].clone()).unwrap();
        serde_json::from_value::<tron::wire::Transaction>(v["transaction"].clone()).unwrap();
    }
}
