//! A fake Aptos full node speaking the node REST API under `/v1` as
//! aptos-core serves it (sources per shape in
//! tests/fixtures/aptos/README.md): `GET /v1` the ledger info;
//! `/transactions/by_hash/{h}` and `/by_version/{n}` a transaction or 404
//! `transaction_not_found`; `/estimate_gas_price`; `/accounts/{a}` (404
//! `account_not_found`), `/accounts/{a}/balance/{asset}` (a JSON number),
//! `/accounts/{a}/transactions?start=&limit=`. Every answer, errors
//! included, carries the `X-Aptos-*` ledger headers — unless the test
//! strips them, as a proxy might.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::fake::{FakeServer, Reply, Request};

pub const SENDER: &str = "0xd35f048a5d1de4299c4aa43e79758f8bb6047b8c7030faf680af4530c40c4ea7";
pub const RECIPIENT: &str = "0x51c6abe562e755582d268340b2cf0e2d8895a155dc9b7a7fb5465000d62d770b";
pub const USDT: &str = "0x357b0b74bc833e95a115ad22604854d6b0fca151cecd94111770e5d6ffc9dc2b";
/// The ledger the fake is at: after every fixture's version and time.
pub const LEDGER_VERSION: u64 = 7_210_214_600;
pub const BLOCK_HEIGHT: u64 = 500_000_000;
/// 2026-09-14T23:53:20Z, ten minutes before the pending fixture expires.
pub const LEDGER_TIME_US: u64 = 1_789_430_000_000_000;

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/aptos/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap()).unwrap()["transaction"]
        .clone()
}

pub fn hash_of(name: &str) -> String {
    fixture(name)["hash"].as_str().unwrap().to_string()
}

/// What the fake knows and how it behaves; tests change it between runs.
#[derive(Clone)]
pub struct State {
    pub txs: HashMap<String, Value>,
    pub chain_id: u64,
    pub ledger_time_us: u64,
    pub oldest_version: u64,
    pub headers: bool,
    /// Next sequence number per account.
    pub accounts: HashMap<String, u64>,
    /// (account, asset) → balance.
    pub balances: HashMap<(String, String), u64>,
    pub gas_estimate: u64,
}

pub struct FakeAptos {
    pub server: FakeServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeAptos {
    pub fn start(fixtures: &[&str]) -> FakeAptos {
        let txs = fixtures.iter().map(|n| (hash_of(n), fixture(n))).collect();
        let state = Arc::new(Mutex::new(State {
            txs,
            chain_id: 1,
            ledger_time_us: LEDGER_TIME_US,
            oldest_version: 0,
            headers: true,
            accounts: HashMap::from([(SENDER.to_string(), 87)]),
            balances: HashMap::new(),
            gas_estimate: 100,
        }));
        let s = state.clone();
        FakeAptos {
            server: FakeServer::serve(move |r| answer(&s.lock().unwrap(), r)),
            state,
        }
    }

    /// The endpoint as chains.toml names it: the base URL ending in /v1.
    pub fn url(&self) -> String {
        format!("{}/v1", self.server.url)
    }

    pub fn set(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().unwrap());
    }

    /// The paths asked, in order.
    pub fn paths(&self) -> Vec<String> {
        self.server.requests().into_iter().map(|r| r.path).collect()
    }
}

fn with_headers(state: &State, reply: Reply) -> Reply {
    if !state.headers {
        return reply;
    }
    // aptos-core api/src/response.rs: the ledger headers of every answer.
    reply
        .header("X-Aptos-Chain-Id", &state.chain_id.to_string())
        .header("X-Aptos-Ledger-Version", &LEDGER_VERSION.to_string())
        .header(
            "X-Aptos-Ledger-Oldest-Version",
            &state.oldest_version.to_string(),
        )
        .header(
            "X-Aptos-Ledger-TimestampUsec",
            &state.ledger_time_us.to_string(),
        )
        .header("X-Aptos-Epoch", "12000")
        .header("X-Aptos-Block-Height", &BLOCK_HEIGHT.to_string())
        .header("X-Aptos-Oldest-Block-Height", "0")
}

fn error(status: u16, message: &str, code: &str) -> Reply {
    Reply::status(
        status,
        json!({"message": message, "error_code": code, "vm_error_code": null}).to_string(),
    )
}

fn answer(state: &State, r: &Request) -> Reply {
    let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
    let Some(path) = path.strip_prefix("/v1") else {
        return Reply::status(404, "not found");
    };
    let reply = route(state, path, query);
    with_headers(state, reply)
}

fn route(state: &State, path: &str, query: &str) -> Reply {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        [""] => Reply::json(
            json!({
                "chain_id": state.chain_id,
                "epoch": "12000",
                "ledger_version": LEDGER_VERSION.to_string(),
                "oldest_ledger_version": state.oldest_version.to_string(),
                "ledger_timestamp": state.ledger_time_us.to_string(),
                "node_role": "full_node",
                "oldest_block_height": "0",
                "block_height": BLOCK_HEIGHT.to_string(),
                "git_hash": "0000000000000000000000000000000000000000"
            })
            .to_string(),
        ),
        ["estimate_gas_price"] => Reply::json(
            json!({
                "deprioritized_gas_estimate": 100,
                "gas_estimate": state.gas_estimate,
                "prioritized_gas_estimate": state.gas_estimate * 3 / 2
            })
            .to_string(),
        ),
        ["transactions", "by_hash", h] => match state.txs.get(&h.to_lowercase()) {
            Some(tx) => Reply::json(tx.to_string()),
            None => error(
                404,
                &format!("Transaction not found by Transaction hash({h})"),
                "transaction_not_found",
            ),
        },
        ["transactions", "by_version", v] => {
            match state
                .txs
                .values()
                .find(|t| t["version"].as_str() == Some(*v))
            {
                Some(tx) => Reply::json(tx.to_string()),
                None => error(
                    404,
                    &format!("Transaction not found by Ledger version({v})"),
                    "transaction_not_found",
                ),
            }
        }
        ["accounts", a] => match state.accounts.get(*a) {
            Some(seq) => Reply::json(
                json!({"sequence_number": seq.to_string(), "authentication_key": a}).to_string(),
            ),
            None => error(
                404,
                &format!("Account not found by Address({a}) and Ledger version({LEDGER_VERSION})"),
                "account_not_found",
            ),
        },
        ["accounts", a, "balance", asset] => {
            let balance = state
                .balances
                .get(&(a.to_string(), asset.to_string()))
                .copied()
                .unwrap_or(0);
            Reply::json(balance.to_string())
        }
        ["accounts", a, "transactions"] => {
            let param = |k: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            let start = param("start").unwrap_or(0);
            let limit = param("limit").unwrap_or(25);
            let mut sent: Vec<&Value> = state
                .txs
                .values()
                .filter(|t| t["sender"].as_str() == Some(*a) && t["version"].is_string())
                .filter(|t| {
                    t["sequence_number"]
                        .as_str()
                        .and_then(|s| s.parse::<u64>().ok())
                        .is_some_and(|s| s >= start)
                })
                .collect();
            sent.sort_by_key(|t| {
                t["sequence_number"]
                    .as_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
            });
            sent.truncate(limit as usize);
            Reply::json(Value::Array(sent.into_iter().cloned().collect()).to_string())
        }
        _ => error(404, "not found", "web_framework_error"),
    }
}

/// A chains.toml with one Aptos chain on `rpc` (the built-in's keys).
pub fn aptos_toml(rpc: &[&str]) -> String {
    let rpc: Vec<String> = rpc.iter().map(|u| format!("{u:?}")).collect();
    format!(
        "[chains.aptos]\nname = \"Aptos\"\nfamily = \"aptos\"\nchain_id = 1\nsymbol = \"APT\"\ndecimals = 8\nconfirmations = 1\nblock_time_secs = 0.2\nrpc = [{}]\nexplorer_tx = \"https://explorer.aptoslabs.com/txn/{{hash}}?network=mainnet\"\nexplorer_tx_aliases = [\"https://aptoscan.com/transaction/{{hash}}\"]\nexplorer_address = \"https://explorer.aptoslabs.com/account/{{address}}?network=mainnet\"\n\n[[chains.aptos.tokens]]\nsymbol = \"USDt\"\naddress = \"{USDT}\"\ndecimals = 6\n\n",
        rpc.join(", ")
    )
}

pub fn aptos_config(rpc: &[&str]) -> super::TestConfig {
    super::write_raw_config(&aptos_toml(rpc))
}
