//! Chain-neutral facts about an address on one chain: what it holds, what it
//! has waiting in the pool, and the transfers in and out of it over a recent
//! window. Adapters fill `AddressFacts`; `diagnose::address` judges them.

use alloy_primitives::U256;
use serde::Serialize;

use super::{Amount, Congestion, PendingFacts, SenderNonce, format_units};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

/// One movement of value to or from the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub hash: String,
    /// The block (or slot) that holds it; `None` while pending.
    pub block: Option<u64>,
    /// Unix seconds of that block, when the endpoint said.
    pub time: Option<u64>,
    pub direction: Direction,
    pub from: String,
    pub to: String,
    /// The token contract (or mint); `None` for the chain's own coin.
    pub token: Option<String>,
    pub symbol: Option<String>,
    pub raw: U256,
    /// `None` when the token's decimals are unknown.
    pub decimals: Option<u8>,
    /// The native coin or a token listed in chains.toml. A token that is not
    /// listed may be a fake that borrows a real token's name.
    pub listed: bool,
    /// The memo it carried (Antelope: what an exchange credits a deposit by).
    pub memo: Option<String>,
}

impl Transfer {
    /// Whole units, when the decimals are known.
    pub fn amount(&self) -> Option<String> {
        self.decimals.map(|d| format_units(self.raw, d))
    }

    /// "100 USDT", or raw units of an unknown token.
    pub fn display(&self) -> String {
        match (self.amount(), self.symbol.as_deref().map(crate::safe::text)) {
            (Some(a), Some(s)) => format!("{a} {s}"),
            (Some(a), None) => format!("{a} of token {}", self.token.as_deref().unwrap_or("?")),
            (None, Some(s)) => format!("{} base units of {s}", self.raw),
            (None, None) => format!(
                "{} base units of token {}",
                self.raw,
                self.token.as_deref().unwrap_or("?")
            ),
        }
    }

    /// The address on the other side.
    pub fn counterparty(&self) -> &str {
        match self.direction {
            Direction::In => &self.from,
            Direction::Out => &self.to,
        }
    }
}

impl Serialize for Transfer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(12))?;
        m.serialize_entry("hash", &self.hash)?;
        m.serialize_entry("block", &self.block)?;
        m.serialize_entry("time", &self.time)?;
        m.serialize_entry("direction", &self.direction)?;
        m.serialize_entry("from", &self.from)?;
        m.serialize_entry("to", &self.to)?;
        m.serialize_entry("token", &self.token)?;
        m.serialize_entry("symbol", &self.symbol)?;
        m.serialize_entry("raw", &self.raw.to_string())?;
        m.serialize_entry("amount", &self.amount())?;
        m.serialize_entry("listed", &self.listed)?;
        m.serialize_entry("memo", &self.memo)?;
        m.end()
    }
}

/// A configured token's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBalance {
    /// Contract or mint address.
    pub token: String,
    pub balance: Amount,
}

impl Serialize for TokenBalance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("symbol", &self.balance.symbol)?;
        m.serialize_entry("token", &self.token)?;
        m.serialize_entry("raw", &self.balance.raw.to_string())?;
        m.serialize_entry("amount", &self.balance.amount())?;
        m.end()
    }
}

/// A transaction of the address waiting in the node's pool (EVM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolTx {
    pub hash: String,
    pub nonce: u64,
    pub to: Option<String>,
    /// Its fees with the network's current prices and the sender's nonces.
    pub fees: PendingFacts,
}

/// What the history of transfers covers: a window can be cut short by an
/// endpoint's limits, and a verdict of "nothing arrived" is only as good as
/// the part of the window actually read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    /// Where the transfers were read: `eth_getLogs`, `esplora`, `trongrid`, …
    pub source: String,
    /// The block (or slot) range read, when the source works by blocks.
    pub from_block: Option<u64>,
    pub to_block: Option<u64>,
    /// Unix seconds: nothing older than this was asked for.
    pub since: Option<u64>,
    /// Which assets the history sees (symbols, or "all tokens").
    pub assets: Vec<String>,
    /// Transfers of the native coin are seen (an EVM node's logs do not show them).
    pub native: bool,
    /// Transfers *to* the address are seen (Aptos's node API lists only
    /// what an account sent): when not, no count of them is given.
    pub incoming: bool,
    /// Parts of the window that could not be read, each with why.
    pub gaps: Vec<String>,
    /// The source returned as many transfers as asked for: older ones in the window may exist.
    pub truncated: bool,
}

impl History {
    pub fn new(source: &str) -> Self {
        History {
            source: source.to_string(),
            from_block: None,
            to_block: None,
            since: None,
            assets: Vec::new(),
            native: false,
            incoming: true,
            gaps: Vec::new(),
            truncated: false,
        }
    }

    /// The whole window was read.
    pub fn complete(&self) -> bool {
        self.gaps.is_empty()
    }
}

/// What one chain's endpoints said about an address.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressFacts {
    /// The address as the chain writes it (checksummed, T…, base58, bech32).
    pub address: String,
    /// What the address holds once its unconfirmed transactions settle
    /// (Bitcoin: confirmed + mempool).
    pub balance: Option<Amount>,
    /// Bitcoin: the part of the balance still in the mempool.
    pub unconfirmed: Option<Unconfirmed>,
    /// Configured tokens, in chains.toml order.
    pub tokens: Vec<TokenBalance>,
    /// EVM: confirmed and pending transaction counts.
    pub nonce: Option<SenderNonce>,
    /// The address's own transactions in the node's pool; `None` when the
    /// endpoint does not show its pool.
    pub pool: Option<Vec<PoolTx>>,
    /// Transfers to the address still waiting for a block.
    pub incoming_pending: Vec<Transfer>,
    /// Recent transfers in and out, newest first.
    pub transfers: Vec<Transfer>,
    pub history: History,
    /// Head block (or slot) of the answering endpoint.
    pub head: Option<u64>,
    pub congestion: Option<Congestion>,
    /// Unix seconds when the endpoint was asked (for "how long ago").
    pub observed_at: u64,
    /// Substrate: the balance's parts (free, reserved, frozen, transferable).
    pub held: Option<Held>,
    /// A relay chain whose transfers moved to an Asset Hub: that chain's name.
    pub moved_to: Option<String>,
}

/// A Substrate balance's parts: what is free, reserved (deposits), frozen
/// (locks: staking, votes) and so transferable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    pub free: Amount,
    pub reserved: Amount,
    pub frozen: Amount,
    pub transferable: Amount,
}

/// The balance's part in transactions not yet confirmed: what is confirmed
/// now, what unconfirmed transactions send from it and bring to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unconfirmed {
    pub confirmed: Amount,
    pub outgoing: Amount,
    pub incoming: Amount,
}

/// The sender's recent token transfers in and out, read when checking a
/// payment: the evidence for spotting a look-alike recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderHistory {
    pub transfers: Vec<Transfer>,
    /// The window of blocks read.
    pub from_block: u64,
    pub to_block: u64,
}
