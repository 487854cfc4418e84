//! txdoctor answers "where is my transfer?" from whatever the customer pasted.
//!
//! Data flows one way:
//!
//! ```text
//! input ──query──▶ Query ──chain (I/O)──▶ TxFacts ──diagnose──▶ TxReport ──render──▶ text / JSON
//! ```
//!
//! - [`cli`] and [`settings`] turn flags, chains.toml ([`config`]) and the
//!   environment into one resolved `Settings`.
//! - [`query`] recognises hashes, addresses and explorer links (pure).
//! - [`chain`] does all network I/O, and owns every family: one folder a
//!   family — `chain/evm`, `chain/tron`, `chain/bitcoin`, `chain/solana` —
//!   with its requests, `wire` types, pure `convert`, `verify` (is an answer
//!   evidence?) and `explain` (its rows and sentences), behind one
//!   `impl ChainFamily` (`chain/family.rs`: the seam, and `of`, the registry).
//!   Neutral code asks the family and never matches on it. `chain/spec.rs`
//!   is what a chain is; `chain/transport` the shared client (endpoint,
//!   errors, JSON-RPC framing, HTTP, pacing, coalescing); `race` asks a
//!   chain's endpoints in turn, `outcome` is what they said.
//! - [`codec`] holds the pure formats every layer may use (address
//!   encodings, URL redaction); it depends on nothing else. [`i18n`] holds
//!   the string tables, a leaf too.
//! - [`model`] holds the facts and the report (what only a family knows
//!   travels in one carrier, `FamilyFacts`); [`diagnose`] turns facts into
//!   the contract's status and reason codes; [`render`] prints them;
//!   [`safe`] makes chain text safe to show.
//! - [`app`] holds the use cases every interface shares (look a query up
//!   within its deadline, keep the memory, show reports); [`commands`] are
//!   arguments → app → writer, one file per subcommand, never importing
//!   each other; [`exit`] the exit codes.
//! - [`memory`] remembers pending transactions between runs (the only state
//!   on disk), so a hash the network forgets reads replaced or dropped.

// No panic reachable from input, config or the network (issue 18): no
// unwrap or expect outside tests; the few `unreachable!` left guard
// invariants the types cannot express.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod chain;
pub mod cli;
pub mod codec;
pub mod commands;
pub mod config;
pub mod diagnose;
pub mod exit;
pub mod i18n;
pub mod log;
pub mod memory;
pub mod model;
pub mod query;
pub mod render;
pub mod safe;
pub mod secrets;
pub mod settings;
