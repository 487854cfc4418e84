//! Solana JSON-RPC results as the RPC documentation describes them
//! (solana.com/docs/rpc/http): only the fields the diagnosis reads.

use serde::Deserialize;
use serde_json::Value;

/// `getSignatureStatuses`: `{context: {slot}, value: [status | null]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Statuses {
    pub value: Vec<Option<SignatureStatus>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureStatus {
    pub slot: u64,
    /// Null once rooted (finalized).
    pub confirmations: Option<u64>,
    pub err: Option<Value>,
    /// `processed`, `confirmed` or `finalized`.
    pub confirmation_status: Option<String>,
}

/// `getTransaction` with `encoding: "jsonParsed"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub slot: u64,
    pub block_time: Option<i64>,
    pub meta: Option<Meta>,
    pub transaction: Body,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub err: Option<Value>,
    /// Lamports, charged even when the transaction failed.
    pub fee: u64,
    pub pre_balances: Vec<u64>,
    pub post_balances: Vec<u64>,
    #[serde(default)]
    pub pre_token_balances: Option<Vec<TokenBalance>>,
    #[serde(default)]
    pub post_token_balances: Option<Vec<TokenBalance>>,
    #[serde(default)]
    pub log_messages: Option<Vec<String>>,
    #[serde(default)]
    pub compute_units_consumed: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenBalance {
    /// Index into the message's account keys: the token account.
    pub account_index: usize,
    pub mint: String,
    /// The wallet that owns the token account (absent on very old transactions).
    pub owner: Option<String>,
    pub ui_token_amount: UiTokenAmount,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UiTokenAmount {
    /// Base units, as a decimal string.
    pub amount: String,
    pub decimals: u8,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Body {
    pub signatures: Vec<String>,
    pub message: Message,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// With jsonParsed, objects; on versioned transactions they include the
    /// addresses loaded from lookup tables, in balance order.
    pub account_keys: Vec<AccountKey>,
    /// Parsed (`program`, `parsed.type`, `parsed.info`) or raw (`programId`,
    /// `accounts`, `data`), depending on whether the node knows the program.
    pub instructions: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AccountKey {
    pub pubkey: String,
    #[serde(default)]
    pub signer: bool,
}

/// `getRecentPrioritizationFees`: one entry per recent slot.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrioritizationFee {
    pub slot: u64,
    /// Micro-lamports per compute unit.
    pub prioritization_fee: u64,
}

/// `getSignaturesForAddress`: newest first.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureInfo {
    pub signature: String,
    pub slot: u64,
    pub err: Option<Value>,
    pub block_time: Option<i64>,
    pub confirmation_status: Option<String>,
}

/// `getBalance` and other `{context, value}` answers.
#[derive(Debug, Clone, Deserialize)]
pub struct WithContext<T> {
    pub value: T,
}

/// One entry of `getTokenAccountsByOwner` with `encoding: "jsonParsed"`.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyedTokenAccount {
    /// The token account's address.
    pub pubkey: String,
    pub account: TokenAccount,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TokenAccount {
    pub data: TokenAccountData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TokenAccountData {
    pub parsed: ParsedTokenAccount,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParsedTokenAccount {
    pub info: TokenAccountInfo,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenAccountInfo {
    pub mint: String,
    pub owner: String,
    pub token_amount: UiTokenAmount,
}
