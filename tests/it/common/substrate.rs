//! A fake substrate-api-sidecar (and a fake Subscan for the keyed path)
//! answering as the real ones (sources in tests/fixtures/substrate/README.md):
//! `GET /blocks/{n}` (HTTP 400 `{code, message}` past the head),
//! `/blocks/head/header` (finalized; `?finalized=false` the best head),
//! `/blocks/0`, `/blocks?range=a-b` (an array, at most 500 blocks),
//! `/runtime/spec?at=`, `/pallets/{i}/errors?at=`, `/accounts/{a}/balance-info`,
//! `/accounts/{a}/asset-balances?assets[]=`; Subscan `POST
//! /api/scan/extrinsic` and `/api/v2/scan/transfers` with `X-API-Key`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::fake::{FakeServer, Reply, Request};

pub const AH_GENESIS: &str = "0x68d56f15f85d3136970ec16946040bc1752654e906147f7e43e9d539d7c3de2f";
pub const RELAY_GENESIS: &str =
    "0x91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3";
pub const SENDER: &str = "144HGaYrSdK3543bi26vT6Rd8Bg7pLPMipJNr2WLc3NuHgD2";
pub const RECIPIENT: &str = "15JPAdie8xAsQYZMLGmBqZDjbtrrehdAMjBDrsKdx8epVBBh";

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/substrate/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn block_of(name: &str) -> Value {
    fixture(name)["block"].clone()
}

/// The fixture's signed extrinsic: its place and hash.
pub fn place_of(name: &str) -> (u64, usize, String) {
    let b = block_of(name);
    let n = b["number"].as_str().unwrap().parse().unwrap();
    let (i, x) = b["extrinsics"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, x)| !x["signature"].is_null())
        .unwrap();
    (n, i, x["hash"].as_str().unwrap().to_string())
}

#[derive(Clone)]
pub struct State {
    pub genesis: String,
    pub blocks: HashMap<u64, Value>,
    pub best: u64,
    pub finalized: u64,
    pub spec_version: u64,
    pub errors: Option<Value>,
    pub balance_info: HashMap<String, Value>,
    pub assets: HashMap<String, Value>,
    /// How long each `/blocks?range=` answer takes (a slow scan).
    pub range_delay: Option<std::time::Duration>,
}

pub struct FakeSidecar {
    pub server: FakeServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeSidecar {
    /// A sidecar of the chain with `genesis`, holding the fixtures' blocks;
    /// its best head 30 blocks past the newest, finalized 2 behind that.
    pub fn start(genesis: &str, fixtures: &[&str]) -> FakeSidecar {
        let blocks: HashMap<u64, Value> = fixtures
            .iter()
            .map(|n| {
                let b = block_of(n);
                (b["number"].as_str().unwrap().parse().unwrap(), b)
            })
            .collect();
        let best = blocks.keys().max().copied().unwrap_or(1_000) + 30;
        let state = Arc::new(Mutex::new(State {
            genesis: genesis.into(),
            blocks,
            best,
            finalized: best - 2,
            spec_version: 1_007_001,
            errors: Some(fixture("balances_errors")["errors"].clone()),
            balance_info: HashMap::new(),
            assets: HashMap::new(),
            range_delay: None,
        }));
        let s = state.clone();
        FakeSidecar {
            server: FakeServer::serve(move |r| answer(&s.lock().unwrap(), r)),
            state,
        }
    }

    pub fn url(&self) -> String {
        self.server.url.clone()
    }

    pub fn set(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().unwrap());
    }

    pub fn paths(&self) -> Vec<String> {
        self.server.requests().into_iter().map(|r| r.path).collect()
    }
}

/// sidecar's error body (openapi `Error`: code, message, stack, level).
fn error(status: u16, message: &str) -> Reply {
    Reply::status(
        status,
        json!({"code": status, "message": message, "stack": "Error: …", "level": "error"})
            .to_string(),
    )
}

/// A block the fake has no fixture for: one timestamp inherent.
fn filler(n: u64) -> Value {
    json!({"number": n.to_string(), "hash": format!("0x{:064x}", n), "parentHash": format!("0x{:064x}", n.saturating_sub(1)),
           "stateRoot": "0x00", "extrinsicsRoot": "0x00", "authorId": null, "logs": [],
           "onInitialize": {"events": []},
           "extrinsics": [{"method": {"pallet": "timestamp", "method": "set"}, "signature": null, "nonce": null,
                           "args": {"now": "1796619600000"}, "tip": null, "hash": format!("0x{:064x}", n ^ 0xffff),
                           "info": {}, "era": {"immortalEra": "0x00"}, "events": [], "success": true, "paysFee": false}],
           "onFinalize": {"events": []}, "finalized": true})
}

fn answer(s: &State, r: &Request) -> Reply {
    let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
    let param = |k: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
    };
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["blocks", "head", "header"] => {
            let n = if param("finalized") == Some("false") {
                s.best
            } else {
                s.finalized
            };
            Reply::json(
                json!({"parentHash": "0x00", "number": n.to_string(), "stateRoot": "0x00",
                       "extrinsicsRoot": "0x00", "digest": {"logs": []}})
                .to_string(),
            )
        }
        ["blocks", "0"] => Reply::json(
            json!({"number": "0", "hash": s.genesis, "parentHash": format!("0x{}", "00".repeat(32)),
                   "extrinsics": [], "finalized": true})
            .to_string(),
        ),
        ["blocks", n] => match n.parse::<u64>() {
            Ok(n) if n > s.best => error(400, "Specified block number is greater than the head"),
            Ok(n) => Reply::json(s.blocks.get(&n).cloned().unwrap_or_else(|| filler(n)).to_string()),
            Err(_) => error(400, "Invalid block identifier"),
        },
        ["blocks"] => {
            let Some((a, b)) = param("range").and_then(|r| r.split_once('-')) else {
                return error(400, "range query parameter required");
            };
            let (a, b): (u64, u64) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
            if b < a || b - a >= 500 {
                return error(400, "Range is too large: the maximum is 500 blocks");
            }
            let blocks: Vec<Value> = (a..=b.min(s.best))
                .map(|n| s.blocks.get(&n).cloned().unwrap_or_else(|| filler(n)))
                .collect();
            let mut reply = Reply::json(Value::Array(blocks).to_string());
            reply.delay = s.range_delay;
            reply
        }
        ["runtime", "spec"] => Reply::json(
            json!({"at": {"hash": "0x00", "height": param("at").unwrap_or("0")},
                   "authoringVersion": "1", "transactionVersion": "15", "implVersion": "0",
                   "specName": "statemint", "specVersion": s.spec_version.to_string(),
                   "chainType": {"live": null}, "properties": {"ss58Format": "0", "tokenDecimals": ["10"], "tokenSymbol": ["DOT"]}})
            .to_string(),
        ),
        ["pallets", "10", "errors"] => match &s.errors {
            Some(e) => Reply::json(e.to_string()),
            None => error(500, "metadata unavailable"),
        },
        ["accounts", a, "balance-info"] => match s.balance_info.get(*a) {
            Some(b) => Reply::json(b.to_string()),
            None => Reply::json(
                json!({"at": {"hash": "0x00", "height": s.best.to_string()}, "nonce": "0", "tokenSymbol": "DOT",
                       "free": "0", "reserved": "0", "frozen": "0", "transferable": "0", "locks": []})
                .to_string(),
            ),
        },
        ["accounts", a, "asset-balances"] => Reply::json(
            s.assets
                .get(*a)
                .cloned()
                .unwrap_or_else(|| json!({"at": {"hash": "0x00", "height": "0"}, "assets": []}))
                .to_string(),
        ),
        _ => error(404, "Not found"),
    }
}

/// A fake Subscan: the extrinsic lookup and the transfer list, keyed.
pub fn fake_subscan(key: &'static str, places: HashMap<String, (u64, usize)>) -> FakeServer {
    FakeServer::serve(move |r: &Request| {
        if r.header("x-api-key") != Some(key) {
            return Reply::json(
                json!({"code": 10004, "message": "API key required", "generated_at": 1796619600})
                    .to_string(),
            );
        }
        let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        match r.path.as_str() {
            "/api/scan/extrinsic" => {
                let hash = body["hash"].as_str().unwrap_or_default().to_lowercase();
                let data = places.get(&hash).map(|(b, i)| {
                    json!({"block_num": b, "extrinsic_index": format!("{b}-{i}"), "extrinsic_hash": hash,
                           "success": true, "finalized": true})
                });
                Reply::json(json!({"code": 0, "message": "Success", "generated_at": 1796619600, "data": data}).to_string())
            }
            "/api/v2/scan/transfers" => Reply::json(
                json!({"code": 0, "message": "Success", "generated_at": 1796619600, "data": {"count": 1, "transfers": [
                    {"from": SENDER, "to": RECIPIENT, "extrinsic_index": "11852237-2", "success": true,
                     "hash": "0xa7b5cc4fed2978e69319254885d5d14497246a8faa0f86567a8aa9bf931d1e0f",
                     "block_num": 11852237, "block_timestamp": 1796619000, "module": "balances",
                     "amount": "395", "amount_v2": "3950000000000", "fee": "161568816", "asset_symbol": "DOT"}
                ]}})
                .to_string(),
            ),
            _ => Reply::status(404, "{}"),
        }
    })
}

/// A chains.toml with one Substrate chain.
pub fn substrate_toml(key: &str, genesis: &str, rpc: &[&str], extra: &str) -> String {
    let rpc: Vec<String> = rpc.iter().map(|u| format!("{u:?}")).collect();
    format!(
        "[chains.{key}]\nname = \"Polkadot {key}\"\nfamily = \"substrate\"\nss58_prefix = 0\ngenesis_hash = \"{genesis}\"\nsymbol = \"DOT\"\ndecimals = 10\nconfirmations = 1\nblock_time_secs = 6\nrpc = [{}]\nexplorer_tx = \"https://{key}.subscan.io/extrinsic/{{hash}}\"\nexplorer_address = \"https://{key}.subscan.io/account/{{address}}\"\n{extra}\n[[chains.{key}.tokens]]\nsymbol = \"USDt\"\naddress = \"1984\"\ndecimals = 6\n\n",
        rpc.join(", ")
    )
}
