//! A fake Esplora server answering as Blockstream's electrs and mempool.space
//! do (sources per shape in tests/fixtures/bitcoin/README.md): JSON for
//! transactions, plain text for `/blocks/tip/height`, HTTP 404 with the text
//! "Transaction not found" for an unknown txid, `{"confirmed": false}` from
//! `/tx/:txid/status` even for a txid it has never seen, and
//! `/v1/fees/recommended` only in the mempool.space flavour. Everything is
//! served under `/api`, as on the public instances.

use std::collections::HashMap;

use serde_json::Value;

use super::fake::{FakeServer, Reply, Request};

pub fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

fn fixture_text(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/bitcoin/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap()
}

/// A fixture transaction's txid.
pub fn txid(name: &str) -> String {
    fixture(name)["txid"].as_str().unwrap().to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// mempool.space: also answers `/v1/fees/recommended`.
    MempoolSpace,
    /// blockstream.info (plain electrs): `/fee-estimates` only.
    Blockstream,
}

pub struct FakeEsplora {
    pub server: FakeServer,
}

impl FakeEsplora {
    /// A server that knows the named transaction fixtures, at tip `tip`.
    pub fn start(fixtures: &[&str], tip: u64, flavour: Flavour) -> FakeEsplora {
        let txs: HashMap<String, Value> = fixtures
            .iter()
            .map(|name| (txid(name), fixture(name)))
            .collect();
        FakeEsplora {
            server: FakeServer::serve(move |r| answer(&txs, tip, flavour, r)),
        }
    }

    /// The API base URL, as configured in chains.toml.
    pub fn url(&self) -> String {
        format!("{}/api", self.server.url)
    }

    /// Paths requested, without the `/api` prefix, in order of arrival.
    pub fn paths(&self) -> Vec<String> {
        self.server
            .requests()
            .into_iter()
            .map(|r| r.path.trim_start_matches("/api").to_string())
            .collect()
    }
}

fn text(status: u16, body: &str) -> Reply {
    Reply::status(status, body).header("Content-Type", "text/plain")
}

fn answer(txs: &HashMap<String, Value>, tip: u64, flavour: Flavour, r: &Request) -> Reply {
    let Some(path) = r.path.strip_prefix("/api") else {
        return Reply::status(404, "<html><body><h1>404 Not Found</h1></body></html>")
            .header("Content-Type", "text/html");
    };
    if r.method != "GET" {
        return text(405, "Invalid method");
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["tx", id] | ["tx", id, "status"] => {
            if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return text(400, "Invalid hex string");
            }
            let tx = txs.get(&id.to_ascii_lowercase());
            match (parts.len(), tx) {
                (2, Some(tx)) => Reply::json(tx.to_string()),
                (2, None) => text(404, "Transaction not found"),
                (_, Some(tx)) => Reply::json(tx["status"].to_string()),
                // electrs answers an unknown txid's status as unconfirmed.
                (_, None) => Reply::json(r#"{"confirmed":false}"#),
            }
        }
        ["address", a] => Reply::json(address_stats(txs, a).to_string()),
        ["address", a, "txs"] => Reply::json(Value::Array(address_txs(txs, a, None)).to_string()),
        ["address", a, "txs", "chain", last] => {
            Reply::json(Value::Array(address_txs(txs, a, Some(last))).to_string())
        }
        ["blocks", "tip", "height"] => text(200, &tip.to_string()),
        ["fee-estimates"] => Reply::json(fixture_text("fee_estimates")),
        ["mempool"] => Reply::json(fixture_text("mempool")),
        ["v1", "fees", "recommended"] if flavour == Flavour::MempoolSpace => {
            Reply::json(fixture_text("fees_recommended"))
        }
        _ => text(404, &format!("endpoint does not exist {path:?}")),
    }
}

fn pays(tx: &Value, a: &str) -> Vec<u64> {
    tx["vout"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["scriptpubkey_address"] == a)
        .map(|o| o["value"].as_u64().unwrap())
        .collect()
}

fn spends(tx: &Value, a: &str) -> Vec<u64> {
    tx["vin"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["prevout"]["scriptpubkey_address"] == a)
        .map(|i| i["prevout"]["value"].as_u64().unwrap())
        .collect()
}

/// `/address/:address` as electrs computes it from the transactions it indexes.
fn address_stats(txs: &HashMap<String, Value>, a: &str) -> Value {
    let stats = |confirmed: bool| {
        let mine: Vec<&Value> = txs
            .values()
            .filter(|t| t["status"]["confirmed"] == confirmed)
            .filter(|t| !pays(t, a).is_empty() || !spends(t, a).is_empty())
            .collect();
        let funded: Vec<u64> = mine.iter().flat_map(|t| pays(t, a)).collect();
        let spent: Vec<u64> = mine.iter().flat_map(|t| spends(t, a)).collect();
        serde_json::json!({
            "funded_txo_count": funded.len(), "funded_txo_sum": funded.iter().sum::<u64>(),
            "spent_txo_count": spent.len(), "spent_txo_sum": spent.iter().sum::<u64>(),
            "tx_count": mine.len(),
        })
    };
    serde_json::json!({"address": a, "chain_stats": stats(true), "mempool_stats": stats(false)})
}

/// `/address/:address/txs`: up to 50 unconfirmed, then 25 confirmed, newest
/// first; `/txs/chain/:last_seen` the next 25 confirmed after `last_seen`.
fn address_txs(txs: &HashMap<String, Value>, a: &str, after: Option<&str>) -> Vec<Value> {
    let mut mine: Vec<&Value> = txs
        .values()
        .filter(|t| !pays(t, a).is_empty() || !spends(t, a).is_empty())
        .collect();
    mine.sort_by_key(|t| {
        (
            t["status"]["confirmed"].as_bool(),
            std::cmp::Reverse(t["status"]["block_height"].as_u64()),
            t["txid"].as_str().map(str::to_string),
        )
    });
    let confirmed: Vec<Value> = mine
        .iter()
        .filter(|t| t["status"]["confirmed"] == true)
        .map(|t| (*t).clone())
        .collect();
    let confirmed: Vec<Value> = match after {
        Some(last) => confirmed
            .iter()
            .skip_while(|t| t["txid"] != last)
            .skip(1)
            .take(25)
            .cloned()
            .collect(),
        None => confirmed.into_iter().take(25).collect(),
    };
    let unconfirmed = mine
        .iter()
        .filter(|t| t["status"]["confirmed"] == false && after.is_none())
        .take(50)
        .map(|t| (*t).clone());
    unconfirmed.chain(confirmed).collect()
}

/// A chains.toml with one Bitcoin chain on `rpc`.
pub fn bitcoin_config(rpc: &[&str]) -> super::TestConfig {
    super::write_raw_config(&bitcoin_toml(rpc))
}

pub fn bitcoin_toml(rpc: &[&str]) -> String {
    let rpc: Vec<String> = rpc.iter().map(|u| format!("{u:?}")).collect();
    format!(
        r#"[chains.btc]
name = "Bitcoin"
family = "bitcoin"
symbol = "BTC"
decimals = 8
confirmations = 6
block_time_secs = 600
rpc = [{}]
explorer_tx = "https://mempool.space/tx/{{hash}}"
explorer_tx_aliases = ["https://blockstream.info/tx/{{hash}}"]
explorer_address = "https://mempool.space/address/{{address}}"
address_hrp = "bc"
address_versions = [0, 5]
"#,
        rpc.join(", ")
    )
}
