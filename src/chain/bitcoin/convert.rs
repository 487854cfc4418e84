//! Esplora's answers → chain-neutral facts. Pure: the adapter fetched the
//! JSON; these functions only read it.

use alloy_primitives::U256;

use super::wire::{FeeEstimates, Mempool, Outspend, RbfHistory, RbfTree, Recommended, Tx};
use crate::chain::spec::Chain;
use crate::model::{
    Amount, Congestion, CongestionLevel, FamilyFacts, Fee, FeeRates, MempoolState, ParentTx,
    Respent, TxFacts, UtxoFacts, UtxoInput, UtxoOutput,
};

/// BIP-125: an input with a sequence below this signals replaceability.
const RBF_SEQUENCE_LIMIT: u32 = 0xffff_fffe;

/// A block holds at most 4,000,000 weight units, 1,000,000 vB.
pub const BLOCK_VSIZE: u64 = 1_000_000;

/// Virtual size as Bitcoin Core computes it: weight / 4, rounded up.
pub fn vsize(weight: u64) -> u64 {
    weight.div_ceil(4)
}

fn rate(fee: u64, vsize: u64) -> f64 {
    if vsize == 0 {
        0.0
    } else {
        fee as f64 / vsize as f64
    }
}

fn sats(value: u64, chain: &Chain) -> Amount {
    Amount::new(U256::from(value), chain.decimals, chain.symbol.clone())
}

/// The facts of one transaction. `tip` is the endpoint's newest block.
pub fn tx_facts(tx: &Tx, chain: &Chain, tip: u64) -> TxFacts {
    let vsize = vsize(tx.weight);
    let inputs: Vec<UtxoInput> = tx
        .vin
        .iter()
        .map(|i| UtxoInput {
            txid: i.txid.clone(),
            vout: i.vout,
            address: i
                .prevout
                .as_ref()
                .and_then(|p| p.scriptpubkey_address.clone()),
            value: i.prevout.as_ref().map(|p| sats(p.value, chain)),
            sequence: i.sequence,
        })
        .collect();
    let own = |a: &Option<String>| {
        a.as_ref()
            .is_some_and(|a| inputs.iter().any(|i| i.address.as_ref() == Some(a)))
    };
    let outputs: Vec<UtxoOutput> = tx
        .vout
        .iter()
        .map(|o| UtxoOutput {
            address: o.scriptpubkey_address.clone(),
            kind: o.scriptpubkey_type.clone(),
            value: sats(o.value, chain),
            change: own(&o.scriptpubkey_address),
        })
        .collect();
    let payments: Vec<&UtxoOutput> = outputs.iter().filter(|o| !o.change).collect();
    // What moved: the outputs paid to others; a transaction paying only its
    // own addresses (a consolidation) moved all of its outputs.
    let moved: u64 = if payments.is_empty() {
        tx.vout.iter().map(|o| o.value).fold(0, u64::saturating_add)
    } else {
        tx.vout
            .iter()
            .zip(&outputs)
            .filter(|(_, o)| !o.change)
            .map(|(w, _)| w.value)
            .fold(0, u64::saturating_add)
    };
    let to = match payments.as_slice() {
        [one] => one.address.clone(),
        [] => outputs.first().and_then(|o| o.address.clone()),
        _ => None,
    };
    let from = if tx.vin.iter().any(|i| i.is_coinbase) {
        "coinbase".to_string()
    } else {
        inputs
            .iter()
            .find_map(|i| i.address.clone())
            .unwrap_or_default()
    };
    let block = tx
        .status
        .confirmed
        .then_some(tx.status.block_height)
        .flatten();
    TxFacts {
        hash: tx.txid.to_ascii_lowercase(),
        from,
        to,
        nonce: None,
        value: sats(moved, chain),
        block,
        head: Some(tip),
        // A Bitcoin transaction in a block has fully taken effect.
        succeeded: block.map(|_| true),
        fee: Some(Fee::flat(sats(tx.fee, chain))),
        token_transfers: vec![],
        intended_transfer: None,
        failure: None,
        contract_created: None,
        congestion: None,
        solidified: None,
        expires_at_ms: None,
        observed_at_ms: None,
        family: FamilyFacts::Utxo(Box::new(UtxoFacts {
            vsize,
            weight: tx.weight,
            fee_rate: rate(tx.fee, vsize),
            rbf: tx
                .vin
                .iter()
                .any(|i| !i.is_coinbase && i.sequence < RBF_SEQUENCE_LIMIT),
            inputs,
            outputs,
            unconfirmed_parents: vec![],
            parents_unchecked: 0,
        })),
        payees: None,
        tokens_unread: 0,
    }
}

/// The newest replacement of `txid` in its RBF history, when `txid` is in
/// the tree and is not its root (the root is what the chain replaced it
/// with; it may itself be mined or still waiting).
pub fn replaced_by(history: &RbfHistory, txid: &str) -> Option<Respent> {
    let root = history.replacements.as_ref()?;
    if root.tx.txid.eq_ignore_ascii_case(txid)
        || !is_txid(&root.tx.txid)
        || !contains(root, txid, 0)
    {
        return None;
    }
    Some(Respent {
        by: root.tx.txid.to_ascii_lowercase(),
        mined: root.mined.or(root.tx.mined).unwrap_or(false),
    })
}

/// Whether `txid` is in the tree (depth-bounded: the answer is an endpoint's).
fn contains(tree: &RbfTree, txid: &str, depth: usize) -> bool {
    depth < 64
        && (tree.tx.txid.eq_ignore_ascii_case(txid)
            || tree.replaces.iter().any(|t| contains(t, txid, depth + 1)))
}

/// The transaction that spent a remembered coin, when it is not `txid`.
pub fn respent(spend: &Outspend, txid: &str) -> Option<Respent> {
    let by = spend.txid.as_deref().filter(|_| spend.spent)?;
    if by.eq_ignore_ascii_case(txid) || !is_txid(by) {
        return None;
    }
    Some(Respent {
        by: by.to_ascii_lowercase(),
        mined: spend.status.as_ref().is_some_and(|s| s.confirmed),
    })
}

fn is_txid(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The parent transactions to ask about: distinct, in input order.
pub fn parent_ids(tx: &Tx) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for i in tx.vin.iter().filter(|i| !i.is_coinbase) {
        if !ids.contains(&i.txid) {
            ids.push(i.txid.clone());
        }
    }
    ids
}

/// A parent as the package arithmetic needs it; `None` once confirmed.
pub fn unconfirmed_parent(tx: &Tx) -> Option<ParentTx> {
    (!tx.status.confirmed).then(|| {
        let vsize = vsize(tx.weight);
        ParentTx {
            txid: tx.txid.to_ascii_lowercase(),
            fee: tx.fee,
            vsize,
            fee_rate: rate(tx.fee, vsize),
        }
    })
}

/// Fee rates by target. mempool.space's projection is preferred; otherwise
/// Esplora's estimates, taking for each target the estimate of the nearest
/// target at or below it (never a slower, cheaper one).
pub fn fee_rates(
    recommended: Option<&Recommended>,
    estimates: Option<&FeeEstimates>,
) -> Option<FeeRates> {
    if let Some(r) = recommended {
        return Some(FeeRates {
            next_block: r.fastest_fee,
            half_hour: r.half_hour_fee,
            hour: r.hour_fee,
            day: Some(r.economy_fee),
            minimum: Some(r.minimum_fee),
        });
    }
    let estimates = estimates?;
    let mut by_target: Vec<(u64, f64)> = estimates
        .iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, *v)))
        .filter(|(_, v): &(u64, f64)| v.is_finite() && *v >= 0.0)
        .collect();
    by_target.sort_by_key(|(t, _)| *t);
    let at = |target: u64| {
        by_target
            .iter()
            .rev()
            .find(|(t, _)| *t <= target)
            .map(|(_, v)| *v)
    };
    Some(FeeRates {
        next_block: at(1).or_else(|| by_target.first().map(|(_, v)| *v))?,
        half_hour: at(3)?,
        hour: at(6)?,
        day: at(144),
        minimum: at(1008),
    })
}

/// The level from what the next block asks (sat/vB): at most 2 is an idle
/// network, 10 ordinary, 50 busy, more a fee spike. A backlog of more than
/// 50 blocks raises it one step; without fee figures the backlog alone decides.
pub fn congestion(rates: Option<FeeRates>, mempool: Option<&Mempool>) -> Option<Congestion> {
    let backlog_blocks = mempool.map(|m| m.vsize as f64 / BLOCK_VSIZE as f64);
    let by_fee = rates.map(|r| match r.next_block {
        x if x <= 2.0 => CongestionLevel::Low,
        x if x <= 10.0 => CongestionLevel::Normal,
        x if x <= 50.0 => CongestionLevel::High,
        _ => CongestionLevel::Extreme,
    });
    let by_backlog = backlog_blocks.map(|b| match b {
        b if b < 1.0 => CongestionLevel::Low,
        b if b < 10.0 => CongestionLevel::Normal,
        b if b < 50.0 => CongestionLevel::High,
        _ => CongestionLevel::Extreme,
    });
    let level = match (by_fee, backlog_blocks) {
        (Some(level), Some(b)) if b >= 50.0 => match level {
            CongestionLevel::Low => CongestionLevel::Normal,
            CongestionLevel::Normal => CongestionLevel::High,
            other => other,
        },
        (Some(level), _) => level,
        (None, _) => by_backlog?,
    };
    Some(Congestion {
        mempool: Some(Box::new(MempoolState {
            fee_rates: rates,
            backlog_vsize: mempool.map(|m| m.vsize),
            backlog_count: mempool.map(|m| m.count),
        })),
        ..Congestion::new(level)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};

    fn btc() -> Chain {
        parse(BUILTIN).unwrap().chain("btc").unwrap().clone()
    }

    fn tx(name: &str) -> Tx {
        let path = format!(
            "{}/tests/fixtures/bitcoin/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_payment_with_change_reads_as_a_transfer_to_the_payee() {
        let t = tx("tx_confirmed");
        let f = tx_facts(&t, &btc(), t.status.block_height.unwrap() + 2);
        let u = f.family.utxo().unwrap();
        assert_eq!(u.vsize, t.weight.div_ceil(4));
        assert_eq!(f.block, t.status.block_height);
        assert_eq!(f.succeeded, Some(true));
        let payee: Vec<_> = u.outputs.iter().filter(|o| !o.change).collect();
        assert_eq!(payee.len(), 1, "one payment, one change output");
        assert_eq!(f.to, payee[0].address);
        assert_eq!(f.value, payee[0].value);
        assert_eq!(f.from, u.inputs[0].address.clone().unwrap());
        assert_eq!(f.fee.as_ref().unwrap().total.symbol, "BTC");
        assert!((u.fee_rate - t.fee as f64 / u.vsize as f64).abs() < 1e-9);
        assert!(!u.rbf, "final sequences");
    }

    #[test]
    fn rbf_is_any_input_below_0xfffffffe() {
        let mut t = tx("tx_confirmed");
        t.vin[0].sequence = 0xffff_fffd;
        assert!(tx_facts(&t, &btc(), 1).family.utxo().unwrap().rbf);
        t.vin[0].sequence = 0xffff_fffe;
        assert!(
            !tx_facts(&t, &btc(), 1).family.utxo().unwrap().rbf,
            "locktime-only"
        );
    }

    #[test]
    fn a_coinbase_comes_from_coinbase() {
        let t = tx("tx_coinbase");
        let f = tx_facts(&t, &btc(), t.status.block_height.unwrap());
        assert_eq!(f.from, "coinbase");
        assert!(parent_ids(&t).is_empty());
        assert!(!f.family.utxo().unwrap().rbf);
    }

    #[test]
    fn estimates_fill_the_tiers_from_the_nearest_faster_target() {
        let est: FeeEstimates = serde_json::from_str(
            r#"{ "2": 87.882, "3": 80.0, "4": 70.0, "5": 60.0, "10": 1.027, "144": 1.0, "1008": 0.5 }"#,
        )
        .unwrap();
        let r = fee_rates(None, Some(&est)).unwrap();
        // No 1-block target: the fastest there is; no 6: the 5-block one.
        assert_eq!(
            (r.next_block, r.half_hour, r.hour, r.day, r.minimum),
            (87.882, 80.0, 60.0, Some(1.0), Some(0.5))
        );
        let rec = Recommended {
            fastest_fee: 9.0,
            half_hour_fee: 7.0,
            hour_fee: 5.0,
            economy_fee: 2.0,
            minimum_fee: 1.0,
        };
        assert_eq!(fee_rates(Some(&rec), Some(&est)).unwrap().next_block, 9.0);
        assert_eq!(fee_rates(None, None), None);
    }

    #[test]
    fn congestion_follows_the_next_block_rate_and_a_long_backlog() {
        let rates = |next| FeeRates {
            next_block: next,
            half_hour: next,
            hour: next,
            day: None,
            minimum: None,
        };
        let pool = |blocks: u64| Mempool {
            count: 1000,
            vsize: blocks * BLOCK_VSIZE,
        };
        let level = |r, m: Option<&Mempool>| congestion(r, m).unwrap().level;
        assert_eq!(
            level(Some(rates(1.5)), Some(&pool(3))),
            CongestionLevel::Low
        );
        assert_eq!(level(Some(rates(8.0)), None), CongestionLevel::Normal);
        assert_eq!(
            level(Some(rates(8.0)), Some(&pool(80))),
            CongestionLevel::High
        );
        assert_eq!(level(Some(rates(120.0)), None), CongestionLevel::Extreme);
        assert_eq!(level(None, Some(&pool(20))), CongestionLevel::High);
        assert!(congestion(None, None).is_none());
    }
}
