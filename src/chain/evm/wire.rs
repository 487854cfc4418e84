//! Serde types for the Ethereum JSON-RPC answers txdoctor reads, as geth,
//! reth, anvil and the public providers return them (hex quantities, `null`
//! for unknown). Only the fields the diagnosis uses; unknown fields are
//! ignored so chain-specific extras (Arbitrum's `gasUsedForL1`, …) do not break
//! decoding.

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::Deserialize;

/// `eth_getTransactionByHash`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub hash: B256,
    pub from: Address,
    pub to: Option<Address>,
    pub nonce: U256,
    pub value: U256,
    pub gas: U256,
    pub gas_price: Option<U256>,
    pub max_fee_per_gas: Option<U256>,
    pub max_priority_fee_per_gas: Option<U256>,
    pub input: Bytes,
    pub block_number: Option<U256>,
    #[serde(default)]
    pub block_hash: Option<B256>,
}

/// `eth_getTransactionReceipt`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The transaction the receipt is for: checked against the hash asked.
    #[serde(default)]
    pub transaction_hash: Option<B256>,
    /// `0x1` success, `0x0` failure (absent before Byzantium).
    pub status: Option<U256>,
    pub block_number: U256,
    #[serde(default)]
    pub block_hash: Option<B256>,
    pub gas_used: U256,
    pub effective_gas_price: Option<U256>,
    #[serde(default)]
    pub logs: Vec<Log>,
    pub contract_address: Option<Address>,
    /// OP Stack: the L1 data fee, charged on top of gas.
    pub l1_fee: Option<U256>,
    /// EIP-4844 blob transactions.
    pub blob_gas_used: Option<U256>,
    pub blob_gas_price: Option<U256>,
    /// Some clients (Besu, some L2s) put the revert data here.
    pub revert_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Log {
    pub address: Address,
    #[serde(default)]
    pub topics: Vec<B256>,
    #[serde(default)]
    pub data: Bytes,
}

/// `eth_getLogs`: a log with the transaction and block that emitted it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    #[serde(flatten)]
    pub log: Log,
    pub block_number: Option<U256>,
    pub transaction_hash: Option<B256>,
    pub log_index: Option<U256>,
    /// Newer clients add the block's time: a hex quantity (geth, reth) or a
    /// plain number (anvil); absent elsewhere.
    pub block_timestamp: Option<serde_json::Value>,
    /// Set on logs of a block that was reorganised away.
    #[serde(default)]
    pub removed: bool,
}

impl LogEntry {
    pub fn timestamp(&self) -> Option<u64> {
        match self.block_timestamp.as_ref()? {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => {
                u64::from_str_radix(s.strip_prefix("0x").unwrap_or(s), 16).ok()
            }
            _ => None,
        }
    }
}

/// `txpool_contentFrom(address)` (geth): the address's transactions by nonce.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct PoolOfSender {
    #[serde(default)]
    pub pending: std::collections::BTreeMap<String, Transaction>,
    #[serde(default)]
    pub queued: std::collections::BTreeMap<String, Transaction>,
}

/// `txpool_content` (geth, anvil, erigon): every pooled transaction, by
/// sender and nonce; `pending` are executable, `queued` wait behind a gap.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct PoolContent {
    #[serde(default)]
    pub pending:
        std::collections::BTreeMap<Address, std::collections::BTreeMap<String, Transaction>>,
    #[serde(default)]
    pub queued:
        std::collections::BTreeMap<Address, std::collections::BTreeMap<String, Transaction>>,
}

/// `eth_getBlockByNumber(…, false)`: the fields read from a header.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BlockHeader {
    pub number: Option<U256>,
    pub base_fee_per_gas: Option<U256>,
}

/// `eth_getBlockByNumber(…, true)`: a block with its full transactions.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BlockWithTransactions {
    #[serde(default)]
    pub transactions: Vec<Transaction>,
}

/// `eth_feeHistory`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FeeHistory {
    #[serde(default)]
    pub base_fee_per_gas: Vec<U256>,
    #[serde(default)]
    pub gas_used_ratio: Vec<f64>,
    pub reward: Option<Vec<Vec<U256>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from anvil 1.7.1 (eth_getTransactionReceipt of a reverted ERC-20 transfer).
    const RECEIPT: &str = r#"{"type":"0x2","status":"0x0","cumulativeGasUsed":"0x5f42","logs":[],"logsBloom":"0x00","transactionHash":"0xc8034e8d900a9c8bd6eb814879a774428bf7a1704370bf6a79904d7227425d83","transactionIndex":"0x0","blockHash":"0x69ccede8a0a633b2b02702050215fca689b588e3d692725790f24b1c0ce92b2c","blockNumber":"0x2","gasUsed":"0x5f42","effectiveGasPrice":"0x7003b6c8","blobGasPrice":"0x1","from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","to":"0x5fbdb2315678afecb367f032d93f642f64180aa3","contractAddress":null,"blockTimestamp":1795364636}"#;

    // Captured from anvil 1.7.1 (eth_getTransactionByHash of the same transaction).
    const TX: &str = r#"{"type":"0x2","chainId":"0x38","nonce":"0x1","gas":"0x30000","maxFeePerGas":"0x7003b6c8","maxPriorityFeePerGas":"0x3b9aca00","to":"0x5fbdb2315678afecb367f032d93f642f64180aa3","value":"0x0","accessList":[],"input":"0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c800000000000000000000000000000000000000000000000000005af3107a3fff","r":"0x3136a134bae7e1fce95181f5d83ce984440fcab87f9d9e451055590e69bef351","s":"0x7ed491c909a25cb641e306fb3f1ca07e5c67a64b6bde56bc2cd0d4335d81502d","yParity":"0x0","v":"0x0","hash":"0xc8034e8d900a9c8bd6eb814879a774428bf7a1704370bf6a79904d7227425d83","blockHash":"0x69ccede8a0a633b2b02702050215fca689b588e3d692725790f24b1c0ce92b2c","blockNumber":"0x2","transactionIndex":"0x0","from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","gasPrice":"0x7003b6c8","blockTimestamp":"0x6b03171c"}"#;

    #[test]
    fn anvil_receipt_decodes() {
        let r: Receipt = serde_json::from_str(RECEIPT).unwrap();
        assert_eq!(r.status, Some(U256::ZERO));
        assert_eq!(r.gas_used, U256::from(0x5f42));
        assert_eq!(r.block_number, U256::from(2));
        assert_eq!(r.effective_gas_price, Some(U256::from(0x7003b6c8u64)));
        assert!(r.l1_fee.is_none() && r.contract_address.is_none());
    }

    #[test]
    fn anvil_transaction_decodes() {
        let t: Transaction = serde_json::from_str(TX).unwrap();
        assert_eq!(t.nonce, U256::from(1));
        assert_eq!(t.gas, U256::from(0x30000));
        assert_eq!(&t.input[..4], &[0xa9, 0x05, 0x9c, 0xbb]);
        assert_eq!(t.block_number, Some(U256::from(2)));
    }

    #[test]
    fn op_stack_receipt_keeps_the_l1_fee() {
        // Field names as in op-geth's receipt JSON (l1Fee, l1GasPrice, l1GasUsed, l1FeeScalar).
        let json = RECEIPT.replace("\"blobGasPrice\":\"0x1\"", "\"l1Fee\":\"0x2386f26fc10000\",\"l1GasPrice\":\"0x3b9aca00\",\"l1GasUsed\":\"0x640\",\"l1FeeScalar\":\"0.684\"");
        let r: Receipt = serde_json::from_str(&json).unwrap();
        assert_eq!(r.l1_fee, Some(U256::from(10_000_000_000_000_000u64)));
    }

    #[test]
    fn pending_transaction_has_no_block() {
        let json = TX.replace("\"blockNumber\":\"0x2\"", "\"blockNumber\":null");
        let t: Transaction = serde_json::from_str(&json).unwrap();
        assert!(t.block_number.is_none());
    }
}
