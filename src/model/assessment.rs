//! What the diagnosis concludes about a transaction still waiting — the
//! reason, the figures behind it, the fees that would move it — as plain
//! data in the report. The families (`chain/evm/pending.rs`,
//! `chain/bitcoin/utxo.rs`) compute them; renderers read them. Here so that the report (model) does not
//! depend on the diagnosis code.

/// Why a transaction waits and what would move it, as its family concludes:
/// the one carrier of family assessments on `TxReport`. A family with an
/// assessment of its own adds one arm.
#[derive(Debug, Clone, PartialEq)]
pub enum Waiting {
    Evm(Box<pending::Assessment>),
    Utxo(Box<utxo::Assessment>),
}

impl Waiting {
    pub fn evm(&self) -> Option<&pending::Assessment> {
        match self {
            Waiting::Evm(a) => Some(a),
            Waiting::Utxo(_) => None,
        }
    }

    pub fn utxo(&self) -> Option<&utxo::Assessment> {
        match self {
            Waiting::Utxo(a) => Some(a),
            Waiting::Evm(_) => None,
        }
    }
}

/// A pending EVM-style transaction: nonces, fees, what to offer.
pub mod pending {
    use alloy_primitives::U256;

    use crate::model::{PendingFacts, Reason};

    /// A price per gas to send with, in wei.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum FeeSuggestion {
        Eip1559 { max_fee: U256, tip: U256 },
        Legacy { gas_price: U256 },
    }

    /// Nonce lists longer than this are cut (a mistyped nonce can open a gap of millions).
    pub const MAX_LISTED_NONCES: u64 = 1000;

    /// A half-open range of nonces `[start, end)`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct NonceRange {
        pub start: u64,
        pub end: u64,
    }

    impl NonceRange {
        pub fn len(&self) -> u64 {
            self.end.saturating_sub(self.start)
        }

        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }

        pub fn iter(&self) -> impl Iterator<Item = u64> {
            self.start..self.end
        }
    }

    /// The diagnosis of one pending transaction.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Assessment {
        pub reason: Reason,
        pub nonce: u64,
        pub facts: PendingFacts,
        /// Earlier nonces the node has never received: they must be sent first.
        pub missing: NonceRange,
        /// Earlier nonces waiting in the pool ahead of this one.
        pub ahead_in_pool: NonceRange,
        /// What the transaction can pay the block producer per gas after the base fee.
        pub effective_tip: Option<U256>,
        /// A replacement (same nonce) that nodes accept and blocks include now.
        pub speed_up: Option<FeeSuggestion>,
        /// Prices for a new transaction (a missing nonce, a cancel) at today's rates.
        pub fresh: Option<FeeSuggestion>,
        pub eta_seconds: Option<u64>,
    }
}

/// A pending Bitcoin-style transaction: fee rates, RBF and CPFP.
pub mod utxo {
    use crate::model::{FeeRates, ParentTx, Reason};

    /// A replacement of the transaction itself (RBF).
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Bump {
        /// sat/vB of the replacement, same size as the original.
        pub fee_rate: f64,
        /// Total fee in satoshis.
        pub fee: u64,
    }

    /// A new transaction spending one of its outputs (CPFP).
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Child {
        pub fee_rate: f64,
        pub fee: u64,
        pub vsize: u64,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Assessment {
        pub reason: Reason,
        /// What it pays itself, and what counts with its unconfirmed parents.
        pub fee_rate: f64,
        pub effective_rate: f64,
        pub rbf: bool,
        pub rates: Option<FeeRates>,
        /// The unconfirmed parent paying the least, when parents hold it back.
        pub parent: Option<ParentTx>,
        /// The rate to aim for: the one for confirmation within about three blocks.
        pub target_rate: Option<f64>,
        pub bump: Option<Bump>,
        pub child: Option<Child>,
        /// Blocks to the first confirmation at the current rates: the target
        /// whose rate it reaches (1, 3, 6 or 144), and the same in seconds.
        pub first_confirmation_blocks: Option<u64>,
        pub first_confirmation_secs: Option<u64>,
        /// Seconds to the chain's required confirmations.
        pub eta_seconds: Option<u64>,
        /// Pays less than the lowest rate nodes keep now: may be dropped early.
        pub below_minimum: bool,
    }
}
