//! The integration tests, as one binary (one link, one copy of the shared
//! harness in `common`): the txdoctor binary against real anvil nodes and
//! in-process fakes of the TRON, Esplora and Solana APIs. Run one area with
//! `cargo test --test it check_evm::` (or any test name).

mod common;

mod address_evm;
mod batch_evm;
mod batch_families;
mod browser;
mod cases;
mod chains_cmd;
mod check_antelope;
mod check_aptos;
mod check_bitcoin;
mod check_evm;
mod check_solana;
mod check_substrate;
mod check_tron;
mod endpoint_faults;
mod family_faults;
mod fuzz;
mod hostile_input;
mod lying_endpoints;
mod pending_evm;
mod replies;
mod serve;
mod terminal;
