//! Why a pending Bitcoin-style transaction waits, and the fee that fixes it.
//! Pure: the adapter gathered the transaction's fee and size, its
//! unconfirmed parents and the fee rates the next blocks ask for.
//!
//! Miners take a transaction together with its unconfirmed ancestors, so
//! what counts is the lower of its own rate and the rate of the package
//! (parents plus itself). A rate enough for the next six blocks is a
//! healthy wait; below it the reason is the parent when the parents drag the
//! package down, else the transaction's own low rate.

use crate::chain::spec::Chain;
use crate::model::{FeeRates, Reason, TxFacts, UtxoFacts};

/// The fee-rate diagnosis of a Bitcoin-style transaction still waiting.
pub fn assessment(facts: &TxFacts, chain: &Chain) -> Option<Assessment> {
    let u = facts.family.utxo().filter(|_| facts.block.is_none())?;
    let fee = facts
        .fee
        .as_ref()
        .map_or(0, |f| u64::try_from(f.total.raw).unwrap_or(u64::MAX));
    let rates = facts
        .congestion
        .as_ref()
        .and_then(|c| c.mempool.as_ref())
        .and_then(|m| m.fee_rates);
    Some(assess(u, fee, rates, chain))
}

/// The virtual size assumed for the spend that pulls a stuck transaction
/// through (child pays for parent): one segwit input, one segwit output.
pub const CHILD_VSIZE: u64 = 110;

/// BIP-125 rule 4: a replacement pays for its own relay on top of the fee it
/// replaces, at the incremental relay fee (1 sat/vB by default; newer nodes
/// ask less, so this is safe everywhere).
pub const INCREMENTAL_RELAY_SAT_VB: f64 = 1.0;

/// Nodes drop a transaction that has waited this long (Bitcoin Core's
/// `-mempoolexpiry` default: 336 hours).
pub const MEMPOOL_EXPIRY_DAYS: u64 = 14;

pub use crate::model::assessment::utxo::{Assessment, Bump, Child};

pub fn assess(u: &UtxoFacts, fee: u64, rates: Option<FeeRates>, chain: &Chain) -> Assessment {
    let parent_fee: u64 = u
        .unconfirmed_parents
        .iter()
        .map(|p| p.fee)
        .fold(0, u64::saturating_add);
    let parent_vsize: u64 = u
        .unconfirmed_parents
        .iter()
        .map(|p| p.vsize)
        .fold(0, u64::saturating_add);
    // Sums of figures an endpoint gave: saturating, so a nonsense answer
    // gives a nonsense rate, not a crash.
    let package_fee = parent_fee.saturating_add(fee);
    let package_vsize = parent_vsize.saturating_add(u.vsize);
    let package_rate = package_fee as f64 / package_vsize.max(1) as f64;
    let effective_rate = u.fee_rate.min(package_rate);
    let blocks = |n: u64| (n as f64 * chain.block_time_secs).ceil() as u64;
    let first_blocks = rates.and_then(|r| {
        [
            (r.next_block, 1),
            (r.half_hour, 3),
            (r.hour, 6),
            (r.day.unwrap_or(f64::INFINITY), 144),
        ]
        .into_iter()
        .find(|(rate, _)| effective_rate >= *rate)
        .map(|(_, n)| n)
    });
    let reason = match rates {
        Some(r) if effective_rate < r.hour => {
            if !u.unconfirmed_parents.is_empty() && package_rate < u.fee_rate {
                Reason::UnconfirmedParent
            } else {
                Reason::LowFeeRate
            }
        }
        _ => Reason::Waiting,
    };
    let stuck = reason != Reason::Waiting;
    let target_rate = rates.map(|r| ceil_tenth(r.half_hour.max(r.hour)));
    let bump = target_rate.filter(|_| stuck).map(|target| {
        // Enough for the package at the target, and more than the original
        // by the relay fee of its own size.
        let for_package = (target * package_vsize as f64).ceil() as u64;
        let fee = for_package
            .saturating_sub(parent_fee)
            .max(fee.saturating_add((INCREMENTAL_RELAY_SAT_VB * u.vsize as f64).ceil() as u64));
        Bump {
            fee_rate: ceil_tenth(fee as f64 / u.vsize.max(1) as f64),
            fee,
        }
    });
    let child = target_rate.filter(|_| stuck).and_then(|target| {
        let package = (target * package_vsize.saturating_add(CHILD_VSIZE) as f64).ceil() as u64;
        let fee = package.checked_sub(package_fee).filter(|f| *f > 0)?;
        Some(Child {
            fee_rate: ceil_tenth(fee as f64 / CHILD_VSIZE as f64),
            fee,
            vsize: CHILD_VSIZE,
        })
    });
    Assessment {
        reason,
        fee_rate: u.fee_rate,
        effective_rate,
        rbf: u.rbf,
        rates,
        parent: (reason == Reason::UnconfirmedParent)
            .then(|| {
                u.unconfirmed_parents
                    .iter()
                    .min_by(|a, b| a.fee_rate.total_cmp(&b.fee_rate))
                    .cloned()
            })
            .flatten(),
        target_rate,
        bump,
        child,
        first_confirmation_blocks: first_blocks,
        first_confirmation_secs: first_blocks.map(blocks),
        eta_seconds: first_blocks.map(|n| blocks(n + chain.confirmations.saturating_sub(1))),
        below_minimum: rates
            .and_then(|r| r.minimum)
            .is_some_and(|m| effective_rate < m),
    }
}

/// Rounds a rate up to one decimal (0.1 sat/vB), so that paying the shown
/// figure is always enough.
pub fn ceil_tenth(x: f64) -> f64 {
    // Guard against 25.000000001 becoming 25.1.
    ((x * 10.0 - 1e-9).ceil() / 10.0).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};
    use crate::model::ParentTx;

    fn btc() -> Chain {
        parse(BUILTIN).unwrap().chain("btc").unwrap().clone()
    }

    fn rates() -> FeeRates {
        FeeRates {
            next_block: 12.0,
            half_hour: 10.0,
            hour: 8.0,
            day: Some(4.0),
            minimum: Some(2.0),
        }
    }

    fn facts(fee: u64, vsize: u64, rbf: bool, parents: Vec<ParentTx>) -> UtxoFacts {
        UtxoFacts {
            vsize,
            weight: vsize * 4,
            fee_rate: fee as f64 / vsize as f64,
            rbf,
            inputs: vec![],
            outputs: vec![],
            unconfirmed_parents: parents,
            parents_unchecked: 0,
        }
    }

    #[test]
    fn a_rate_for_the_next_block_waits_about_one_block() {
        let a = assess(&facts(2520, 168, true, vec![]), 2520, Some(rates()), &btc());
        assert_eq!(a.reason, Reason::Waiting);
        assert_eq!(a.first_confirmation_secs, Some(600));
        assert_eq!(a.eta_seconds, Some(3600), "six blocks to final");
        assert_eq!((a.bump, a.child), (None, None));
    }

    #[test]
    fn a_low_rate_gets_a_bump_that_nodes_accept_and_a_cpfp_child() {
        // 2 sat/vB on 226 vB, the market at 8 for the hour, 10 for half an hour.
        let a = assess(&facts(452, 226, true, vec![]), 452, Some(rates()), &btc());
        assert_eq!(a.reason, Reason::LowFeeRate);
        assert_eq!(a.target_rate, Some(10.0));
        assert_eq!(
            a.bump,
            Some(Bump {
                fee_rate: 10.0,
                fee: 2260
            })
        );
        // 10 × (226 + 110) − 452 = 2908 sats over 110 vB = 26.44 → 26.5.
        assert_eq!(
            a.child,
            Some(Child {
                fee_rate: 26.5,
                fee: 2908,
                vsize: 110
            })
        );
        assert_eq!(a.first_confirmation_secs, None, "below even the day rate");
        assert!(!a.below_minimum, "2 is the minimum itself");
        // Between the day and hour rates: about a day.
        let slow = assess(&facts(705, 141, false, vec![]), 705, Some(rates()), &btc());
        assert_eq!(slow.reason, Reason::LowFeeRate);
        assert_eq!(slow.first_confirmation_secs, Some(144 * 600));
    }

    #[test]
    fn a_bump_always_adds_the_relay_fee_for_its_own_size() {
        // Already at 9.9 sat/vB: the target 10 alone would add less than 1 sat/vB.
        let r = FeeRates {
            hour: 10.5,
            half_hour: 10.0,
            ..rates()
        };
        let a = assess(&facts(990, 100, true, vec![]), 990, Some(r), &btc());
        assert_eq!(a.reason, Reason::LowFeeRate);
        assert_eq!(a.target_rate, Some(10.5));
        assert_eq!(a.bump.unwrap().fee, 1090, "990 + 1 sat/vB × 100 vB");
    }

    #[test]
    fn a_cheap_parent_holds_back_a_child_that_pays_well() {
        let parent = ParentTx {
            txid: "aa".repeat(32),
            fee: 282,
            vsize: 141,
            fee_rate: 2.0,
        };
        let a = assess(
            &facts(1500, 150, false, vec![parent.clone()]),
            1500,
            Some(rates()),
            &btc(),
        );
        assert_eq!(a.reason, Reason::UnconfirmedParent);
        assert_eq!(a.parent, Some(parent));
        // (282 + 1500) / (141 + 150) = 6.12 sat/vB for the pair.
        assert!((a.effective_rate - 1782.0 / 291.0).abs() < 1e-9);
        // 10 × (141 + 150 + 110) − 1782 = 2228 sats: 20.25 → 20.3 sat/vB.
        assert_eq!(a.child.unwrap().fee, 2228);
        assert_eq!(a.child.unwrap().fee_rate, 20.3);
        // Replacing the child instead: 10 × 291 − 282 = 2628 sats.
        assert_eq!(a.bump.unwrap().fee, 2628);
    }

    #[test]
    fn without_fee_figures_it_is_only_waiting() {
        let a = assess(&facts(452, 226, true, vec![]), 452, None, &btc());
        assert_eq!(a.reason, Reason::Waiting);
        assert_eq!((a.eta_seconds, a.bump, a.child), (None, None, None));
    }

    #[test]
    fn rounding_up_to_a_tenth_never_shows_less() {
        assert_eq!(ceil_tenth(26.436), 26.5);
        assert_eq!(ceil_tenth(10.0), 10.0);
        assert_eq!(ceil_tenth(20.000000000001), 20.0);
    }
}
