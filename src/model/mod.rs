//! Chain-neutral facts and the report built from them. Adapters under `chain/`
//! produce `TxFacts`; `diagnose` turns them into a `Verdict`; `render` prints
//! the `TxReport`. Amounts stay integers in the smallest unit (`U256`) until
//! they are printed.

pub mod address;
pub mod assessment;
mod family;
mod status;
mod target;
mod vanished;

pub use family::*;
pub use status::{Reason, Status};
pub use target::Target;
pub use vanished::*;

use alloy_primitives::U256;
use serde::Serialize;

/// An integer amount of some unit with the decimals that make it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub raw: U256,
    pub decimals: u8,
    pub symbol: String,
}

impl Amount {
    pub fn new(raw: U256, decimals: u8, symbol: impl Into<String>) -> Self {
        Amount {
            raw,
            decimals,
            symbol: symbol.into(),
        }
    }

    /// The exact value in whole units, e.g. "1.5" or "0.000021".
    pub fn amount(&self) -> String {
        format_units(self.raw, self.decimals)
    }

    /// Another amount of the same unit, e.g. a fee part in lamports or sats.
    pub fn like(&self, raw: u64) -> Amount {
        Amount::new(U256::from(raw), self.decimals, self.symbol.clone())
    }

    /// A fee for people: at most 6 significant digits ("0.000315829 ETH" for
    /// 0.000315829384); the exact value is in the JSON.
    pub fn display_fee(&self) -> String {
        const DIGITS: usize = 6;
        let digits = decimal(self.raw).len();
        let raw = if digits <= DIGITS {
            self.raw
        } else {
            // Half up to the last digit kept: in 128 bits when it fits.
            let places = (digits - DIGITS) as u32;
            let in_128 = u128::try_from(self.raw).ok().and_then(|raw| {
                let unit = 10u128.pow(places);
                Some(U256::from(raw.checked_add(unit / 2)? / unit * unit))
            });
            in_128.unwrap_or_else(|| {
                let unit = U256::from(10).pow(U256::from(places));
                self.raw.saturating_add(unit / U256::from(2)) / unit * unit
            })
        };
        format!(
            "{} {}",
            format_units(raw, self.decimals),
            crate::safe::text(&self.symbol)
        )
    }

    /// "1.5 ETH"
    pub fn display(&self) -> String {
        format!("{} {}", self.amount(), crate::safe::text(&self.symbol))
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3))?;
        let digits = decimal(self.raw);
        m.serialize_entry("raw", &digits)?;
        m.serialize_entry("amount", &units_of(&digits, self.decimals))?;
        m.serialize_entry("symbol", &self.symbol)?;
        m.end()
    }
}

/// `raw / 10^decimals` as an exact decimal string without trailing zeros.
pub fn format_units(raw: U256, decimals: u8) -> String {
    units_of(&decimal(raw), decimals)
}

/// `raw` in decimal digits. U256's own conversion divides in 256 bits;
/// almost every amount fits in 128.
fn decimal(raw: U256) -> String {
    match u128::try_from(raw) {
        Ok(n) => n.to_string(),
        Err(_) => raw.to_string(),
    }
}

/// `format_units` of an amount already in decimal `digits`.
fn units_of(digits: &str, decimals: u8) -> String {
    let d = decimals as usize;
    if d == 0 {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len().max(d) + 2);
    let frac = if digits.len() > d {
        let (int, frac) = digits.split_at(digits.len() - d);
        out.push_str(int);
        frac.trim_end_matches('0')
    } else {
        out.push('0');
        digits.trim_end_matches('0')
    };
    if !frac.is_empty() {
        out.push('.');
        // Below one unit: the zeros between the point and the digits.
        let zeros = d.saturating_sub(digits.len());
        out.extend(std::iter::repeat_n('0', zeros));
        out.push_str(frac);
    }
    out
}

/// What the transaction cost and how that broke down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    #[serde(flatten)]
    pub total: Amount,
    pub gas_used: Option<u64>,
    pub gas_limit: Option<u64>,
    /// Price per gas actually paid, in the native unit's smallest denomination.
    pub gas_price: Option<String>,
    /// The part paid for posting the transaction to L1 (OP Stack chains).
    pub l1_fee: Option<Amount>,
    /// The part paid for blob data (EIP-4844).
    pub blob_fee: Option<Amount>,
    /// What the chain's resources cost instead of (or beside) a coin fee:
    /// TRON's energy and bandwidth, Antelope's CPU and NET.
    pub resources: Option<Resources>,
    /// The account that paid the fee when it is not the sender (an Aptos
    /// fee payer); null elsewhere.
    pub payer: Option<String>,
}

impl Fee {
    /// TRON's energy and bandwidth, when this fee has them.
    pub fn tron(&self) -> Option<&ResourceFee> {
        match &self.resources {
            Some(Resources::Tron(r)) => Some(r),
            _ => None,
        }
    }

    /// Antelope's CPU and NET, when this fee has them.
    pub fn antelope(&self) -> Option<&AntelopeResources> {
        match &self.resources {
            Some(Resources::Antelope(r)) => Some(r),
            _ => None,
        }
    }

    /// A fee with no gas breakdown (TRON, Bitcoin, Solana add their own).
    pub fn flat(total: Amount) -> Self {
        Fee {
            total,
            gas_used: None,
            gas_limit: None,
            gas_price: None,
            l1_fee: None,
            blob_fee: None,
            resources: None,
            payer: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenTransfer {
    pub token: String,
    pub symbol: Option<String>,
    pub from: String,
    pub to: String,
    pub raw: String,
    /// Whole units; null when the token's decimals could not be learned.
    pub amount: Option<String>,
    /// The memo the transfer carried, in families whose transfers carry one
    /// (null elsewhere).
    pub memo: Option<String>,
    /// Whether the contract is the configured one for its symbol (set by
    /// the diagnosis; not part of the JSON, whose `fake_token` warning says it).
    #[serde(skip)]
    pub trust: Trust,
}

/// What chains.toml says of a token contract that moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Trust {
    /// Not looked at (yet).
    #[default]
    Unchecked,
    /// The configured contract.
    Listed,
    /// Calls itself a configured symbol but is another contract: `genuine`
    /// is the configured one.
    Fake { genuine: String },
    /// Not configured, under a symbol that is not a configured one.
    Unverified,
}

impl TokenTransfer {
    /// The amount without the symbol: whole units, or base units.
    pub fn bare_amount(&self) -> String {
        self.amount
            .clone()
            .unwrap_or_else(|| format!("{} base units", self.raw))
    }

    /// "250 USDT", or the raw amount and contract when nothing is known of the token.
    pub fn display(&self) -> String {
        let symbol = self.symbol.as_deref().map(crate::safe::text);
        match (&self.amount, symbol) {
            (Some(a), Some(s)) => format!("{a} {s}"),
            (Some(a), None) => format!("{a} of token {}", self.token),
            (None, Some(s)) => format!("{} base units of {s}", self.raw),
            (None, None) => format!("{} base units of token {}", self.raw, self.token),
        }
    }
}

/// Why an included transaction failed, as far as the evidence shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The decoded message, or null when no reason could be obtained.
    pub message: Option<String>,
    /// Where the message came from (see `FailureKind`).
    pub kind: FailureKind,
    /// The raw revert data (hex), when any was returned.
    pub data: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// `Error(string)`: the contract's own message.
    ErrorString,
    /// `Panic(uint256)`: a Solidity check such as division by zero.
    Panic,
    /// A custom error, by name when known, else by selector.
    CustomError,
    /// Every unit of the gas limit was used.
    OutOfGas,
    /// TRON: the fee limit or the TRX balance could not pay for the energy.
    OutOfEnergy,
    /// TRON: the virtual machine stopped for another reason (OUT_OF_TIME, …),
    /// named in the message.
    VmError,
    /// Solana: an instruction failed (`InstructionError`), named in the message.
    InstructionError,
    /// Solana: an account lacked the SOL or tokens the transaction needed.
    InsufficientFunds,
    /// Aptos: a Move module aborted with a code (`Move abort in …`).
    MoveAbort,
    /// Substrate: `DispatchError::Module`, named from the runtime's metadata.
    ModuleError,
    /// The node's error text, when it returned no revert data.
    NodeMessage,
    /// The contract reverted without saying why.
    EmptyRevert,
    /// Replaying the call succeeded: the failure depended on state that has changed.
    NotReproduced,
    /// No replay answer could be had.
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CongestionLevel {
    Low,
    Normal,
    High,
    Extreme,
}

impl CongestionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            CongestionLevel::Low => "low",
            CongestionLevel::Normal => "normal",
            CongestionLevel::High => "high",
            CongestionLevel::Extreme => "extreme",
        }
    }
}

/// The network's load and the figures behind the level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Congestion {
    pub level: CongestionLevel,
    /// Base fee of the next block, in gwei (null on chains without one).
    pub base_fee_gwei: Option<f64>,
    /// Change of the base fee across the sampled blocks, in percent.
    pub base_fee_change_pct: Option<f64>,
    /// Mean gas used / gas limit over the sampled blocks, 0–1.
    pub block_fullness: Option<f64>,
    /// Median priority fee paid in the sampled blocks that held transactions, in gwei.
    pub priority_fee_gwei: Option<f64>,
    /// The same for the 90th percentile: what the better-paying transactions gave.
    pub priority_fee_high_gwei: Option<f64>,
    pub blocks_sampled: usize,
    /// TRON: what resources cost now, and what the sender holds.
    pub energy: Option<Box<EnergyMarket>>,
    /// Bitcoin: the fee rates blocks ask for now and the mempool's backlog.
    pub mempool: Option<Box<MempoolState>>,
    /// Solana: the compute-unit prices recent slots paid.
    pub compute_unit_price: Option<ComputeUnitPrices>,
    /// Aptos: the node's gas price estimate (octas per gas unit).
    pub gas_estimate: Option<Box<GasEstimate>>,
    /// Antelope: what the account has left to transact with.
    pub account_resources: Option<Box<AccountResources>>,
}

impl Congestion {
    /// A level with no figures yet; each family fills in its own.
    pub fn new(level: CongestionLevel) -> Self {
        Congestion {
            level,
            base_fee_gwei: None,
            base_fee_change_pct: None,
            block_fullness: None,
            priority_fee_gwei: None,
            priority_fee_high_gwei: None,
            blocks_sampled: 0,
            energy: None,
            mempool: None,
            compute_unit_price: None,
            gas_estimate: None,
            account_resources: None,
        }
    }
}

/// A stable code and a human message, plus the fields of its own that the
/// contract lists per code (absent when they do not apply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Endpoint faults: the machine kind (`timeout`, `inconsistent`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// `inconsistent_answer`: what disagreed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// `address_poisoning`: the look-alike address and the one it imitates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookalike: Option<String>,
    /// `address_poisoning`, `fake_token`: the genuine address or contract.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genuine: Option<String>,
    /// `fake_token`: the contract that moved and the symbol it claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// `also_on`: the other chains holding the id, as `key (status)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chains: Option<Vec<String>>,
}

impl Warning {
    pub fn new(code: &'static str, message: String) -> Self {
        Warning {
            code,
            message,
            endpoint: None,
            kind: None,
            detail: None,
            chain: None,
            lookalike: None,
            genuine: None,
            token: None,
            symbol: None,
            chains: None,
        }
    }
}

/// What an adapter learned about one transaction on one chain.
#[derive(Debug, Clone, PartialEq)]
pub struct TxFacts {
    pub hash: String,
    pub from: String,
    pub to: Option<String>,
    pub nonce: Option<u64>,
    pub value: Amount,
    /// The block that holds it; `None` while pending.
    pub block: Option<u64>,
    /// The newest block the answering endpoint knew.
    pub head: Option<u64>,
    /// Execution outcome once included.
    pub succeeded: Option<bool>,
    pub fee: Option<Fee>,
    pub token_transfers: Vec<TokenTransfer>,
    /// A token transfer the transaction asked for (decoded from its input),
    /// shown when it failed or is still pending and so moved nothing yet.
    pub intended_transfer: Option<TokenTransfer>,
    pub failure: Option<Failure>,
    pub contract_created: Option<String>,
    pub congestion: Option<Congestion>,
    /// The chain's own word that the block is irreversible (TRON's
    /// solidified view, Solana's `finalized` commitment); `None` when the
    /// chain has none or it was not asked. The family decides whether it
    /// counts (`ChainFamily::finality`).
    pub solidified: Option<bool>,
    /// Unix ms after which a never-included transaction can no longer be
    /// (TRON's `expiration`), and when the endpoint was asked.
    pub expires_at_ms: Option<u64>,
    pub observed_at_ms: Option<u64>,
    /// What only the transaction's family knows, in one typed carrier.
    pub family: FamilyFacts,
    /// The sender's recent token transfers (read for payments, to spot a
    /// look-alike recipient, where the family can); `None` when not asked.
    pub payees: Option<address::SenderHistory>,
    /// Token contracts whose symbol and decimals were not read: more
    /// distinct unknown tokens than one lookup reads (`MAX_TOKEN_READS`).
    pub tokens_unread: usize,
}

impl TxFacts {
    /// A transaction of which nothing is known yet beyond its hash, sender
    /// and coin: every other field empty. Tests and fixtures start here; the
    /// adapters set every field themselves, so a new field is a decision in
    /// each of them.
    pub fn new(hash: impl Into<String>, from: impl Into<String>, value: Amount) -> Self {
        TxFacts {
            hash: hash.into(),
            from: from.into(),
            to: None,
            nonce: None,
            value,
            block: None,
            head: None,
            succeeded: None,
            fee: None,
            token_transfers: vec![],
            intended_transfer: None,
            failure: None,
            contract_created: None,
            congestion: None,
            solidified: None,
            expires_at_ms: None,
            observed_at_ms: None,
            family: FamilyFacts::None,
            payees: None,
            tokens_unread: 0,
        }
    }
}

/// The full answer for one query, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct TxReport {
    pub query: String,
    /// The chain key where it was found (or the only one searched).
    pub chain: Option<String>,
    /// Human name of that chain.
    pub chain_name: Option<String>,
    /// That chain's family (how to explain what happened differs).
    pub family: Option<Family>,
    pub searched: Vec<String>,
    pub hash: String,
    pub status: Status,
    pub reason: Reason,
    pub confirmations: Option<u64>,
    pub required_confirmations: Option<u64>,
    pub eta_seconds: Option<u64>,
    pub facts: Option<TxFacts>,
    pub explorer_url: Option<String>,
    /// The endpoints (redacted) whose answers the verdict rests on.
    pub answered_by: Vec<String>,
    /// Chains searched where no endpoint gave a usable answer.
    pub unavailable: Vec<String>,
    /// The network's load on the chain reported (found or remembered).
    pub congestion: Option<Congestion>,
    /// Why a pending transaction waits and how to speed it up, as its
    /// family concludes.
    pub waiting: Option<assessment::Waiting>,
    /// A transaction seen pending earlier that the network no longer knows.
    pub vanished: Option<Vanished>,
    /// Explorer link of the transaction that replaced this one.
    pub replacement_url: Option<String>,
    /// Replaced by a transaction spending the same coins (Bitcoin RBF).
    pub respent: Option<Respent>,
    /// The blocks searched for a hash that needs an indexer (Substrate),
    /// per chain: `(chain, from, to)`.
    pub search_windows: Vec<(String, u64, u64)>,
    pub warnings: Vec<Warning>,
}

impl TxReport {
    /// The report of a query before any chain answered: not found, nowhere
    /// searched, nothing known. The diagnosis fills it in.
    pub fn new(query: impl Into<String>, hash: impl Into<String>) -> Self {
        TxReport {
            query: query.into(),
            chain: None,
            chain_name: None,
            family: None,
            searched: Vec::new(),
            hash: hash.into(),
            status: Status::NotFound,
            reason: Reason::NotFound,
            confirmations: None,
            required_confirmations: None,
            eta_seconds: None,
            facts: None,
            explorer_url: None,
            answered_by: Vec::new(),
            unavailable: Vec::new(),
            congestion: None,
            waiting: None,
            vanished: None,
            replacement_url: None,
            respent: None,
            search_windows: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {

    /// Issue 20: a fee reads with at most 6 significant digits.
    #[test]
    fn fees_read_with_six_significant_digits() {
        let fee = |raw: u64, d: u8| Amount::new(U256::from(raw), d, "ETH").display_fee();
        assert_eq!(fee(315_829_384_000_000, 18), "0.000315829 ETH");
        assert_eq!(fee(21_000_000_000_000, 18), "0.000021 ETH");
        assert_eq!(fee(1_234_567_890_123, 9), "1234.57 ETH");
        assert_eq!(fee(999_999_950, 9), "1 ETH");
        assert_eq!(fee(0, 18), "0 ETH");
        // A number no chain would charge, from a lying endpoint: no overflow.
        let huge = Amount::new(U256::MAX, 18, "ETH").display_fee();
        assert!(huge.starts_with("115792"), "{huge}");
        // Either side of 128 bits (the fast path's edge) rounds the same way.
        let big = |raw: U256| Amount::new(raw, 18, "ETH").display_fee();
        let max128 = U256::from(u128::MAX);
        assert_eq!(big(max128), "340282000000000000000 ETH");
        assert_eq!(big(max128 + U256::from(1)), "340282000000000000000 ETH");
        assert_eq!(
            big(U256::from(u128::MAX - 10u128.pow(32))),
            "340282000000000000000 ETH"
        );
    }
    use super::*;

    #[test]
    fn format_units_is_exact() {
        let u = |s: &str| U256::from_str_radix(s, 10).unwrap();
        assert_eq!(format_units(u("1500000000000000000"), 18), "1.5");
        assert_eq!(format_units(u("21000000000000"), 18), "0.000021");
        assert_eq!(format_units(u("250000000"), 6), "250");
        assert_eq!(format_units(u("0"), 18), "0");
        assert_eq!(format_units(u("1"), 18), "0.000000000000000001");
        assert_eq!(format_units(u("123"), 0), "123");
        assert_eq!(format_units(u("120"), 1), "12");
        assert_eq!(format_units(u("1000"), 3), "1");
        assert_eq!(format_units(u("1001"), 3), "1.001");
        assert_eq!(format_units(u("10"), 3), "0.01");
        // Either side of 128 bits.
        assert_eq!(
            format_units(u("340282366920938463463374607431768211455"), 18),
            "340282366920938463463.374607431768211455"
        );
        assert_eq!(
            format_units(u("340282366920938463463374607431768211456"), 18),
            "340282366920938463463.374607431768211456"
        );
        assert_eq!(
            format_units(U256::MAX, 18),
            "115792089237316195423570985008687907853269984665640564039457.584007913129639935"
        );
    }

    #[test]
    fn amount_serialises_as_the_contract_says() {
        let a = Amount::new(U256::from(1_500_000_000_000_000_000u128), 18, "ETH");
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"raw": "1500000000000000000", "amount": "1.5", "symbol": "ETH"})
        );
    }
}
