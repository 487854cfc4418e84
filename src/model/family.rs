//! The facts only some families have: EVM fee markets and nonces, TRON's
//! energy and bandwidth, Bitcoin's inputs, outputs and fee rates, Solana's
//! compute-unit prices and balance changes. Re-exported from `model`.
//! The one neutral place that names the families: [`Family`], the tag a
//! report carries.

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

use super::Amount;

/// The families a chain can belong to, as chains.toml names them: the key
/// `chain::family::of` finds the family's code by (everything a family does
/// lives in its folder under `chain/`). Adding a family adds one arm here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Evm,
    Tron,
    Bitcoin,
    Solana,
    Aptos,
    Antelope,
    Substrate,
}

impl Family {
    /// Every family, in the order a bare text is read: the first that reads
    /// it decides (a 64-hex id reads the same everywhere).
    pub const ALL: [Family; 7] = [
        Family::Evm,
        Family::Tron,
        Family::Bitcoin,
        Family::Solana,
        Family::Aptos,
        Family::Antelope,
        Family::Substrate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Evm => "evm",
            Family::Tron => "tron",
            Family::Bitcoin => "bitcoin",
            Family::Solana => "solana",
            Family::Aptos => "aptos",
            Family::Antelope => "antelope",
            Family::Substrate => "substrate",
        }
    }
}

/// What only one family knows about a transaction: the one carrier of
/// family facts on `TxFacts` (the shape of alloy's `WithOtherFields`).
/// Neutral code never matches on it; a family reads its own arm through the
/// accessors, and a new family with facts of its own adds one arm.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum FamilyFacts {
    #[default]
    None,
    /// EVM: the fee and nonce figures of a transaction still waiting.
    Evm { pending: Option<Box<PendingFacts>> },
    /// Bitcoin-style chains: inputs, outputs, size and fee rate.
    Utxo(Box<UtxoFacts>),
    /// Solana: commitment, fee split, balance changes, failing instruction.
    Solana(Box<SolanaFacts>),
    /// Aptos: version, gas figures, fee payer, the abort, expiration.
    Aptos(Box<AptosFacts>),
    /// Antelope (EOS/Vaulta): the block's irreversibility, the actions.
    Antelope(Box<AntelopeFacts>),
    /// Substrate (Polkadot, Kusama, Asset Hubs): the extrinsic's place and call.
    Substrate(Box<SubstrateFacts>),
}

impl FamilyFacts {
    pub fn pending(&self) -> Option<&PendingFacts> {
        match self {
            FamilyFacts::Evm { pending } => pending.as_deref(),
            _ => None,
        }
    }

    pub fn utxo(&self) -> Option<&UtxoFacts> {
        match self {
            FamilyFacts::Utxo(u) => Some(u),
            _ => None,
        }
    }

    pub fn utxo_mut(&mut self) -> Option<&mut UtxoFacts> {
        match self {
            FamilyFacts::Utxo(u) => Some(u),
            _ => None,
        }
    }

    pub fn solana(&self) -> Option<&SolanaFacts> {
        match self {
            FamilyFacts::Solana(s) => Some(s),
            _ => None,
        }
    }

    pub fn aptos(&self) -> Option<&AptosFacts> {
        match self {
            FamilyFacts::Aptos(a) => Some(a),
            _ => None,
        }
    }

    pub fn antelope(&self) -> Option<&AntelopeFacts> {
        match self {
            FamilyFacts::Antelope(a) => Some(a),
            _ => None,
        }
    }

    pub fn substrate(&self) -> Option<&SubstrateFacts> {
        match self {
            FamilyFacts::Substrate(s) => Some(s),
            _ => None,
        }
    }
}

/// A Substrate extrinsic beyond the common facts (the JSON `substrate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubstrateFacts {
    /// `{block}-{index}`: the id Subscan and explorers use.
    pub extrinsic: String,
    pub block_hash: Option<String>,
    /// The call: `balances.transferKeepAlive`, `polkadotXcm.transferAssets`, …
    pub call: String,
    /// The last finalized block when asked.
    pub finalized_head: Option<u64>,
    pub tip: Option<String>,
    /// `Pallet.Error` of a failed extrinsic, with its indices and docs.
    pub module_error: Option<ModuleError>,
    /// A cross-chain (XCM) transfer: where it goes.
    pub xcm: Option<XcmTransfer>,
    /// A relay chain after its Asset Hub migration: where transfers live now.
    pub moved_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleError {
    pub pallet_index: u32,
    pub error_index: u32,
    /// `Balances.InsufficientBalance` when the metadata named it.
    pub name: Option<String>,
    /// The runtime's documentation of the error.
    pub docs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XcmTransfer {
    /// "parachain 2034 (Hydration)", "the relay chain", …
    pub destination: String,
    pub beneficiary: Option<String>,
}

/// What an Antelope (EOS/Vaulta) transaction is beyond the common facts
/// (the JSON `antelope` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AntelopeFacts {
    /// The last irreversible block when asked (the history's chain view).
    pub last_irreversible_block: Option<u64>,
    /// Every action, top-level and inline (notifications merged), in order.
    pub actions: Vec<AntelopeAction>,
    /// A swap through `core.vaulta` (EOS ⇄ A), when the transfers are one.
    pub swap: Option<Swap>,
    /// The chain API's word on a transaction the history has not indexed
    /// (`get_transaction_status`: `LOCALLY_APPLIED`, `IN_BLOCK`, …).
    pub chain_state: Option<String>,
    /// Unix seconds after which a transaction not in a block never will be.
    pub expiration: Option<u64>,
    /// Configured tokens that moved and that their issuer froze (USDT on EOS).
    pub frozen: Vec<String>,
}

/// One action: who ran what, and whether it was the user's own (top-level)
/// or dispatched by a contract (inline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AntelopeAction {
    pub contract: String,
    pub name: String,
    pub authorizer: Option<String>,
    pub inline: bool,
}

/// EOS swapped for A (or back) through the `core.vaulta` contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Swap {
    pub gave: String,
    pub got: String,
    pub to: String,
}

/// A fee paid in resources, by family (the JSON object is the family's own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Resources {
    Tron(ResourceFee),
    Antelope(AntelopeResources),
}

/// An Antelope account's CPU, NET and RAM left (`get_account`): with too
/// little, it cannot send until its allowance recovers or it stakes or
/// rents more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccountResources {
    pub cpu_available_us: Option<i64>,
    pub net_available_bytes: Option<i64>,
    pub ram_free_bytes: Option<i64>,
    pub too_low: bool,
}

/// Antelope's resources in place of a fee: CPU time and NET bytes, billed
/// to an account's staked or rented allowance — to a resource provider when
/// one co-signed (then the user paid nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AntelopeResources {
    pub cpu_us: u64,
    pub net_bytes: u64,
    /// The account whose allowance paid (the first authorizer).
    pub billed_to: Option<String>,
    /// A resource provider (a no-op first action of another account) paid.
    pub provider_paid: bool,
}

/// What an Aptos transaction is beyond the common facts (the JSON `aptos`
/// object). Amounts in octas, as decimal strings where they may be large.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AptosFacts {
    /// `user_transaction`, `pending_transaction`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The ledger version that holds it; null while pending.
    pub version: Option<u64>,
    /// The ledger's version when asked (the endpoint's head).
    pub ledger_version: Option<u64>,
    pub sequence_number: Option<u64>,
    /// The sender's next sequence number on chain (asked while pending).
    pub sender_sequence_number: Option<u64>,
    pub gas_unit_price: u64,
    pub max_gas_amount: u64,
    /// Null while pending.
    pub gas_used: Option<u64>,
    /// The `0x1::transaction_fee::FeeStatement` event, when there is one.
    pub fee_statement: Option<FeeStatement>,
    /// The account that paid the fee, when a fee payer signed.
    pub fee_payer: Option<String>,
    /// Unix seconds after which the transaction can never be committed.
    pub expiration_timestamp_secs: Option<u64>,
    /// The node's own words (`Executed successfully`, `Move abort in …`).
    pub vm_status: Option<String>,
    /// The abort, parsed out of `vm_status`.
    pub abort: Option<MoveAbort>,
    /// The entry function called (`0x1::primary_fungible_store::transfer`).
    pub function: Option<String>,
}

/// `0x1::transaction_fee::FeeStatement`: how the gas broke down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeStatement {
    pub total_charge_gas_units: u64,
    pub execution_gas_units: u64,
    pub io_gas_units: u64,
    pub storage_fee_octas: u64,
    pub storage_fee_refund_octas: u64,
}

/// A Move abort as `vm_status` writes it: `Move abort in 0x1::coin:
/// EINSUFFICIENT_BALANCE(0x10006): Not enough coins …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveAbort {
    /// `0x1::coin`; null for a script's abort.
    pub module: Option<String>,
    /// `EINSUFFICIENT_BALANCE`, when the node knew it.
    pub name: Option<String>,
    /// The abort code as written (`0x10006`).
    pub code: Option<String>,
    /// The module's own description, when the node gave one.
    pub description: Option<String>,
}

/// Aptos's gas price estimate (`/v1/estimate_gas_price`), octas per gas unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GasEstimate {
    pub deprioritized: Option<u64>,
    pub normal: u64,
    pub prioritized: Option<u64>,
}

/// How a TRON transaction paid for its resources. Energy comes from the
/// sender's stake, from the contract's deployer, or is bought by burning TRX
/// at the energy price; bandwidth likewise (600 free per account per day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceFee {
    pub energy_used: u64,
    pub energy_from_stake: u64,
    pub energy_from_deployer: u64,
    /// Energy paid for by burning TRX.
    pub energy_burned: u64,
    pub energy_fee: Amount,
    pub energy_penalty: u64,
    pub bandwidth_used: u64,
    pub bandwidth_fee: Amount,
    /// The most TRX the sender allowed to burn for energy.
    pub fee_limit: Option<Amount>,
}

/// Solana's priority fees of recent slots (`getRecentPrioritizationFees`),
/// in micro-lamports per compute unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ComputeUnitPrices {
    pub median: u64,
    pub p75: u64,
    pub p90: u64,
    pub slots_sampled: usize,
}

/// What a Solana transaction did beyond the common facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SolanaFacts {
    /// `processed`, `confirmed` or `finalized`.
    pub commitment: String,
    /// Lamports: 5,000 per signature, and the rest (priority fee).
    pub base_fee: u64,
    pub priority_fee: u64,
    pub compute_units: Option<u64>,
    /// Every account whose SOL balance changed, fee payer first.
    pub balance_changes: Vec<BalanceChange>,
    /// The failing instruction, when one failed.
    pub instruction_error: Option<InstructionFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceChange {
    pub account: String,
    /// Lamports before and after, and the signed change, as decimal strings.
    pub before: String,
    pub after: String,
    pub change: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstructionFailure {
    /// Position in the transaction's instructions, from 0.
    pub index: u64,
    /// The program that failed, when the instruction index resolves to one.
    pub program: Option<String>,
    /// The error as the node gave it: `Custom(6001)`, `InsufficientFunds`, …
    pub error: String,
    /// The custom program error code, when it is one.
    pub custom_code: Option<u64>,
}

/// Bitcoin's fee market: what the next blocks ask (sat/vB) and how much is
/// waiting. A block holds about 1,000,000 vB.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MempoolState {
    /// Null when the endpoint gave no fee estimates.
    pub fee_rates: Option<FeeRates>,
    /// Total virtual size and number of the transactions waiting.
    pub backlog_vsize: Option<u64>,
    pub backlog_count: Option<u64>,
}

/// Fee rates (sat/vB) that confirm within a target, as the endpoint
/// estimates them: next block, 3 blocks (~30 min), 6 blocks (~1 hour),
/// ~1 day, and the lowest rate nodes keep in their mempools.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FeeRates {
    pub next_block: f64,
    pub half_hour: f64,
    pub hour: f64,
    pub day: Option<f64>,
    pub minimum: Option<f64>,
}

/// A Bitcoin-style (UTXO) transaction: the coins it spent, the outputs it
/// created and what it pays per virtual byte.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtxoFacts {
    /// Virtual size: weight / 4, rounded up.
    pub vsize: u64,
    pub weight: u64,
    /// Fee per virtual byte, sat/vB.
    pub fee_rate: f64,
    /// Signals BIP-125 replace-by-fee (an input's sequence below 0xfffffffe).
    pub rbf: bool,
    pub inputs: Vec<UtxoInput>,
    pub outputs: Vec<UtxoOutput>,
    /// Transactions this one spends from that are themselves unconfirmed
    /// (asked only while this one is pending).
    pub unconfirmed_parents: Vec<ParentTx>,
    /// Parent transactions that could not be checked.
    pub parents_unchecked: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtxoInput {
    /// The transaction and output index of the coin spent.
    pub txid: String,
    pub vout: u32,
    /// Null for a coinbase input or a script without an address.
    pub address: Option<String>,
    pub value: Option<Amount>,
    pub sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtxoOutput {
    pub address: Option<String>,
    /// Esplora's script type: `v0_p2wpkh`, `p2pkh`, `op_return`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub value: Amount,
    /// Paid back to an address among the inputs: change, not a payment.
    pub change: bool,
}

/// An unconfirmed transaction whose output this one spends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParentTx {
    pub txid: String,
    /// Satoshis.
    pub fee: u64,
    pub vsize: u64,
    pub fee_rate: f64,
}

/// TRON's prices are set by governance, not by an auction: what matters is
/// whether the sender has energy, and what a transfer burns without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnergyMarket {
    pub energy_price_sun: u64,
    pub bandwidth_price_sun: u64,
    /// Energy a USDT transfer takes (to an address that already holds USDT).
    pub usdt_transfer_energy: u64,
    /// TRX a USDT transfer burns with no energy and no free bandwidth.
    pub usdt_transfer_burn: Amount,
    /// The sender's energy and bandwidth left today (null when not asked).
    pub sender_energy_available: Option<u64>,
    pub sender_bandwidth_available: Option<u64>,
}

/// Priority fees recent blocks paid (wei): the median across the sampled
/// blocks that held transactions of their 10th, 50th and 90th percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TipLevels {
    pub p10: U256,
    pub p50: U256,
    pub p90: U256,
}

/// The sender's transaction count: `latest` is the next nonce the chain will
/// accept (every lower one is confirmed); `pending` also counts the
/// transactions the node holds in its pool without a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SenderNonce {
    pub latest: u64,
    pub pending: u64,
}

/// What a pending transaction offers to pay and what the network asks now (wei).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PendingFacts {
    /// EIP-1559 fields; `None` on legacy transactions.
    pub max_fee_per_gas: Option<U256>,
    pub max_priority_fee_per_gas: Option<U256>,
    /// Legacy (type 0/1) price per gas; `None` on EIP-1559 transactions.
    pub gas_price: Option<U256>,
    /// Base fee of the next block (0 on chains without one, e.g. BSC).
    pub next_base_fee: Option<U256>,
    pub recent_tips: Option<TipLevels>,
    /// `None` when the endpoint did not answer the nonce questions.
    pub sender_nonce: Option<SenderNonce>,
}
