//! What the endpoints of a chain said, as the rest of the program reads it:
//! one endpoint's answer (`Answer`) or failure (`EndpointFailure`, with its
//! `FaultKind`), a chain's verdict on a transaction (`ChainOutcome`) or an
//! address (`AddressOutcome`), and a search across chains (`Search`).

use alloy_primitives::B256;

use super::transport;
use crate::model::address::AddressFacts;
use crate::model::{Congestion, Respent, TxFacts, Vanished};

/// Why one endpoint could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFailure {
    /// Redacted URL.
    pub endpoint: String,
    pub what: String,
    pub kind: FaultKind,
}

/// What kind of fault an endpoint showed: a machine code beside the
/// message (the JSON warning's `kind`), and what decides the warning's code
/// (`chain_mismatch`, `inconsistent_answer`, `endpoint_failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Timeout,
    RateLimited,
    Connect,
    Http,
    /// Redirected elsewhere: not followed, so no key travels with it.
    Redirected,
    Undecodable,
    TooLarge,
    /// The node answered with an error of its own.
    NodeError,
    /// The endpoint answered for another chain.
    ChainMismatch,
    /// Too far behind the others (or not synced) to testify "not found".
    Lagging,
    /// Its answers contradict each other or the question: not evidence.
    Inconsistent,
    Other,
}

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Timeout => "timeout",
            FaultKind::RateLimited => "rate_limited",
            FaultKind::Connect => "connect",
            FaultKind::Http => "http",
            FaultKind::Redirected => "redirected",
            FaultKind::Undecodable => "undecodable",
            FaultKind::TooLarge => "too_large",
            FaultKind::NodeError => "node_error",
            FaultKind::ChainMismatch => "chain_mismatch",
            FaultKind::Lagging => "lagging",
            FaultKind::Inconsistent => "inconsistent",
            FaultKind::Other => "other",
        }
    }
}

impl EndpointFailure {
    /// A failure of `kind` (the endpoint is filled in by whoever asked it).
    pub fn new(kind: FaultKind, what: impl Into<String>) -> Self {
        EndpointFailure {
            endpoint: String::new(),
            what: what.into(),
            kind,
        }
    }

    /// The endpoint's answers disagree with the question or with each other.
    pub fn inconsistent(detail: impl Into<String>) -> Self {
        Self::new(FaultKind::Inconsistent, detail)
    }

    /// An endpoint-level error, with its kind.
    pub fn from_error(e: &transport::EndpointError) -> Self {
        Self::new(e.kind(), e.to_string())
    }

    /// The same failure with `context` ("eth_chainId: …") before its message.
    pub fn context(self, context: &str) -> Self {
        EndpointFailure {
            what: format!("{context}: {}", self.what),
            ..self
        }
    }
}

/// What one chain said about a query.
#[derive(Debug, Clone, PartialEq)]
pub enum ChainOutcome {
    Found {
        facts: Box<TxFacts>,
        endpoint: String,
        failures: Vec<EndpointFailure>,
    },
    /// At least one trusted endpoint answered that it does not know the hash.
    NotFound {
        endpoints: Vec<String>,
        failures: Vec<EndpointFailure>,
        congestion: Option<Congestion>,
        /// The transaction was seen pending by an earlier run: what became of it.
        vanished: Option<Box<Vanished>>,
        /// Another transaction spends its coins (Bitcoin RBF).
        respent: Option<Respent>,
    },
    /// No endpoint gave a usable answer.
    Unavailable { failures: Vec<EndpointFailure> },
    /// Not in the blocks that could be searched without an indexer (a
    /// Substrate hash): never "not found".
    Beyond {
        from: u64,
        to: u64,
        failures: Vec<EndpointFailure>,
    },
}

/// What one endpoint answered about a transaction.
pub enum Answer {
    Found(Box<TxFacts>),
    /// It does not know the transaction. `head`: its newest block (or slot),
    /// to tell a node that lags behind the others; the network's load, when asked.
    Unknown {
        head: Option<u64>,
        congestion: Option<Congestion>,
    },
}

/// What an address lookup reads: transfers back to `now - since_secs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressScope {
    pub since_secs: u64,
    /// Unix seconds.
    pub now: u64,
    /// The sender `--expect --from` names: where a family cannot list what
    /// an address received (Aptos), it reads what this sender sent.
    pub sender: Option<String>,
}

/// What one chain said about an address.
#[derive(Debug, Clone, PartialEq)]
pub enum AddressOutcome {
    Found {
        facts: Box<AddressFacts>,
        endpoint: String,
        failures: Vec<EndpointFailure>,
    },
    /// No endpoint gave a usable answer.
    Unavailable { failures: Vec<EndpointFailure> },
}

/// The outcome on every chain searched, in configuration order; when a chain
/// found the transaction, that chain's outcome and those that finished
/// before it or within `ALSO_ON_GRACE` after it (the same id may exist on
/// two chains: the report says so).
#[derive(Debug, Clone)]
pub struct Search {
    pub outcomes: Vec<(String, ChainOutcome)>,
}

/// How a transaction is named: a 32-byte hash (EVM, TRON, Bitcoin) or a
/// 64-byte signature (Solana, base58).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxKey {
    Hash(B256),
    Signature(String),
    /// An Aptos transaction by its ledger version.
    Version(u64),
    /// A Substrate extrinsic by its block and index.
    Extrinsic {
        block: u64,
        index: u32,
    },
}
