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
        "getRecentPrioritizationFees" => ok(fixture("prioritization_fees")),
        _ => {
            json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": id})
        }
    }
}

/// A chains.toml with one Solana chain on `rpc`.
pub fn solana_config(rpc: &[&str]) -> super::TestConfig {
    let rpc: Vec<String> = rpc.iter().map(|u| format!("{u:?}")).collect();
    super::write_raw_config(&format!(
        r#"[chains.sol]
name = "Solana"
family = "solana"
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
    ))
}
