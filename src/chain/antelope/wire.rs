//! Antelope (EOS/Vaulta, WAX, Telos) as its APIs answer: Hyperion v2's
//! `get_transaction`, `get_actions` and `health` (eosrio/hyperion-history-api
//! `src/api/routes/v2-history/*`, `src/api/routes/v2/health/health.ts`) and
//! the nodeos chain API (`/v1/chain/get_info`, `get_account`,
//! `get_currency_balance`, `get_transaction_status`). Sources per fixture in
//! tests/fixtures/antelope/README.md.
//!
//! Hyperion's indexer moves a transfer's `from`, `to` (and `memo`) out of
//! `act.data` into `@transfer` and its API merges them back, so `act.data`
//! of a transfer holds `from`, `to`, `quantity` ("1.0000 EOS"), `memo` and
//! Hyperion's own `amount` (a float, never read) and `symbol`.

use serde::Deserialize;
use serde_json::Value;

/// `GET /v2/history/get_transaction?id=`: `executed: false` (HTTP 200)
/// when the index has no action of the id; `lib` from the API's nodeos.
#[derive(Debug, Clone, Deserialize)]
pub struct GetTransaction {
    #[serde(default)]
    pub executed: bool,
    #[serde(default)]
    pub trx_id: Option<String>,
    #[serde(default)]
    pub lib: Option<u64>,
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Set when the API could not ask its nodeos for the LIB, or found no
    /// data near a block hint: then `executed: false` is no verdict.
    #[serde(default)]
    pub error: Option<String>,
}

/// One action document.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    #[serde(default)]
    pub trx_id: Option<String>,
    pub block_num: u64,
    /// ISO time of the block (UTC, no zone).
    #[serde(default, rename = "@timestamp")]
    pub timestamp: Option<String>,
    pub act: Act,
    #[serde(default)]
    pub action_ordinal: Option<u64>,
    #[serde(default)]
    pub creator_action_ordinal: Option<u64>,
    #[serde(default)]
    pub cpu_usage_us: Option<u64>,
    #[serde(default)]
    pub net_usage_words: Option<u64>,
    #[serde(default)]
    pub global_sequence: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Act {
    pub account: String,
    pub name: String,
    #[serde(default)]
    pub authorization: Vec<Authorization>,
    #[serde(default)]
    pub data: Value,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Authorization {
    pub actor: String,
    #[serde(default)]
    pub permission: String,
}

/// `GET /v2/health`: the services the API depends on.
#[derive(Debug, Clone, Deserialize)]
pub struct Health {
    #[serde(default)]
    pub health: Vec<Service>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    pub service: String,
    #[serde(default)]
    pub status: Value,
    #[serde(default)]
    pub service_data: Option<Value>,
}

/// `POST /v1/chain/get_info`.
#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    pub chain_id: String,
    pub head_block_num: u64,
    pub last_irreversible_block_num: u64,
    /// `2026-12-07T05:00:00.000` (UTC).
    #[serde(default)]
    pub head_block_time: Option<String>,
}

/// `POST /v1/chain/get_transaction_status` (nodeos 5+, when the node keeps
/// the finality status): `state` is `LOCALLY_APPLIED`, `IN_BLOCK`,
/// `IRREVERSIBLE`, `FORKED_OUT`, `FAILED` or `UNKNOWN`.
#[derive(Debug, Clone, Deserialize)]
pub struct TransactionStatus {
    pub state: String,
    #[serde(default)]
    pub block_number: Option<u64>,
    #[serde(default)]
    pub expiration: Option<String>,
    #[serde(default)]
    pub head_number: Option<u64>,
    #[serde(default)]
    pub head_timestamp: Option<String>,
    #[serde(default)]
    pub irreversible_number: Option<u64>,
}

/// `POST /v1/chain/get_account`: balances and resources.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub account_name: String,
    #[serde(default)]
    pub core_liquid_balance: Option<String>,
    #[serde(default)]
    pub cpu_limit: Option<Limit>,
    #[serde(default)]
    pub net_limit: Option<Limit>,
    #[serde(default)]
    pub ram_quota: Option<i64>,
    #[serde(default)]
    pub ram_usage: Option<i64>,
}

/// `{used, available, max}`: numbers, or strings in newer nodeos.
#[derive(Debug, Clone, Deserialize)]
pub struct Limit {
    #[serde(default)]
    pub used: Value,
    #[serde(default)]
    pub available: Value,
    #[serde(default)]
    pub max: Value,
}

/// `GET /v2/history/get_actions`.
#[derive(Debug, Clone, Deserialize)]
pub struct GetActions {
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// nodeos's error body: `{code, message, error: {code, name, what, details}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct NodeError {
    #[serde(default)]
    pub error: Option<NodeErrorDetail>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NodeErrorDetail {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub what: String,
}
