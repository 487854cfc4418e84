//! A fake Antelope chain: one server answering both APIs as the real ones
//! do (sources in tests/fixtures/antelope/README.md). Hyperion v2:
//! `GET /v2/history/get_transaction?id=` (HTTP 200 with `executed: false`
//! and no `actions` for an unknown id), `GET /v2/history/get_actions`,
//! `GET /v2/health`. nodeos chain API: `POST /v1/chain/get_info`,
//! `get_account` (HTTP 500 with nodeos's error envelope for an unknown
//! account), `get_currency_balance` (a list of asset strings),
//! `get_transaction_status`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::fake::{FakeServer, Reply, Request};

pub const EOS_CHAIN_ID: &str = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906";
/// The fixtures' block, and the chain around it.
pub const BLOCK: u64 = 400_000_000;
pub const HEAD: u64 = 400_000_020;
pub const LIB: u64 = 400_000_010;
pub const HEAD_TIME: &str = "2026-12-07T05:00:00.000";

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/antelope/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn id_of(name: &str) -> String {
    fixture(name)["trx_id"].as_str().unwrap().to_string()
}

#[derive(Clone)]
pub struct State {
    /// trx id → get_transaction answer.
    pub txs: HashMap<String, Value>,
    pub chain_id: String,
    pub head: u64,
    pub lib: u64,
    pub head_time: String,
    pub first_indexed: u64,
    pub last_indexed: u64,
    /// trx id → get_transaction_status answer (else UNKNOWN).
    pub statuses: HashMap<String, Value>,
    /// account → get_account answer.
    pub accounts: HashMap<String, Value>,
    /// (contract, account) → balance strings.
    pub balances: HashMap<(String, String), Vec<String>>,
    /// get_transaction_status is not enabled on the node (HTTP 500).
    pub no_status: bool,
}

pub struct FakeAntelope {
    pub server: FakeServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeAntelope {
    pub fn start(fixtures: &[&str]) -> FakeAntelope {
        let txs = fixtures
            .iter()
            .map(|n| (id_of(n), fixture(n)["response"].clone()))
            .collect();
        let state = Arc::new(Mutex::new(State {
            txs,
            chain_id: EOS_CHAIN_ID.into(),
            head: HEAD,
            lib: LIB,
            head_time: HEAD_TIME.into(),
            first_indexed: 2,
            last_indexed: HEAD - 1,
            statuses: HashMap::new(),
            accounts: HashMap::new(),
            balances: HashMap::new(),
            no_status: false,
        }));
        let s = state.clone();
        FakeAntelope {
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

/// nodeos's error envelope (HTTP 500), as chain_plugin/http_plugin write it.
fn node_error(name: &str, what: &str, detail: &str) -> Reply {
    Reply::status(
        500,
        json!({"code": 500, "message": "Internal Service Error",
               "error": {"code": 0, "name": name, "what": what,
                         "details": [{"message": detail, "file": "http_plugin.cpp", "line_number": 247, "method": "handle_exception"}]}})
        .to_string(),
    )
}

fn param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

fn answer(s: &State, r: &Request) -> Reply {
    let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
    let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    match (r.method.as_str(), path) {
        ("GET", "/v2/history/get_transaction") => {
            let id = param(query, "id").unwrap_or_default().to_lowercase();
            match s.txs.get(&id) {
                Some(tx) => Reply::json(tx.to_string()),
                // get_transaction.ts: executed false, actions left undefined.
                None => Reply::json(
                    json!({"query_time_ms": 2.4, "executed": false, "trx_id": param(query, "id"),
                           "lib": s.lib, "cached_lib": false})
                    .to_string(),
                ),
            }
        }
        ("GET", "/v2/health") => Reply::json(
            json!({
                "version": "3.6.0", "version_hash": "0000", "host": "hyperion.example",
                "health": [
                    {"service": "RabbitMq", "status": "OK", "cached": true, "query_time_ms": 0.1},
                    {"service": "NodeosRPC", "status": "OK", "cached": false, "query_time_ms": 3.2,
                     "service_data": {"head_block_num": s.head, "head_block_time": s.head_time,
                                      "time_offset": 120, "last_irreversible_block": s.lib,
                                      "chain_id": s.chain_id}},
                    {"service": "Elasticsearch", "status": "OK", "cached": false, "query_time_ms": 8.0,
                     "service_data": {"active_shards": "100.0%", "head_offset": s.head - s.last_indexed,
                                      "first_indexed_block": s.first_indexed, "last_indexed_block": s.last_indexed,
                                      "total_indexed_blocks": s.last_indexed - s.first_indexed,
                                      "missing_blocks": 0, "missing_pct": "0.00%"}}
                ],
                "features": {"index_transfer_memo": true},
                "pruning": {"auto_pruning_enabled": false, "max_retained_blocks": 0},
                "query_time_ms": 12.5
            })
            .to_string(),
        ),
        ("GET", "/v2/history/get_actions") => {
            let account = param(query, "account").unwrap_or_default();
            let actions: Vec<Value> = s
                .txs
                .values()
                .flat_map(|t| t["actions"].as_array().cloned().unwrap_or_default())
                .filter(|a| a["creator_action_ordinal"] == 0 || a["act"]["account"] == "core.vaulta")
                .filter(|a| {
                    a["act"]["name"] == "transfer"
                        && (a["act"]["data"]["from"] == account || a["act"]["data"]["to"] == account)
                })
                .collect();
            Reply::json(
                json!({"query_time_ms": 5.0, "cached": false, "lib": 0,
                       "total": {"value": actions.len(), "relation": "eq"}, "actions": actions})
                .to_string(),
            )
        }
        ("POST", "/v1/chain/get_info") => Reply::json(
            json!({"server_version": "d133c641", "chain_id": s.chain_id, "head_block_num": s.head,
                   "last_irreversible_block_num": s.lib, "last_irreversible_block_id": "17d7840a",
                   "head_block_id": "17d78414", "head_block_time": s.head_time,
                   "head_block_producer": "eosnationftw", "server_version_string": "v1.1.2"})
            .to_string(),
        ),
        ("POST", "/v1/chain/get_account") => {
            let name = body["account_name"].as_str().unwrap_or_default();
            match s.accounts.get(name) {
                Some(a) => Reply::json(a.to_string()),
                None => node_error(
                    "exception",
                    "unspecified",
                    &format!("unknown key (eosio::chain::name): {name}"),
                ),
            }
        }
        ("POST", "/v1/chain/get_currency_balance") => {
            let key = (
                body["code"].as_str().unwrap_or_default().to_string(),
                body["account"].as_str().unwrap_or_default().to_string(),
            );
            Reply::json(json!(s.balances.get(&key).cloned().unwrap_or_default()).to_string())
        }
        ("POST", "/v1/chain/get_transaction_status") => {
            if s.no_status {
                return node_error(
                    "unsupported_feature",
                    "Unsupported feature",
                    "Transaction Status Interface not enabled",
                );
            }
            let id = body["id"].as_str().unwrap_or_default();
            let status = s.statuses.get(id).cloned().unwrap_or_else(|| {
                json!({"state": "UNKNOWN", "head_number": s.head, "head_id": "17d78414",
                       "head_timestamp": s.head_time, "irreversible_number": s.lib,
                       "irreversible_id": "17d7840a", "irreversible_timestamp": s.head_time,
                       "earliest_tracked_block_id": "17d70000", "earliest_tracked_block_number": s.head - 7200})
            });
            Reply::json(status.to_string())
        }
        _ => Reply::status(404, json!({"message": "Route not found"}).to_string()),
    }
}

/// An account as get_account answers it (Leap 5 / Spring: limits as numbers).
pub fn account(name: &str, eos: &str, cpu_available: i64) -> Value {
    json!({
        "account_name": name, "head_block_num": HEAD, "head_block_time": HEAD_TIME,
        "privileged": false, "core_liquid_balance": eos,
        "ram_quota": 5_000, "ram_usage": 3_200,
        "net_limit": {"used": 120, "available": 90_000, "max": 90_120},
        "cpu_limit": {"used": 400, "available": cpu_available, "max": cpu_available + 400},
        "permissions": []
    })
}

/// A chains.toml with one Antelope chain: `rpc` chain APIs, `history` Hyperions.
pub fn antelope_toml(rpc: &[&str], history: &[&str]) -> String {
    let list = |v: &[&str]| {
        v.iter()
            .map(|u| format!("{u:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "[chains.eos]\nname = \"EOS (Vaulta)\"\nfamily = \"antelope\"\nchain_id = \"{EOS_CHAIN_ID}\"\nsymbol = \"EOS\"\ndecimals = 4\nconfirmations = 1\nblock_time_secs = 0.5\nrpc = [{}]\nhistory = [{}]\nexplorer_tx = \"https://bloks.io/transaction/{{hash}}\"\nexplorer_tx_aliases = [\"https://unicove.com/en/vaulta/transaction/{{hash}}\"]\nexplorer_address = \"https://bloks.io/account/{{address}}\"\n\n[[chains.eos.tokens]]\nsymbol = \"EOS\"\naddress = \"eosio.token\"\ndecimals = 4\n\n[[chains.eos.tokens]]\nsymbol = \"A\"\naddress = \"core.vaulta\"\ndecimals = 4\n\n[[chains.eos.tokens]]\nsymbol = \"USDT\"\naddress = \"tethertether\"\ndecimals = 4\nfrozen = true\n\n",
        list(rpc),
        list(history)
    )
}

pub fn antelope_config(rpc: &[&str], history: &[&str]) -> super::TestConfig {
    super::write_raw_config(&antelope_toml(rpc, history))
}
