//! Pure formats that several layers read and write: address encodings
//! (TRON base58check, Bitcoin-style base58check and bech32) and endpoint URL
//! redaction. The lowest layer: it depends on nothing else in the crate, so
//! that configuration, query parsing and the chain adapters can all use it
//! without depending on each other.

pub mod ss58;
pub mod tron_address;
pub mod url;
pub mod utxo_address;
