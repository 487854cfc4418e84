//! A transaction seen pending by an earlier run, and what became of it
//! when the network forgot it: replaced (its nonce used, or its coins spent
//! by another), dropped, or not checkable. Re-exported from `model`.

use serde::Serialize;

use super::SenderNonce;

/// A pending transaction as remembered from an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Seen {
    pub chain: String,
    pub hash: String,
    pub from: String,
    pub nonce: u64,
    /// Max fee per gas (or gas price for legacy transactions), wei, decimal.
    pub max_fee: Option<String>,
    /// Max priority fee per gas, wei, decimal; null for legacy transactions.
    pub tip: Option<String>,
    /// Unix seconds when first and last seen pending.
    pub first_seen: u64,
    pub last_seen: u64,
    /// The chain's head block when first seen: the replacement, if any, is later.
    pub head_at_first_seen: Option<u64>,
    /// Bitcoin-style chains: the coins it spent (a few), to find the
    /// transaction that spent them instead if it disappears (RBF).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Outpoint>,
    /// Unix seconds after which it can never be included (Aptos's
    /// `expiration_timestamp_secs`), where the chain has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

/// What a family keeps of a pending transaction to tell later what became
/// of it: its nonce, the fees it offered, the coins it spent (a few).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub nonce: u64,
    pub max_fee: Option<String>,
    pub tip: Option<String>,
    pub inputs: Vec<Outpoint>,
    pub expires_at: Option<u64>,
}

/// A coin: the transaction output it is (`txid`, `vout`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Outpoint {
    pub txid: String,
    pub vout: u32,
}

/// Another transaction spends the coins of one the network no longer has:
/// it was replaced (Bitcoin's replace-by-fee). `mined` when that one is in
/// a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respent {
    pub by: String,
    pub mined: bool,
}

/// What became of a remembered transaction the network no longer knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// The sender's nonce is used by another transaction: mined (`by` and
    /// `block` when the search found it) or still in the pool (`in_pool`).
    Replaced {
        by: Option<String>,
        block: Option<u64>,
        in_pool: bool,
        nonce: SenderNonce,
        /// Why `by` is missing, when the search failed.
        search_note: Option<String>,
    },
    /// Gone and its nonce still free.
    Dropped { nonce: SenderNonce },
    /// Past its expiration time by the chain's own clock and its sequence
    /// number still free: it can never be included (Aptos).
    Expired {
        nonce: Option<SenderNonce>,
        expired_at: u64,
    },
    /// Not included and its sequence number free, but not yet expired: it
    /// may still be in some node's mempool until `until` (unix seconds).
    Unexpired { until: u64 },
    /// The nonce question could not be answered: the verdict stays `not_found`.
    Unchecked { why: String },
}

/// A remembered transaction and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vanished {
    pub seen: Seen,
    pub fate: Fate,
}
