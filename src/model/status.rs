//! The contract's status and reason codes.

use serde::Serialize;

/// The status codes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Confirmed,
    Finalized,
    Failed,
    Replaced,
    Dropped,
    NotFound,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pending,
        Status::Confirmed,
        Status::Finalized,
        Status::Failed,
        Status::Replaced,
        Status::Dropped,
        Status::NotFound,
        Status::Unknown,
    ];

    /// The status `as_str` names (a stored case's, say).
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Finalized => "finalized",
            Status::Failed => "failed",
            Status::Replaced => "replaced",
            Status::Dropped => "dropped",
            Status::NotFound => "not_found",
            Status::Unknown => "unknown",
        }
    }
}

/// The reason codes of the contract (those this version can produce).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Included,
    Waiting,
    FeeBelowBaseFee,
    NonceGap,
    LowPriorityFee,
    LowFeeRate,
    UnconfirmedParent,
    Reverted,
    OutOfGas,
    OutOfEnergy,
    InsufficientFunds,
    InstructionError,
    /// Aptos: a Move module aborted the transaction (`failure` names it).
    MoveAbort,
    /// Substrate: a pallet refused the call (`failure.message` = `Pallet.Error`).
    ModuleError,
    Other,
    Replaced,
    Dropped,
    Expired,
    NotFound,
    EndpointsUnavailable,
    ChainMismatch,
    /// Substrate: the hash is not in the recent blocks searched.
    BeyondSearchWindow,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Included => "included",
            Reason::Waiting => "waiting",
            Reason::FeeBelowBaseFee => "fee_below_base_fee",
            Reason::NonceGap => "nonce_gap",
            Reason::LowPriorityFee => "low_priority_fee",
            Reason::LowFeeRate => "low_fee_rate",
            Reason::UnconfirmedParent => "unconfirmed_parent",
            Reason::Reverted => "reverted",
            Reason::OutOfGas => "out_of_gas",
            Reason::OutOfEnergy => "out_of_energy",
            Reason::InsufficientFunds => "insufficient_funds",
            Reason::InstructionError => "instruction_error",
            Reason::MoveAbort => "move_abort",
            Reason::ModuleError => "module_error",
            Reason::BeyondSearchWindow => "beyond_search_window",
            Reason::Other => "other",
            Reason::Replaced => "replaced",
            Reason::Dropped => "dropped",
            Reason::Expired => "expired",
            Reason::NotFound => "not_found",
            Reason::EndpointsUnavailable => "endpoints_unavailable",
            Reason::ChainMismatch => "chain_mismatch",
        }
    }
}
