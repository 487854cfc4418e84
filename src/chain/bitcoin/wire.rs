//! The Esplora REST API's JSON, as Blockstream's electrs and mempool.space
//! serve it (Blockstream/esplora `API.md`, "Transaction format"). Amounts are
//! satoshis; fee rates are sat/vB. Only the fields the diagnosis reads are
//! declared; the rest are ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `GET /tx/:txid`
#[derive(Debug, Clone, Deserialize)]
pub struct Tx {
    pub txid: String,
    pub vin: Vec<Vin>,
    pub vout: Vec<Vout>,
    pub weight: u64,
    /// Satoshis; electrs reports 0 for a coinbase transaction.
    pub fee: u64,
    pub status: Status,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Vin {
    /// The transaction that created the coin being spent.
    pub txid: String,
    pub vout: u32,
    /// `null` for a coinbase input.
    pub prevout: Option<Vout>,
    #[serde(default)]
    pub is_coinbase: bool,
    pub sequence: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Vout {
    /// Omitted for scripts without an address (OP_RETURN, bare multisig);
    /// some servers send `""` instead, which means the same (issue 18).
    #[serde(default, deserialize_with = "empty_is_none")]
    pub scriptpubkey_address: Option<String>,
    pub scriptpubkey_type: String,
    pub value: u64,
}

/// `status` inside a transaction (and `GET /tx/:txid/status`). The block
/// fields are absent or `null` while unconfirmed.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub confirmed: bool,
    pub block_height: Option<u64>,
    pub block_time: Option<u64>,
}

/// `GET /address/:address`: funded and spent totals, confirmed and in the mempool.
#[derive(Debug, Clone, Deserialize)]
pub struct AddressInfo {
    pub address: String,
    pub chain_stats: AddressStats,
    pub mempool_stats: AddressStats,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AddressStats {
    /// Satoshis received and spent.
    pub funded_txo_sum: u64,
    pub spent_txo_sum: u64,
    pub tx_count: u64,
}

/// `GET /mempool`: backlog statistics.
#[derive(Debug, Clone, Deserialize)]
pub struct Mempool {
    pub count: u64,
    /// Total virtual size of the waiting transactions.
    pub vsize: u64,
}

/// `GET /fee-estimates`: confirmation target in blocks (as a string key) →
/// sat/vB. electrs offers 1–25, 144, 504 and 1008; a node may leave some out.
pub type FeeEstimates = BTreeMap<String, f64>;

/// mempool.space's `GET /v1/fees/recommended`, sat/vB, projected from its
/// own view of the next blocks.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommended {
    pub fastest_fee: f64,
    pub half_hour_fee: f64,
    pub hour_fee: f64,
    pub economy_fee: f64,
    pub minimum_fee: f64,
}

/// `GET /api/v1/tx/:txid/rbf` (mempool.space only): the replacement tree
/// of the transaction's RBF chain, rooted at the newest replacement, and
/// the transactions it directly replaced. Both `null` when it has no RBF
/// history. Source: mempool/mempool backend `api/rbf-cache.ts` (`RbfTree`)
/// and `bitcoin.routes.ts` (`getRbfHistory`).
#[derive(Debug, Clone, Deserialize)]
pub struct RbfHistory {
    pub replacements: Option<RbfTree>,
    #[serde(default)]
    pub replaces: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RbfTree {
    pub tx: RbfTx,
    #[serde(default)]
    pub mined: Option<bool>,
    #[serde(default)]
    pub replaces: Vec<RbfTree>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RbfTx {
    pub txid: String,
    #[serde(default)]
    pub mined: Option<bool>,
}

/// `GET /tx/:txid/outspend/:vout`: whether the output is spent, and by
/// which transaction (Esplora).
#[derive(Debug, Clone, Deserialize)]
pub struct Outspend {
    pub spent: bool,
    pub txid: Option<String>,
    pub status: Option<Status>,
}

fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.filter(|s| !s.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_shapes_decode() {
        let tx: Tx = serde_json::from_str(include_str!(
            "../../../tests/fixtures/bitcoin/tx_confirmed.json"
        ))
        .unwrap();
        assert!(tx.status.confirmed);
        assert!(tx.vin.iter().all(|i| i.prevout.is_some()));
        let cb: Tx = serde_json::from_str(include_str!(
            "../../../tests/fixtures/bitcoin/tx_coinbase.json"
        ))
        .unwrap();
        assert!(cb.vin[0].is_coinbase && cb.vin[0].prevout.is_none());
        let est: FeeEstimates = serde_json::from_str(
            r#"{ "2": 87.882, "3": 87.882, "4": 87.882, "5": 81.129, "6": 68.285, "10": 1.027, "20": 1.027, "25": 1.027, "144": 1.027, "504": 1.027, "1008": 1.027 }"#,
        )
        .unwrap();
        assert_eq!(est["6"], 68.285);
        let m: Mempool = serde_json::from_str(
            r#"{"count": 8134, "vsize": 3444604, "total_fee":29204625, "fee_histogram": [[53.01, 102131], [38.56, 110990]]}"#,
        )
        .unwrap();
        assert_eq!((m.count, m.vsize), (8134, 3444604));
    }
}
