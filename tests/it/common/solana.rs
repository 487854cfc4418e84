//! A fake Solana JSON-RPC node answering as the RPC documentation shows
//! (sources per shape in tests/fixtures/solana/README.md): batches answered
//! as arrays, `getSignatureStatuses` with `context.slot` and `null` for an
//! unknown signature, `getTransaction` answering `null` for one, errors as
//! JSON-RPC error objects.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::fake::{FakeServer, Reply};

/// The slot the fake is at.
pub const HEAD: u64 = 380_000_100;
/// Mainnet-beta's genesis hash, as the built-in chains.toml has it.
pub const MAINNET_GENESIS: &str = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d";

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/solana/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn signature(name: &str) -> String {
    fixture(name)["signature"].as_str().unwrap().to_string()
}

pub struct FakeSolana {
    pub server: FakeServer,
}

impl FakeSolana {
    pub fn start(fixtures: &[&str]) -> FakeSolana {
        let known: HashMap<String, Value> = fixtures
            .iter()
            .map(|n| (signature(n), fixture(n)))
            .collect();
        FakeSolana {
            server: FakeServer::start(move |body| answer(&known, body)),
        }
    }

    pub fn url(&self) -> String {
        self.server.url.clone()
    }

    /// Methods called, in order, across all requests.
    pub fn methods(&self) -> Vec<String> {
        self.server
            .bodies()
            .iter()
            .flat_map(|b| {
                let v: Value = serde_json::from_str(b).unwrap_or(Value::Null);
                let calls = match v {
                    Value::Array(a) => a,
                    other => vec![other],
                };
                calls
                    .into_iter()
                    .filter_map(|c| c["method"].as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

fn answer(known: &HashMap<String, Value>, body: &str) -> Reply {
    let Ok(request) = serde_json::from_str::<Value>(body) else {
        return Reply::json(
            json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null})
                .to_string(),
        );
    };
    match request {
        Value::Array(calls) => {
            Reply::json(Value::Array(calls.iter().map(|c| call(known, c)).collect()).to_string())
        }
        single => Reply::json(call(known, &single).to_string()),
    }
}

fn call(known: &HashMap<String, Value>, c: &Value) -> Value {
    let id = c["id"].clone();
    let ok = |result: Value| json!({"jsonrpc": "2.0", "result": result, "id": id});
    let params = &c["params"];
    match c["method"].as_str().unwrap_or("") {
        // agave rpc.rs, get_signature_statuses: more than
        // MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS (256) is invalid params.
        "getSignatureStatuses" if params[0].as_array().is_some_and(|s| s.len() > 256) => json!({
            "jsonrpc": "2.0", "id": id,
            "error": {"code": -32602, "message": "Too many inputs provided; max 256"}
        }),
        "getSignatureStatuses" => {
            let value: Vec<Value> = params[0]
                .as_array()
                .map(|sigs| {
                    sigs.iter()
                        .map(|s| {
                            s.as_str()
                                .and_then(|s| known.get(s))
                                .map_or(Value::Null, |f| f["status"].clone())
                        })
                        .collect()
                })
                .unwrap_or_default();
            ok(json!({"context": {"apiVersion": "2.2.0", "slot": HEAD}, "value": value}))
        }
        "getTransaction" => ok(params[0]
            .as_str()
            .and_then(|s| known.get(s))
            .map_or(Value::Null, |f| f["transaction"].clone())),
        "getSlot" => ok(json!(HEAD)),
        // Solana docs, getGenesisHash: the result is the base58 hash; this is mainnet-beta's.
        "getGenesisHash" => ok(json!(MAINNET_GENESIS)),
        "getBalance" => {
            let a = params[0].as_str().unwrap_or("");
            ok(
                json!({"context": {"apiVersion": "2.2.0", "slot": HEAD}, "value": balance(known, a)}),
            )
        }
        "getTokenAccountsByOwner" => {
            let owner = params[0].as_str().unwrap_or("");
            ok(
                json!({"context": {"apiVersion": "2.2.0", "slot": HEAD}, "value": token_accounts(known, owner)}),
            )
        }
        "getSignaturesForAddress" => {
            let a = params[0].as_str().unwrap_or("");
            let limit = params[1]["limit"].as_u64().unwrap_or(1000) as usize;
            ok(Value::Array(
                signatures_for(known, a).into_iter().take(limit).collect(),
            ))
        }
        "getRecentPrioritizationFees" => ok(fixture("prioritization_fees")),
        _ => {
            json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": id})
        }
    }
}

fn keys(f: &Value) -> Vec<String> {
    f["transaction"]["transaction"]["message"]["accountKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["pubkey"].as_str().unwrap().to_string())
        .collect()
}

/// Known transactions naming `a`, newest first.
fn naming<'a>(known: &'a HashMap<String, Value>, a: &str) -> Vec<&'a Value> {
    let mut v: Vec<&Value> = known
        .values()
        .filter(|f| keys(f).iter().any(|k| k == a))
        .collect();
    v.sort_by_key(|f| std::cmp::Reverse(f["transaction"]["slot"].as_u64()));
    v
}

/// The lamports after the newest known transaction naming `a` (0 if none).
fn balance(known: &HashMap<String, Value>, a: &str) -> u64 {
    naming(known, a)
        .first()
        .and_then(|f| {
            let i = keys(f).iter().position(|k| k == a)?;
            f["transaction"]["meta"]["postBalances"][i].as_u64()
        })
        .unwrap_or(0)
}

/// `getTokenAccountsByOwner` (jsonParsed) from the post-token balances of the
/// known transactions: each token account `owner` holds, as last seen.
fn token_accounts(known: &HashMap<String, Value>, owner: &str) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut all: Vec<&Value> = known.values().collect();
    all.sort_by_key(|f| std::cmp::Reverse(f["transaction"]["slot"].as_u64()));
    for f in all {
        let keys = keys(f);
        for b in f["transaction"]["meta"]["postTokenBalances"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if b["owner"] != owner {
                continue;
            }
            let pubkey = keys[b["accountIndex"].as_u64().unwrap() as usize].clone();
            if out.iter().any(|a| a["pubkey"] == pubkey.as_str()) {
                continue;
            }
            out.push(json!({
                "pubkey": pubkey,
                "account": {
                    "data": {"parsed": {"info": {
                        "isNative": false, "mint": b["mint"], "owner": owner, "state": "initialized",
                        "tokenAmount": b["uiTokenAmount"],
                    }, "type": "account"}, "program": "spl-token", "space": 165},
                    "executable": false, "lamports": 2039280u64, "owner": b["programId"], "rentEpoch": 18446744073709551615u64, "space": 165,
                },
            }));
        }
    }
    out
}

/// `getSignaturesForAddress`: the known transactions naming `a`, newest first.
fn signatures_for(known: &HashMap<String, Value>, a: &str) -> Vec<Value> {
    naming(known, a)
        .into_iter()
        .map(|f| {
            json!({
                "signature": f["signature"], "slot": f["transaction"]["slot"],
                "err": f["transaction"]["meta"]["err"], "memo": null,
                "blockTime": f["transaction"]["blockTime"],
                "confirmationStatus": f["status"]["confirmationStatus"],
            })
        })
        .collect()
}

/// A chains.toml with one Solana chain on `rpc`.
pub fn solana_config(rpc: &[&str]) -> super::TestConfig {
    super::write_raw_config(&solana_toml(rpc))
}

pub fn solana_toml(rpc: &[&str]) -> String {
    let rpc: Vec<String> = rpc.iter().map(|u| format!("{u:?}")).collect();
    format!(
        r#"[chains.sol]
name = "Solana"
family = "solana"
genesis_hash = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d"
symbol = "SOL"
decimals = 9
confirmations = 32
block_time_secs = 0.4
rpc = [{}]
explorer_tx = "https://solscan.io/tx/{{hash}}"
explorer_tx_aliases = ["https://explorer.solana.com/tx/{{hash}}"]
explorer_address = "https://solscan.io/account/{{address}}"

[[chains.sol.tokens]]
symbol = "USDT"
address = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"
decimals = 6
"#,
        rpc.join(", ")
    )
}
