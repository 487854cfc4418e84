//! Why a pending EVM transaction is still waiting, and the numbers that fix
//! it. Pure: the adapter gathered the transaction's fees, the next block's
//! base fee, the tips recent blocks paid and the sender's nonces; this module
//! picks the reason and computes a replacement that nodes will accept.
//!
//! The order of the checks is the order in which the causes block: a missing
//! earlier nonce stops the transaction whatever it pays; a max fee below the
//! base fee stops it whatever the tip; a low tip only slows it down.

use alloy_primitives::U256;

use crate::chain::spec::Chain;
use crate::model::{PendingFacts, Reason, SenderNonce, TipLevels, TxFacts};

/// The diagnosis of a transaction still waiting for a block.
pub fn assessment(facts: &TxFacts, chain: &Chain) -> Option<Assessment> {
    match (facts.block, facts.family.pending()) {
        (None, Some(p)) => Some(assess(p, facts.nonce.unwrap_or_default(), chain)),
        _ => None,
    }
}

/// Nodes replace a pooled transaction only when the new one raises both the
/// max fee and the tip by at least this many percent (geth's `PriceBump`).
pub const REPLACEMENT_BUMP_PCT: u64 = 10;

/// Suggested prices keep this many significant digits, rounded up, so that a
/// person can type them ("42.4 gwei", not "42.398117731 gwei").
const SIGNIFICANT_DIGITS: u32 = 3;

pub use crate::model::assessment::pending::{Assessment, FeeSuggestion, NonceRange};

pub fn assess(facts: &PendingFacts, nonce: u64, chain: &Chain) -> Assessment {
    let (missing, ahead_in_pool) = nonce_gaps(facts.sender_nonce, nonce);
    let base = facts.next_base_fee.unwrap_or_default();
    let effective_tip = effective_tip(facts, base);
    let offered_max = facts.max_fee_per_gas.or(facts.gas_price);

    let reason = if !missing.is_empty() {
        Reason::NonceGap
    } else if offered_max.is_some_and(|m| !base.is_zero() && m < base) {
        Reason::FeeBelowBaseFee
    } else if tip_is_low(effective_tip, facts.recent_tips) {
        Reason::LowPriorityFee
    } else {
        Reason::Waiting
    };
    let eta_seconds = (reason == Reason::Waiting && ahead_in_pool.is_empty()).then(|| {
        (chain.confirmations as f64 * chain.block_time_secs)
            .ceil()
            .max(1.0) as u64
    });
    Assessment {
        reason,
        nonce,
        facts: facts.clone(),
        missing,
        ahead_in_pool,
        effective_tip,
        speed_up: speed_up(facts, base),
        fresh: fresh(facts, base),
        eta_seconds,
    }
}

/// Missing nonces are those below this one that the node holds neither as
/// confirmed (`latest`) nor in its pool without a gap (`pending`).
fn nonce_gaps(sender: Option<SenderNonce>, nonce: u64) -> (NonceRange, NonceRange) {
    let empty = NonceRange {
        start: nonce,
        end: nonce,
    };
    let Some(SenderNonce { latest, pending }) = sender else {
        return (empty, empty);
    };
    if latest >= nonce {
        return (empty, empty);
    }
    let pool_end = pending.clamp(latest, nonce);
    (
        NonceRange {
            start: pool_end,
            end: nonce,
        },
        NonceRange {
            start: latest,
            end: pool_end,
        },
    )
}

fn effective_tip(facts: &PendingFacts, base: U256) -> Option<U256> {
    match (
        facts.max_fee_per_gas,
        facts.max_priority_fee_per_gas,
        facts.gas_price,
    ) {
        (Some(max), Some(tip), _) => Some(tip.min(max.saturating_sub(base))),
        (_, _, Some(price)) => Some(price.saturating_sub(base)),
        _ => None,
    }
}

/// Well below what recent blocks paid: under their 10th percentile and under
/// half their median. Chains where many transactions pay no tip at all
/// (Arbitrum orders first come, first served) have a 10th percentile of zero
/// and never trip this.
fn tip_is_low(tip: Option<U256>, recent: Option<TipLevels>) -> bool {
    match (tip, recent) {
        (Some(tip), Some(r)) => {
            !r.p50.is_zero() && tip < r.p10 && tip.saturating_mul(U256::from(2)) < r.p50
        }
        _ => false,
    }
}

/// `x` raised by the replacement bump, rounded up.
fn bumped(x: U256) -> U256 {
    // Saturating: fees are what an endpoint answered, up to 2^256.
    x.saturating_mul(U256::from(100 + REPLACEMENT_BUMP_PCT))
        .div_ceil(U256::from(100))
}

/// What a new transaction should offer: the median recent tip, and a max fee
/// of twice the next base fee plus that tip (the usual wallet rule, which
/// survives six full blocks of base-fee rises).
fn market(base: U256, recent: Option<TipLevels>) -> (U256, U256) {
    let tip = recent.map(|r| r.p50).unwrap_or_default();
    (tip, twice_plus(base, tip))
}

/// `2 × base + tip`, saturating.
fn twice_plus(base: U256, tip: U256) -> U256 {
    base.saturating_mul(U256::from(2)).saturating_add(tip)
}

fn speed_up(facts: &PendingFacts, base: U256) -> Option<FeeSuggestion> {
    let (market_tip, market_max) = market(base, facts.recent_tips);
    match (
        facts.max_fee_per_gas,
        facts.max_priority_fee_per_gas,
        facts.gas_price,
    ) {
        (Some(max), Some(tip), _) => {
            let tip = round_up(bumped(tip).max(market_tip));
            let max = round_up(bumped(max).max(twice_plus(base, tip)));
            Some(FeeSuggestion::Eip1559 { max_fee: max, tip })
        }
        (_, _, Some(price)) => Some(FeeSuggestion::Legacy {
            gas_price: round_up(bumped(price).max(market_max)),
        }),
        _ => None,
    }
}

fn fresh(facts: &PendingFacts, base: U256) -> Option<FeeSuggestion> {
    let (tip, max) = market(base, facts.recent_tips);
    if facts.max_fee_per_gas.is_some() {
        // Without fee history, the transaction's own tip is the best guess.
        let tip = if facts.recent_tips.is_some() {
            tip
        } else {
            facts.max_priority_fee_per_gas.unwrap_or_default()
        };
        let max = twice_plus(base, tip).max(max);
        Some(FeeSuggestion::Eip1559 {
            max_fee: round_up(max),
            tip: round_up(tip),
        })
    } else {
        let price = max.max(facts.gas_price.unwrap_or_default());
        Some(FeeSuggestion::Legacy {
            gas_price: round_up(price),
        })
    }
}

/// Rounds up to `SIGNIFICANT_DIGITS` significant digits (never down: a
/// suggestion must stay at or above the minimum it was computed from).
pub fn round_up(x: U256) -> U256 {
    let digits = x.to_string().len() as u32;
    if digits <= SIGNIFICANT_DIGITS {
        return x;
    }
    let unit = U256::from(10).pow(U256::from(digits - SIGNIFICANT_DIGITS));
    x.div_ceil(unit).saturating_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};

    const GWEI: u64 = 1_000_000_000;

    fn gwei(x: f64) -> U256 {
        U256::from((x * GWEI as f64).round() as u64)
    }

    fn eth() -> Chain {
        parse(BUILTIN).unwrap().chain("eth").unwrap().clone()
    }

    fn tips(p10: f64, p50: f64, p90: f64) -> Option<TipLevels> {
        Some(TipLevels {
            p10: gwei(p10),
            p50: gwei(p50),
            p90: gwei(p90),
        })
    }

    fn eip1559(max: f64, tip: f64, base: f64, nonce: (u64, u64)) -> PendingFacts {
        PendingFacts {
            max_fee_per_gas: Some(gwei(max)),
            max_priority_fee_per_gas: Some(gwei(tip)),
            gas_price: None,
            next_base_fee: Some(gwei(base)),
            recent_tips: tips(0.5, 1.0, 3.0),
            sender_nonce: Some(SenderNonce {
                latest: nonce.0,
                pending: nonce.1,
            }),
        }
    }

    #[test]
    fn issue_18_fee_arithmetic_saturates_on_wild_values() {
        assert_eq!(
            bumped(U256::MAX),
            U256::MAX / U256::from(100) + U256::from(1)
        );
        assert_eq!(twice_plus(U256::MAX, U256::from(1)), U256::MAX);
        assert_eq!(round_up(U256::MAX), U256::MAX);
        assert!(!tip_is_low(
            Some(U256::MAX),
            Some(TipLevels {
                p10: U256::MAX,
                p50: U256::MAX,
                p90: U256::MAX
            })
        ));
    }

    #[test]
    fn max_fee_below_the_next_base_fee() {
        let a = assess(&eip1559(20.0, 1.0, 35.2, (7, 7)), 7, &eth());
        assert_eq!(a.reason, Reason::FeeBelowBaseFee);
        assert_eq!(a.eta_seconds, None, "no honest ETA for a stuck transaction");
        // Replacement: tip max(1.1, 1.0) = 1.1; max fee max(22, 2 × 35.2 + 1.1 = 71.5).
        assert_eq!(
            a.speed_up,
            Some(FeeSuggestion::Eip1559 {
                max_fee: gwei(71.5),
                tip: gwei(1.1)
            })
        );
    }

    #[test]
    fn missing_earlier_nonces_come_first() {
        // Confirmed up to 4 (latest 5), 5 and 6 never received, this is 7.
        let a = assess(&eip1559(20.0, 1.0, 35.2, (5, 5)), 7, &eth());
        assert_eq!(a.reason, Reason::NonceGap, "a gap blocks whatever the fee");
        assert_eq!(a.missing.iter().collect::<Vec<_>>(), [5, 6]);
        assert!(a.ahead_in_pool.is_empty());
        // 5 in the pool, 6 missing.
        let a = assess(&eip1559(80.0, 1.0, 35.2, (5, 6)), 7, &eth());
        assert_eq!(a.reason, Reason::NonceGap);
        assert_eq!(a.missing.iter().collect::<Vec<_>>(), [6]);
        assert_eq!(a.ahead_in_pool.iter().collect::<Vec<_>>(), [5]);
        // 5 and 6 in the pool: no gap, it waits its turn (no ETA: depends on them).
        let a = assess(&eip1559(80.0, 1.0, 35.2, (5, 8)), 7, &eth());
        assert_eq!(a.reason, Reason::Waiting);
        assert!(a.missing.is_empty());
        assert_eq!(a.ahead_in_pool.len(), 2);
        assert_eq!(a.eta_seconds, None);
    }

    #[test]
    fn a_tip_far_below_recent_blocks_is_low() {
        let a = assess(&eip1559(80.0, 0.01, 35.2, (7, 8)), 7, &eth());
        assert_eq!(a.reason, Reason::LowPriorityFee);
        assert_eq!(a.effective_tip, Some(gwei(0.01)));
        assert_eq!(
            a.speed_up,
            Some(FeeSuggestion::Eip1559 {
                max_fee: gwei(88.0),
                tip: gwei(1.0)
            }),
            "tip raised to the median, max fee by 10%"
        );
        // Half the median is not "far below" if it is above the 10th percentile.
        let mut f = eip1559(80.0, 0.6, 35.2, (7, 8));
        assert_eq!(assess(&f, 7, &eth()).reason, Reason::Waiting);
        // A max fee that leaves little room above the base fee caps the tip.
        f.max_fee_per_gas = Some(gwei(35.3));
        assert_eq!(assess(&f, 7, &eth()).reason, Reason::LowPriorityFee);
        // Where most transactions pay no tip, no tip is not low.
        f.recent_tips = tips(0.0, 0.0, 0.1);
        f.max_fee_per_gas = Some(gwei(80.0));
        assert_eq!(assess(&f, 7, &eth()).reason, Reason::Waiting);
    }

    #[test]
    fn a_healthy_transaction_waits_with_an_eta() {
        let a = assess(&eip1559(80.0, 2.0, 35.2, (7, 8)), 7, &eth());
        assert_eq!(a.reason, Reason::Waiting);
        assert_eq!(a.eta_seconds, Some(64 * 12));
    }

    #[test]
    fn legacy_transactions_and_chains_without_a_base_fee() {
        let bsc = parse(BUILTIN).unwrap().chain("bsc").unwrap().clone();
        let f = PendingFacts {
            gas_price: Some(gwei(0.04)),
            next_base_fee: Some(U256::ZERO),
            recent_tips: tips(0.1, 0.1, 1.0),
            sender_nonce: Some(SenderNonce {
                latest: 3,
                pending: 4,
            }),
            ..Default::default()
        };
        let a = assess(&f, 3, &bsc);
        assert_eq!(a.reason, Reason::LowPriorityFee);
        assert_eq!(
            a.speed_up,
            Some(FeeSuggestion::Legacy {
                gas_price: gwei(0.1)
            })
        );
        // Without nonce answers there is no gap verdict, only the fee checks.
        let f = PendingFacts {
            sender_nonce: None,
            gas_price: Some(gwei(1.0)),
            ..f
        };
        assert_eq!(assess(&f, 3, &bsc).reason, Reason::Waiting);
    }

    #[test]
    fn suggestions_round_up_to_three_significant_digits() {
        assert_eq!(round_up(U256::from(42_345_678_901u64)), gwei(42.4));
        assert_eq!(round_up(U256::from(42_300_000_000u64)), gwei(42.3));
        assert_eq!(round_up(U256::from(5_123_400u64)), U256::from(5_130_000u64));
        assert_eq!(round_up(U256::from(999u64)), U256::from(999u64));
        assert_eq!(bumped(U256::from(7u64)), U256::from(8u64), "rounded up");
        assert_eq!(bumped(gwei(20.0)), gwei(22.0));
    }

    #[test]
    fn fresh_prices_follow_the_market() {
        let a = assess(&eip1559(20.0, 1.0, 35.2, (5, 5)), 7, &eth());
        assert_eq!(
            a.fresh,
            Some(FeeSuggestion::Eip1559 {
                max_fee: gwei(71.4),
                tip: gwei(1.0)
            })
        );
    }
}
