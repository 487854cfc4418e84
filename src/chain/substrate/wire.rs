//! substrate-api-sidecar's REST API (and polkadot-rest-api's, the same
//! paths under `/v1`) as it answers: blocks with their extrinsics and each
//! extrinsic's events, headers, balance info, asset balances, the runtime
//! spec and a pallet's errors; Subscan's extrinsic lookup. Sources:
//! paritytech/substrate-api-sidecar `docs-v2/openapi-v1.yaml` and its
//! recorded answers (`e2e-tests/historical/endpoints/*`,
//! `src/services/test-helpers/responses/*`), noted per fixture in
//! tests/fixtures/substrate/README.md.
//!
//! Numbers are decimal strings ("number": "11852237"); event `data` is an
//! array whose items are strings or objects, by event.

use serde::Deserialize;
use serde_json::Value;

use crate::chain::aptos::wire::{opt_u64, u64_any};

/// `GET /blocks/{n}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Block {
    #[serde(deserialize_with = "u64_any")]
    pub number: u64,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default)]
    pub extrinsics: Vec<Extrinsic>,
    #[serde(default)]
    pub finalized: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Extrinsic {
    pub method: Method,
    /// `{signature, signer: {id}}` (older answers: `signer` a string); null
    /// for inherents.
    #[serde(default)]
    pub signature: Option<Value>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub nonce: Option<u64>,
    #[serde(default)]
    pub args: Value,
    #[serde(default)]
    pub tip: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
    /// `{weight, class, partialFee, kind}` (empty for inherents or with `noFees`).
    #[serde(default)]
    pub info: Value,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default, rename = "paysFee")]
    pub pays_fee: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Method {
    pub pallet: String,
    pub method: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub method: Method,
    #[serde(default)]
    pub data: Vec<Value>,
}

/// `GET /blocks/head/header` (finalized unless `?finalized=false`).
#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    #[serde(deserialize_with = "u64_any")]
    pub number: u64,
}

/// What a scan reads of a block in a range: its number and the hashes.
#[derive(Debug, Clone, Deserialize)]
pub struct ScanBlock {
    #[serde(deserialize_with = "u64_any")]
    pub number: u64,
    #[serde(default)]
    pub extrinsics: Vec<ScanExtrinsic>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScanExtrinsic {
    #[serde(default)]
    pub hash: Option<String>,
}

/// `GET /accounts/{a}/balance-info`: `frozen` is a number, or prose where a
/// historical runtime has none ("frozen does not exist for this runtime").
#[derive(Debug, Clone, Deserialize)]
pub struct BalanceInfo {
    #[serde(default)]
    pub nonce: Option<String>,
    pub free: String,
    #[serde(default)]
    pub reserved: Option<String>,
    #[serde(default)]
    pub frozen: Option<String>,
    #[serde(default, rename = "miscFrozen")]
    pub misc_frozen: Option<String>,
    #[serde(default)]
    pub transferable: Option<String>,
}

/// `GET /accounts/{a}/asset-balances?assets[]=…`.
#[derive(Debug, Clone, Deserialize)]
pub struct AssetBalances {
    #[serde(default)]
    pub assets: Vec<AssetBalance>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AssetBalance {
    #[serde(rename = "assetId", deserialize_with = "u64_any")]
    pub asset_id: u64,
    pub balance: String,
    #[serde(default, rename = "isFrozen")]
    pub is_frozen: Value,
}

/// `GET /runtime/spec`.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    #[serde(rename = "specName", default)]
    pub spec_name: Option<String>,
    #[serde(rename = "specVersion", deserialize_with = "u64_any")]
    pub spec_version: u64,
}

/// `GET /pallets/{index}/errors?at=`: the pallet's errors with their docs.
#[derive(Debug, Clone, Deserialize)]
pub struct PalletErrors {
    pub pallet: String,
    #[serde(rename = "palletIndex", deserialize_with = "u64_any")]
    pub pallet_index: u64,
    #[serde(default)]
    pub items: Vec<PalletError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PalletError {
    pub name: String,
    #[serde(deserialize_with = "u64_any")]
    pub index: u64,
    #[serde(default)]
    pub docs: Vec<String>,
}

/// Subscan `POST /api/scan/extrinsic`: `{code, message, data}`; `code` 0 is
/// success, `data` null when the hash is unknown.
#[derive(Debug, Clone, Deserialize)]
pub struct SubscanAnswer {
    pub code: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub data: Option<SubscanExtrinsic>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscanExtrinsic {
    #[serde(deserialize_with = "u64_any")]
    pub block_num: u64,
    /// `"{block}-{index}"`.
    pub extrinsic_index: String,
    #[serde(default)]
    pub extrinsic_hash: Option<String>,
}
