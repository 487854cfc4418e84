//! Is one endpoint's answer about a transaction evidence? Pure checks of
//! the transaction, its receipt and the head that came in one batch: the
//! ids are the one asked, the parts agree on the block, the block is not
//! past the endpoint's own head, and every number fits its type and range.
//! An answer that fails one is not believed (issue 18): load-balanced pools
//! serve a receipt from one node and the transaction from another, and a
//! node still syncing answers with a head of 0.

use alloy_primitives::{B256, U256, hex};

use super::wire::{Receipt, Transaction};

/// The block of a transaction that the answer proves, `None` for pending,
/// or what disagreed.
pub fn included_block(
    asked: B256,
    tx: &Transaction,
    receipt: Option<&Receipt>,
    head: u64,
) -> Result<Option<u64>, String> {
    if tx.hash != asked {
        return Err(format!(
            "asked for {}, it answered with transaction {}",
            hex::encode_prefixed(asked),
            hex::encode_prefixed(tx.hash)
        ));
    }
    let tx_block = tx
        .block_number
        .map(|b| fit(b, "the transaction's blockNumber"))
        .transpose()?;
    let Some(r) = receipt else {
        return match tx_block {
            // A mined transaction without its receipt: still indexing, or
            // another node of a pool answered. Not evidence either way.
            Some(b) => Err(format!(
                "puts the transaction in block {b} but returned no receipt (still indexing, or a pool of unsynced nodes)"
            )),
            None => Ok(None),
        };
    };
    match r.transaction_hash {
        Some(h) if h == asked => {}
        Some(h) => {
            return Err(format!(
                "returned the receipt of another transaction ({})",
                hex::encode_prefixed(h)
            ));
        }
        None => return Err("returned a receipt without its transactionHash".into()),
    }
    let receipt_block = fit(r.block_number, "the receipt's blockNumber")?;
    let Some(tx_block) = tx_block else {
        return Err(format!(
            "returned a receipt (block {receipt_block}) for a transaction it calls pending (blockNumber null)"
        ));
    };
    if tx_block != receipt_block {
        return Err(format!(
            "puts the transaction in block {tx_block} but its receipt in block {receipt_block}"
        ));
    }
    if let (Some(a), Some(b)) = (tx.block_hash, r.block_hash)
        && a != b
    {
        return Err(format!(
            "gives block {tx_block} the hash {} for the transaction and {} for the receipt (a reorganisation, or two nodes of a pool)",
            hex::encode_prefixed(a),
            hex::encode_prefixed(b)
        ));
    }
    if receipt_block > head {
        return Err(format!(
            "puts the transaction in block {receipt_block}, past its own head {head}"
        ));
    }
    if let Some(status) = r.status
        && status > U256::from(1)
    {
        return Err(format!(
            "gives the receipt status {status:#x}, which is neither 0x0 (failed) nor 0x1 (success)"
        ));
    }
    if r.gas_used > tx.gas {
        return Err(format!(
            "says the transaction used {} gas, more than its limit of {}",
            r.gas_used, tx.gas
        ));
    }
    Ok(Some(receipt_block))
}

/// An endpoint-supplied block number as a u64, or what is wrong with it.
pub fn fit(n: U256, what: &str) -> Result<u64, String> {
    u64::try_from(n).map_err(|_| format!("{what} {n:#x} does not fit a block number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Address, Bytes};

    const ASKED: B256 = B256::repeat_byte(0xab);

    fn tx(block: Option<u64>) -> Transaction {
        Transaction {
            hash: ASKED,
            from: Address::repeat_byte(1),
            to: Some(Address::repeat_byte(2)),
            nonce: U256::from(7),
            value: U256::ZERO,
            gas: U256::from(21_000),
            gas_price: Some(U256::from(1)),
            max_fee_per_gas: None,
            max_priority_fee_per_gas: None,
            input: Bytes::new(),
            block_number: block.map(U256::from),
            block_hash: block.map(|_| B256::repeat_byte(0xbb)),
        }
    }

    fn receipt(block: u64) -> Receipt {
        Receipt {
            transaction_hash: Some(ASKED),
            status: Some(U256::from(1)),
            block_number: U256::from(block),
            block_hash: Some(B256::repeat_byte(0xbb)),
            gas_used: U256::from(21_000),
            effective_gas_price: Some(U256::from(1)),
            logs: vec![],
            contract_address: None,
            l1_fee: None,
            blob_gas_used: None,
            blob_gas_price: None,
            revert_reason: None,
        }
    }

    #[test]
    fn a_consistent_answer_gives_its_block() {
        assert_eq!(
            included_block(ASKED, &tx(Some(100)), Some(&receipt(100)), 170),
            Ok(Some(100))
        );
        assert_eq!(included_block(ASKED, &tx(None), None, 170), Ok(None));
    }

    #[test]
    fn issue_18_every_contradiction_is_refused() {
        let t = tx(Some(100));
        let wrong = |f: &dyn Fn(&mut Transaction, &mut Receipt), head: u64| {
            let (mut t, mut r) = (t.clone(), receipt(100));
            f(&mut t, &mut r);
            included_block(ASKED, &t, Some(&r), head).unwrap_err()
        };
        let other = B256::repeat_byte(0xcd);
        assert!(wrong(&|_, r| r.transaction_hash = Some(other), 170).contains("another"));
        assert!(wrong(&|_, r| r.transaction_hash = None, 170).contains("transactionHash"));
        assert!(wrong(&|t, _| t.hash = other, 170).contains("answered with"));
        assert!(wrong(&|t, _| t.block_number = None, 170).contains("pending"));
        assert!(wrong(&|_, r| r.block_number = U256::from(50), 170).contains("block 50"));
        assert!(wrong(&|_, r| r.block_hash = Some(other), 170).contains("hash"));
        assert!(wrong(&|_, r| r.status = Some(U256::from(2)), 170).contains("0x2"));
        assert!(wrong(&|_, _| {}, 99).contains("past its own head 99"));
        assert!(wrong(&|_, r| r.gas_used = U256::from(30_000), 170).contains("limit"));
        let huge = U256::from(1u128 << 64);
        assert!(wrong(&|_, r| r.block_number = huge, u64::MAX).contains("does not fit"));
        assert!(wrong(&|t, _| t.block_number = Some(huge), u64::MAX).contains("does not fit"));
        assert!(
            included_block(ASKED, &t, None, 170)
                .unwrap_err()
                .contains("no receipt")
        );
    }
}
