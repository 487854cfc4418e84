//! Is one TRON endpoint's answer evidence? Pure checks of the transaction,
//! its execution info and the solidified view that came from one node
//! (issue 18): the ids are the one asked, the node's verdicts agree
//! (`ret` vs `receipt.result` vs `result`), the block is not past the
//! node's own head, and the solidified view is this transaction in this
//! block. A node run with transaction history switched off serves the
//! transaction but `{}` for its info: that is not "not executed".

use super::wire::{Transaction, TransactionInfo};

/// Checks the answers; `tx` and `info` are `None` where the node said `{}`.
pub fn answer(
    id: &str,
    tx: Option<&Transaction>,
    info: Option<&TransactionInfo>,
    head: u64,
) -> Result<(), String> {
    if let Some(got) = tx.and_then(|t| t.tx_id.as_deref())
        && !got.eq_ignore_ascii_case(id)
    {
        return Err(format!("answered with another transaction ({got})"));
    }
    let ret = tx
        .and_then(|t| t.ret.first())
        .and_then(|r| r.contract_ret.as_deref());
    let Some(info) = info else {
        // The block store holds only included transactions: one served
        // without its info is a node that cannot say what happened to it.
        return match tx {
            Some(_) => Err(format!(
                "serves the transaction{} but no execution info for it (transaction history switched off on this node, or not yet indexed)",
                ret.map(|r| format!(" (contractRet {r})"))
                    .unwrap_or_default()
            )),
            None => Ok(()),
        };
    };
    match info.id.as_deref() {
        Some(got) if got.eq_ignore_ascii_case(id) => {}
        Some(got) => {
            return Err(format!(
                "answered with the info of another transaction ({got})"
            ));
        }
        None => return Err("answered with execution info that names no transaction".into()),
    }
    let block = match info.block_number {
        Some(b) => u64::try_from(b).map_err(|_| format!("gives the block number {b}"))?,
        None => return Err("answered with execution info without a block number".into()),
    };
    if block > head {
        return Err(format!(
            "puts the transaction in block {block}, past its own head {head}"
        ));
    }
    let receipt = info
        .receipt
        .as_ref()
        .and_then(|r| r.result.as_deref())
        .filter(|r| *r != "DEFAULT");
    if let (Some(ret), Some(receipt)) = (ret, receipt)
        && ret != receipt
    {
        return Err(format!(
            "says contractRet {ret} for the transaction but {receipt} in its receipt"
        ));
    }
    let failed = info.result.as_deref() == Some("FAILED");
    if failed && (ret == Some("SUCCESS") || receipt == Some("SUCCESS")) {
        return Err("says the transaction succeeded and that its execution FAILED".into());
    }
    Ok(())
}

/// Whether the solidified view (`/walletsolidity/gettransactioninfobyid`)
/// proves the transaction irreversible: only the same transaction in the
/// same block does; `{}` means not yet.
pub fn solidified(info: &TransactionInfo, solid: Option<&TransactionInfo>) -> Result<bool, String> {
    let Some(solid) = solid else {
        return Ok(false);
    };
    if solid.id.is_none() || solid.id != info.id || solid.block_number != info.block_number {
        return Err(format!(
            "its solidified view names transaction {} in block {}, not the one asked in block {}",
            solid.id.as_deref().unwrap_or("(none)"),
            solid
                .block_number
                .map_or("(none)".into(), |b| b.to_string()),
            info.block_number.map_or("(none)".into(), |b| b.to_string()),
        ));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::super::wire::{ResourceReceipt, Ret};
    use super::*;

    const ID: &str = "d2a3f8c7e5b1904c6f2e8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d";

    fn tx(ret: &str) -> Transaction {
        Transaction {
            tx_id: Some(ID.into()),
            ret: vec![Ret {
                contract_ret: Some(ret.into()),
            }],
            raw_data: None,
        }
    }

    fn info(block: i64, receipt: Option<&str>, result: Option<&str>) -> TransactionInfo {
        TransactionInfo {
            id: Some(ID.into()),
            block_number: Some(block),
            receipt: Some(ResourceReceipt {
                result: receipt.map(Into::into),
                ..ResourceReceipt::default()
            }),
            result: result.map(Into::into),
            ..TransactionInfo::default()
        }
    }

    #[test]
    fn consistent_answers_pass() {
        let ok = info(100, Some("SUCCESS"), None);
        assert_eq!(answer(ID, Some(&tx("SUCCESS")), Some(&ok), 120), Ok(()));
        let reverted = info(100, Some("REVERT"), Some("FAILED"));
        assert_eq!(
            answer(ID, Some(&tx("REVERT")), Some(&reverted), 120),
            Ok(())
        );
        assert_eq!(answer(ID, None, None, 120), Ok(()));
        assert_eq!(solidified(&ok, Some(&ok)), Ok(true));
        assert_eq!(solidified(&ok, None), Ok(false));
    }

    #[test]
    fn issue_18_history_off_and_contradictions_are_refused() {
        let ok = info(100, Some("SUCCESS"), None);
        let e = answer(ID, Some(&tx("SUCCESS")), None, 120).unwrap_err();
        assert!(e.contains("history"), "{e}");
        let other = TransactionInfo {
            id: Some("ab".repeat(32)),
            ..ok.clone()
        };
        assert!(answer(ID, Some(&tx("SUCCESS")), Some(&other), 120).is_err());
        assert!(answer(ID, None, Some(&info(100, None, None)), 99).is_err());
        assert!(
            answer(
                ID,
                Some(&tx("SUCCESS")),
                Some(&info(100, Some("REVERT"), None)),
                120
            )
            .is_err()
        );
        assert!(
            answer(
                ID,
                Some(&tx("SUCCESS")),
                Some(&info(100, None, Some("FAILED"))),
                120
            )
            .is_err()
        );
        assert!(answer(ID, None, Some(&info(-1, None, None)), 120).is_err());
        let no_id = TransactionInfo {
            id: None,
            ..ok.clone()
        };
        assert!(answer(ID, None, Some(&no_id), 120).is_err());
        // A solidified view of anything else proves nothing.
        assert!(solidified(&ok, Some(&info(101, Some("SUCCESS"), None))).is_err());
        assert!(solidified(&ok, Some(&other)).is_err());
        assert!(solidified(&ok, Some(&TransactionInfo::default())).is_err());
    }
}
