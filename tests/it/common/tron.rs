//! A fake TRON full node speaking the HTTP API as java-tron serves it, from
//! the fixtures in tests/fixtures/tron (see its README for where each shape
//! comes from): `{}` for unknown ids, `{"Error": …}` with HTTP 200 for bad
//! requests, 404 for unknown paths, the solidified view only for solidified
//! transactions.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::fake::{FakeServer, Reply, Request};

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/tron/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A transaction fixture's id (`txID` of its transaction or pending entry).
pub fn id_of(name: &str) -> String {
    let f = fixture(name);
    f["transaction"]["txID"]
        .as_str()
        .or(f["pending"]["txID"].as_str())
        .unwrap()
        .to_string()
}

#[derive(Default)]
struct State {
    transactions: HashMap<String, Value>,
    infos: HashMap<String, Value>,
    solidified: HashMap<String, bool>,
    pending: HashMap<String, Value>,
    head: i64,
}

pub struct FakeTron {
    pub server: FakeServer,
}

impl FakeTron {
    /// A node that knows the named fixtures (trx, usdt, out_of_energy, …).
    pub fn start(fixtures: &[&str]) -> FakeTron {
        let mut state = State {
            head: fixture("getnowblock")["block_header"]["raw_data"]["number"]
                .as_i64()
                .unwrap(),
            ..State::default()
        };
        for name in fixtures {
            let f = fixture(name);
            if let Some(p) = f.get("pending") {
                state.pending.insert(id_of(name), p.clone());
                continue;
            }
            let id = id_of(name);
            state
                .transactions
                .insert(id.clone(), f["transaction"].clone());
            state.infos.insert(id.clone(), f["info"].clone());
            state
                .solidified
                .insert(id, f["solidified"].as_bool().unwrap_or(false));
        }
        FakeTron {
            server: FakeServer::serve(move |r| answer(&state, r)),
        }
    }

    pub fn url(&self) -> &str {
        &self.server.url
    }

    /// Requests seen, as "PATH" strings in order.
    pub fn paths(&self) -> Vec<String> {
        self.server.requests().into_iter().map(|r| r.path).collect()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }
}

fn answer(state: &State, r: &Request) -> Reply {
    if r.method != "POST" && r.method != "GET" {
        return Reply::status(405, "");
    }
    let body: Value = if r.body.trim().is_empty() {
        json!({})
    } else {
        match serde_json::from_str(&r.body) {
            Ok(v) => v,
            Err(e) => {
                return Reply::json(
                    json!({"Error": format!("class com.alibaba.fastjson.JSONException : {e}")})
                        .to_string(),
                );
            }
        }
    };
    let id = || -> Result<String, Reply> {
        let v = body["value"].as_str().unwrap_or("");
        if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Reply::json(
                json!({"Error": "class org.tron.core.services.http.JsonFormat$ParseException : invalid hex"})
                    .to_string(),
            ));
        }
        Ok(v.to_ascii_lowercase())
    };
    let known = |map: &HashMap<String, Value>| match id() {
        Ok(id) => Reply::json(map.get(&id).cloned().unwrap_or(json!({})).to_string()),
        Err(reply) => reply,
    };
    if let Some(rest) = r.path.strip_prefix("/v1/accounts/") {
        return v1(rest);
    }
    match r.path.as_str() {
        "/wallet/gettransactionbyid" => known(&state.transactions),
        "/wallet/gettransactioninfobyid" => known(&state.infos),
        "/walletsolidity/gettransactioninfobyid" => match id() {
            Ok(id) if state.solidified.get(&id) == Some(&true) => {
                Reply::json(state.infos[&id].to_string())
            }
            Ok(_) => Reply::json("{}"),
            Err(reply) => reply,
        },
        "/wallet/gettransactionfrompending" => known(&state.pending),
        "/wallet/getnowblock" => {
            let mut block = fixture("getnowblock");
            block["block_header"]["raw_data"]["number"] = json!(state.head);
            Reply::json(block.to_string())
        }
        // The solidified head (java-tron's walletsolidity API serves the
        // same block shape): the newest block of a solidified transaction,
        // else 19 blocks below the head (TRON solidifies after 19 of 27).
        "/walletsolidity/getnowblock" => {
            let solid = state
                .solidified
                .iter()
                .filter(|(_, s)| **s)
                .filter_map(|(id, _)| state.infos.get(id)?["blockNumber"].as_i64())
                .max()
                .unwrap_or(state.head - 19);
            let mut block = fixture("getnowblock");
            block["block_header"]["raw_data"]["number"] = json!(solid);
            Reply::json(block.to_string())
        }
        "/wallet/getchainparameters" => Reply::json(fixture("getchainparameters").to_string()),
        "/wallet/getaccountresource" => Reply::json(fixture("getaccountresource").to_string()),
        "/wallet/triggerconstantcontract" => match body["function_selector"].as_str() {
            Some("symbol()") => Reply::json(fixture("triggerconstantcontract_symbol").to_string()),
            Some("decimals()") => {
                Reply::json(fixture("triggerconstantcontract_decimals").to_string())
            }
            _ => {
                Reply::json(json!({"result": {"result": true}, "constant_result": []}).to_string())
            }
        },
        _ => Reply::status(404, "<html><body><h2>404 Not found</h2></body></html>")
            .header("Content-Type", "text/html"),
    }
}

/// TronGrid's v1 account routes, answered from the `v1_*` fixtures for the
/// addresses they name and with empty lists for any other (as TronGrid
/// answers for an account it has never seen): `min_timestamp` and `limit`
/// honoured, newest first.
fn v1(rest: &str) -> Reply {
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let param = |k: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let since = param("min_timestamp").unwrap_or(0);
    let limit = param("limit").unwrap_or(20) as usize;
    let list = |data: Vec<Value>| {
        let data: Vec<Value> = data.into_iter().take(limit).collect();
        Reply::json(
            json!({"data": data, "success": true, "meta": {"at": 1795400010000u64, "page_size": data.len()}})
                .to_string(),
        )
    };
    let parts: Vec<&str> = path.split('/').collect();
    let Some(address) = parts.first().copied() else {
        return Reply::status(404, "");
    };
    let hex = hex_of(address);
    match parts.as_slice() {
        [_] => {
            let account = fixture("v1_account");
            let mine = account["data"][0]["address"].as_str() == Some(hex.as_str());
            list(if mine {
                vec![account["data"][0].clone()]
            } else {
                vec![]
            })
        }
        [_, "transactions", "trc20"] => list(
            fixture("v1_trc20")["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["from"] == address || t["to"] == address)
                .filter(|t| t["block_timestamp"].as_u64().unwrap() >= since)
                .cloned()
                .collect(),
        ),
        [_, "transactions"] => list(
            fixture("v1_transactions")["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| {
                    let v = &t["raw_data"]["contract"][0]["parameter"]["value"];
                    v["owner_address"] == hex.as_str() || v["to_address"] == hex.as_str()
                })
                .filter(|t| t["block_timestamp"].as_u64().unwrap() >= since)
                .cloned()
                .collect(),
        ),
        _ => Reply::json(
            json!({"success": false, "error": "Not Found", "statusCode": 404}).to_string(),
        ),
    }
}

/// The `41…` hex form of a base58 T-address (checksum not verified: test data).
pub fn hex_of(base58: &str) -> String {
    let bytes = bs58::decode(base58).into_vec().unwrap_or_default();
    bytes
        .get(..21)
        .map(alloy_primitives::hex::encode)
        .unwrap_or_default()
}

/// A chains.toml with one TRON chain on `rpc`.
pub fn tron_config(rpc: &[&str]) -> super::TestConfig {
    super::write_raw_config(&tron_toml(rpc))
}

pub fn tron_toml(rpc: &[&str]) -> String {
    let rpc: Vec<String> = rpc.iter().map(|u| format!("{u:?}")).collect();
    format!(
        r#"[chains.tron]
name = "TRON"
family = "tron"
symbol = "TRX"
decimals = 6
confirmations = 19
block_time_secs = 3
rpc = [{}]
api_key_env = "TXDOCTOR_TEST_TRON_KEY"
api_key_header = "TRON-PRO-API-KEY"
api_key_host = "127.0.0.1"
explorer_tx = "https://tronscan.org/#/transaction/{{hash}}"
explorer_address = "https://tronscan.org/#/address/{{address}}"

[[chains.tron.tokens]]
symbol = "USDT"
address = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
decimals = 6
"#,
        rpc.join(", ")
    )
}
