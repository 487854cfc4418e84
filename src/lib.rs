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
//! - [`query`] recognises hashes and explorer links (pure; no network).
//! - [`chain`] does all network I/O: [`chain::rpc`] is the shared JSON-RPC
//!   client, [`chain::evm`] the EVM adapter (`wire` types, pure `convert`).
//! - [`model`] holds chain-neutral facts; [`diagnose`] turns them into the
//!   contract's status and reason codes; [`render`] prints them.
//! - [`memory`] remembers pending transactions between runs (the only state
//!   on disk), so a hash the network forgets reads replaced or dropped.
//! - [`commands`] holds one file per subcommand; [`exit`] the exit codes.

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
pub mod log;
pub mod memory;
pub mod model;
pub mod query;
pub mod render;
pub mod safe;
pub mod secrets;
pub mod settings;
