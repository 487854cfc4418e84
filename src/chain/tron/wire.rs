//! Serde types for the TRON full-node HTTP API answers txdoctor reads, as
//! java-tron serves them (TronGrid and other public nodes) with `visible`
//! unset: addresses in hex (`41…`), amounts in sun as JSON numbers, ids as
//! bare hex. Protobuf-to-JSON quirks the types allow for:
//! - an unknown id is answered with `{}`, not `null` or an error;
//! - fields at their zero value are left out (`fee`, `energy_fee`, a
//!   chain parameter's `value`, `result` on success), so every number is optional;
//! - log addresses are the 20 EVM bytes without the `41` prefix.
//!
//! Sources: developers.tron.network API reference (GetTransactionById,
//! GetTransactionInfoById, GetNowBlock, GetChainParameters,
//! GetAccountResource) and tronprotocol's documentation-en `api/http` pages.

use serde::Deserialize;
use serde_json::Value;

/// `/wallet/gettransactionbyid`, `/wallet/gettransactionfrompending`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Transaction {
    #[serde(rename = "txID")]
    pub tx_id: Option<String>,
    #[serde(default)]
    pub ret: Vec<Ret>,
    pub raw_data: Option<RawData>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Ret {
    #[serde(rename = "contractRet")]
    pub contract_ret: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct RawData {
    #[serde(default)]
    pub contract: Vec<Contract>,
    /// Unix milliseconds after which the network refuses the transaction.
    pub expiration: Option<i64>,
    pub timestamp: Option<i64>,
    /// Most sun the sender allowed to burn for energy.
    pub fee_limit: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Contract {
    #[serde(rename = "type")]
    pub kind: String,
    pub parameter: Parameter,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Parameter {
    /// Shape depends on `Contract::kind`; see the typed views below.
    #[serde(default)]
    pub value: Value,
}

/// `TransferContract`: a TRX transfer.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TransferContract {
    #[serde(default)]
    pub amount: i64,
    pub owner_address: String,
    pub to_address: String,
}

/// `TransferAssetContract`: a TRC-10 transfer; `asset_name` is the token id
/// as hex-encoded ASCII ("31303032303030" is token 1002000).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TransferAssetContract {
    #[serde(default)]
    pub amount: i64,
    pub asset_name: String,
    pub owner_address: String,
    pub to_address: String,
}

/// `TriggerSmartContract`: a contract call (every TRC-20 transfer).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TriggerSmartContract {
    pub owner_address: String,
    pub contract_address: String,
    #[serde(default)]
    pub data: String,
    #[serde(default)]
    pub call_value: i64,
}

/// `/wallet/gettransactioninfobyid` (and its `/walletsolidity/` twin).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct TransactionInfo {
    pub id: Option<String>,
    /// Total sun burned (absent when nothing was).
    pub fee: Option<i64>,
    #[serde(rename = "blockNumber")]
    pub block_number: Option<i64>,
    #[serde(rename = "blockTimeStamp")]
    pub block_time_stamp: Option<i64>,
    /// Hex; on REVERT the first entry holds the revert data.
    #[serde(rename = "contractResult", default)]
    pub contract_result: Vec<String>,
    pub receipt: Option<ResourceReceipt>,
    #[serde(default)]
    pub log: Vec<Log>,
    /// "FAILED" when execution failed; absent on success.
    pub result: Option<String>,
    /// Hex-encoded text of the failure.
    #[serde(rename = "resMessage")]
    pub res_message: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ResourceReceipt {
    /// Energy from the sender's staked energy.
    pub energy_usage: Option<i64>,
    /// Sun burned for energy the sender did not have.
    pub energy_fee: Option<i64>,
    /// Energy paid by the contract's deployer.
    pub origin_energy_usage: Option<i64>,
    pub energy_usage_total: Option<i64>,
    /// Bandwidth from the sender's free or staked bandwidth.
    pub net_usage: Option<i64>,
    /// Sun burned for bandwidth.
    pub net_fee: Option<i64>,
    /// SUCCESS, REVERT, OUT_OF_ENERGY, OUT_OF_TIME, … (Tron.proto contractResult).
    pub result: Option<String>,
    pub energy_penalty_total: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Log {
    /// 20 bytes hex, no `41`.
    pub address: String,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub data: String,
}

/// `/wallet/getnowblock`: only the header is read (the body is every transaction).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Block {
    pub block_header: Option<BlockHeader>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct BlockHeader {
    pub raw_data: Option<BlockRaw>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct BlockRaw {
    pub number: Option<i64>,
    pub timestamp: Option<i64>,
}

impl Block {
    pub fn number(&self) -> Option<u64> {
        self.block_header
            .as_ref()?
            .raw_data
            .as_ref()?
            .number
            .and_then(|n| u64::try_from(n).ok())
    }
}

/// `/wallet/getchainparameters`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ChainParameters {
    #[serde(rename = "chainParameter", default)]
    pub chain_parameter: Vec<ChainParameter>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ChainParameter {
    pub key: String,
    /// Absent when zero.
    pub value: Option<i64>,
}

impl ChainParameters {
    pub fn get(&self, key: &str) -> Option<i64> {
        self.chain_parameter
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.unwrap_or(0))
    }
}

/// `/wallet/getaccountresource`: capitalised names as java-tron emits them.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct AccountResource {
    #[serde(rename = "freeNetUsed")]
    pub free_net_used: Option<i64>,
    #[serde(rename = "freeNetLimit")]
    pub free_net_limit: Option<i64>,
    #[serde(rename = "NetUsed")]
    pub net_used: Option<i64>,
    #[serde(rename = "NetLimit")]
    pub net_limit: Option<i64>,
    #[serde(rename = "EnergyUsed")]
    pub energy_used: Option<i64>,
    #[serde(rename = "EnergyLimit")]
    pub energy_limit: Option<i64>,
}

/// `/wallet/triggerconstantcontract`: a read-only call (token symbol, decimals).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ConstantResult {
    #[serde(default)]
    pub constant_result: Vec<String>,
}
/// TronGrid's indexed v1 API (`/v1/accounts/...`, TronGrid only, not
/// java-tron): lists as `{"data": [...], "success": true, "meta": {"at",
/// "page_size", "fingerprint"?}}`, addresses in base58 for TRC-20 transfers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct V1List<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default)]
    pub success: bool,
    pub meta: Option<V1Meta>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct V1Meta {
    pub at: Option<u64>,
    pub page_size: Option<u64>,
    /// Present when more pages follow.
    pub fingerprint: Option<String>,
}

/// `/v1/accounts/:address`: an account (absent until it is activated).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct V1Account {
    pub address: Option<String>,
    /// Sun; left out at zero.
    #[serde(default)]
    pub balance: i64,
    /// TRC-20 balances as one-entry objects: `[{"T…contract": "raw"}]`.
    #[serde(default)]
    pub trc20: Vec<std::collections::BTreeMap<String, String>>,
}

/// `/v1/accounts/:address/transactions/trc20`: one TRC-20 `Transfer`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct V1Trc20Transfer {
    pub transaction_id: String,
    pub token_info: V1TokenInfo,
    /// Unix milliseconds.
    pub block_timestamp: u64,
    pub from: String,
    pub to: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Raw units, as a decimal string.
    pub value: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct V1TokenInfo {
    pub symbol: Option<String>,
    /// The contract, base58.
    pub address: String,
    pub decimals: Option<u8>,
    pub name: Option<String>,
}

/// `/v1/accounts/:address/transactions`: a transaction with where it landed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct V1Transaction {
    #[serde(rename = "txID")]
    pub tx_id: String,
    #[serde(rename = "blockNumber")]
    pub block_number: Option<u64>,
    pub block_timestamp: Option<u64>,
    #[serde(default)]
    pub ret: Vec<Ret>,
    pub raw_data: Option<RawData>,
}
