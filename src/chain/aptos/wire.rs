//! The Aptos node REST API (`/v1`) as it answers, field for field: the
//! transaction (`user_transaction` committed, `pending_transaction` in the
//! node's mempool, the system kinds), its events and write-set changes, the
//! ledger info, the account, a balance, the gas estimate and the error body.
//! Sources: aptos-core's OpenAPI spec (`api/doc/spec.yaml`) as the SDKs
//! generate from it, and real answers kept by Gem Wallet's tests
//! (tests/fixtures/aptos/README.md names each).
//!
//! The API writes every u64 as a decimal string ("version": "7210214534");
//! a few answers (the gas estimate, a balance, the ledger's `chain_id`) use
//! JSON numbers. Both are read; anything else is an error, never a zero.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A u64 written as a string or a number.
pub fn u64_any<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Any {
        N(u64),
        S(String),
    }
    match Any::deserialize(d)? {
        Any::N(n) => Ok(n),
        Any::S(s) => s.parse().map_err(|_| {
            serde::de::Error::custom(format!("not a u64: {:?}", crate::safe::shorten(&s)))
        }),
    }
}

/// The same, optional (`null` or absent is `None`).
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "u64_any")] u64);
    Ok(Option::<W>::deserialize(d)?.map(|W(n)| n))
}

/// `GET /transactions/by_hash/{hash}` and `/transactions/by_version/{n}`: one
/// transaction of any kind. Only `user_transaction` and
/// `pending_transaction` have a sender; every committed kind has a version.
#[derive(Debug, Clone, Deserialize)]
pub struct Transaction {
    #[serde(rename = "type")]
    pub kind: String,
    pub hash: String,
    #[serde(default, deserialize_with = "opt_u64")]
    pub version: Option<u64>,
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub vm_status: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub gas_used: Option<u64>,
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub sequence_number: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub max_gas_amount: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub gas_unit_price: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub expiration_timestamp_secs: Option<u64>,
    /// Microseconds since the epoch, committed kinds only.
    #[serde(default, deserialize_with = "opt_u64")]
    pub timestamp: Option<u64>,
    #[serde(default)]
    pub payload: Option<Payload>,
    /// `ed25519_signature`, `fee_payer_signature`, `multi_agent_signature`, …
    #[serde(default)]
    pub signature: Option<Value>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Payload {
    /// `entry_function_payload`, `script_payload`, `multisig_payload`, …
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub function: Option<String>,
    #[serde(default)]
    pub type_arguments: Vec<Value>,
    #[serde(default)]
    pub arguments: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub guid: Option<Guid>,
    /// `0x1::fungible_asset::Deposit`, `0x1::coin::WithdrawEvent`, …
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub data: Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Guid {
    /// The account whose event handle emitted it (`0x0` for module events).
    pub account_address: String,
    /// The handle's creation number: which of the account's handles.
    #[serde(default)]
    pub creation_number: Option<String>,
}

/// One write-set change. `write_resource` carries the resource (`data.type`,
/// `data.data`) at `address`.
#[derive(Debug, Clone, Deserialize)]
pub struct Change {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub data: Option<Resource>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Resource {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub data: Value,
}

/// `GET /` (the base URL, `/v1`): the ledger info.
#[derive(Debug, Clone, Deserialize)]
pub struct LedgerInfo {
    pub chain_id: u64,
    #[serde(deserialize_with = "u64_any")]
    pub ledger_version: u64,
    #[serde(deserialize_with = "u64_any")]
    pub oldest_ledger_version: u64,
    /// Microseconds.
    #[serde(deserialize_with = "u64_any")]
    pub ledger_timestamp: u64,
    #[serde(default, deserialize_with = "opt_u64")]
    pub block_height: Option<u64>,
}

/// `GET /accounts/{address}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    #[serde(deserialize_with = "u64_any")]
    pub sequence_number: u64,
}

/// `GET /estimate_gas_price`.
#[derive(Debug, Clone, Deserialize)]
pub struct GasEstimate {
    #[serde(default, deserialize_with = "opt_u64")]
    pub deprioritized_gas_estimate: Option<u64>,
    #[serde(deserialize_with = "u64_any")]
    pub gas_estimate: u64,
    #[serde(default, deserialize_with = "opt_u64")]
    pub prioritized_gas_estimate: Option<u64>,
}

/// The body of every error answer: `{"message", "error_code", "vm_error_code"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub error_code: Option<String>,
}

/// `GET /accounts/{address}/balance/{asset}`: the amount, a JSON number (or
/// a string).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Balance(#[serde(deserialize_with = "u64_any")] pub u64);
