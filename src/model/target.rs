//! What a query names, once parsed: a transaction id or an account address
//! of some family's kind. The chain families decide which chains can hold
//! it (`ChainFamily::holds`); `query` parses text into it.

use alloy_primitives::{Address, B256};

use crate::codec::utxo_address::Decoded;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A 32-byte transaction id. With `0x` it is an EVM hash; without, it may
    /// also be a TRON or Bitcoin transaction id (all are 64 hex digits).
    Tx { hash: B256, prefixed: bool },
    /// A 20-byte EVM account address.
    EvmAddress(Address),
    /// A TRON account: the 20 bytes after the `0x41` prefix.
    TronAddress(Address),
    /// A Bitcoin-style address (base58 or segwit), checksum verified; which
    /// chains it belongs to depends on their configured formats.
    UtxoAddress { address: String, decoded: Decoded },
    /// A Solana transaction signature: base58 of 64 bytes.
    Signature(String),
    /// A Solana account: base58 of 32 bytes.
    SolanaAddress(String),
    /// An Aptos account: `0x` + 64 lower-case hex digits (short forms padded).
    AptosAddress(String),
    /// An Aptos transaction by its ledger version (an explorer link's number).
    AptosVersion(u64),
    /// An Antelope account name (1–12 of `a-z`, `1-5`, `.`).
    AntelopeAccount(String),
    /// A Substrate (SS58) account, checksum verified, with its network prefix.
    SubstrateAddress { address: String, prefix: u16 },
    /// A Substrate extrinsic by its place: `{block}-{index}`.
    Extrinsic { block: u64, index: u32 },
}

impl Target {
    /// A reading that ordinary words also have (an Antelope account name
    /// such as "money"): taken only when it is the whole query, never
    /// picked out of a message.
    pub fn is_weak(&self) -> bool {
        matches!(self, Target::AntelopeAccount(_))
    }

    /// Whether it names a transaction (else an account).
    pub fn is_tx(&self) -> bool {
        matches!(
            self,
            Target::Tx { .. }
                | Target::Signature(_)
                | Target::AptosVersion(_)
                | Target::Extrinsic { .. }
        )
    }

    /// "an EVM address" and the like, for errors.
    pub fn describe(&self) -> &'static str {
        match self {
            Target::Tx { prefixed: true, .. } => "an EVM transaction hash",
            Target::Tx { .. } => "a transaction id",
            Target::EvmAddress(_) => "an EVM address",
            Target::TronAddress(_) => "a TRON address",
            Target::Signature(_) => "a Solana signature",
            Target::SolanaAddress(_) => "a Solana address",
            Target::AptosAddress(_) => "an Aptos account address",
            Target::AptosVersion(_) => "an Aptos transaction version",
            Target::AntelopeAccount(_) => "an EOS (Antelope) account name",
            Target::SubstrateAddress { .. } => "a Polkadot/Kusama (SS58) address",
            Target::Extrinsic { .. } => "a Polkadot/Kusama extrinsic id (block-index)",
            Target::UtxoAddress { .. } => {
                "a Bitcoin-style address (is it for another network, such as testnet?)"
            }
        }
    }
}
