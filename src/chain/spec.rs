//! What a chain is once chains.toml has been read and checked: its
//! endpoints and their limits, its explorer links, its tokens, and the keys
//! only its family reads. `config` parses the file into these; everything
//! under `chain/` works from them (and never from the file).

use alloy_primitives::Address;

use crate::model::Family;

/// A parsed, validated configuration: chains in the order the file lists them.
#[derive(Debug, Clone)]
pub struct Config {
    pub chains: Vec<Chain>,
}

#[derive(Debug, Clone)]
pub struct Chain {
    /// The key in chains.toml (`eth`, `bsc`, …), used by `--chain` and in output.
    pub key: String,
    pub name: String,
    pub family: Family,
    pub chain_id: Option<u64>,
    /// Solana: every endpoint's `getGenesisHash` must equal this (when set),
    /// so a devnet or testnet node is never read as mainnet.
    pub genesis_hash: Option<String>,
    pub symbol: String,
    pub decimals: u8,
    pub confirmations: u64,
    pub block_time_secs: f64,
    pub rpc: Vec<String>,
    /// The limits of each `rpc` endpoint, in the same order.
    pub limits: Vec<Limits>,
    /// Antelope: the history endpoints (Hyperion v2) and their limits.
    pub history: Vec<String>,
    pub history_limits: Vec<Limits>,
    pub explorer_tx: String,
    pub explorer_tx_aliases: Vec<String>,
    pub explorer_address: Option<String>,
    /// An optional API key: read from this environment variable, sent in
    /// this header, and only to endpoints on this host (never elsewhere).
    pub api_key: Option<ApiKey>,
    /// Bitcoin family: which addresses belong to the chain.
    pub address_format: Option<AddressFormat>,
    /// EVM: blocks per `eth_getLogs` call when reading an address's history
    /// (a call refused as too wide is split further).
    pub logs_block_range: u64,
    pub tokens: Vec<Token>,
    /// Substrate: the SS58 prefix, Subscan and the Asset Hub migration.
    pub substrate: Option<SubstrateKeys>,
}

/// A Substrate chain's own keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstrateKeys {
    pub ss58_prefix: u16,
    /// Subscan's API host, used only when `subscan_key_env` holds a key.
    pub subscan: Option<String>,
    pub subscan_key_env: Option<String>,
    /// A relay chain whose balances and transfers moved to an Asset Hub:
    /// that chain's key, and the relay block of the migration.
    pub moved_to: Option<String>,
    pub moved_at_block: Option<u64>,
}

/// How hard one endpoint may be asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Calls per second (a JSON-RPC call inside a batch counts as one, as
    /// providers count them); `None`: no limit until the endpoint says so.
    pub rps: Option<f64>,
    /// The most JSON-RPC calls sent in one HTTP request.
    pub max_batch: usize,
    /// Seconds over which the provider counts its budget (`rps_window`):
    /// `rps × window` calls may start at once within any such span, so a
    /// lookup's few calls are not spread out one per `1/rps` seconds. `None`:
    /// counted per second (or per call below one a second).
    pub window: Option<f64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rps: None,
            max_batch: DEFAULT_MAX_BATCH,
            window: None,
        }
    }
}

/// JSON-RPC calls per HTTP request unless chains.toml says otherwise
/// (Besu's default cap; hosted endpoints document 20 to 1000).
pub const DEFAULT_MAX_BATCH: usize = 50;

/// Blocks per `eth_getLogs` call unless chains.toml says otherwise: within
/// what the common public endpoints accept.
pub const DEFAULT_LOGS_BLOCK_RANGE: u64 = 5_000;

pub use crate::codec::utxo_address::Format as AddressFormat;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub env: String,
    pub header: String,
    pub host: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub symbol: String,
    /// The contract (EVM, TRON). Zero on Solana, whose tokens are named by `mint`.
    pub address: Address,
    /// Solana: the token's mint account, base58 (32 bytes); Aptos: the
    /// asset's metadata address or coin type; Antelope: the contract account.
    pub mint: Option<String>,
    pub decimals: u8,
    /// The issuer froze the token on this chain (Tether's USDT on EOS):
    /// transfers of it are explained as such.
    pub frozen: bool,
}

impl Config {
    pub fn chain(&self, key: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.key == key)
    }
}

impl Chain {
    pub fn token(&self, address: &Address) -> Option<&Token> {
        self.tokens
            .iter()
            .find(|t| t.mint.is_none() && &t.address == address)
    }

    /// Solana: the configured token with this mint.
    pub fn token_by_mint(&self, mint: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.mint.as_deref() == Some(mint))
    }

    /// The limits of the endpoint `url` (the defaults for a URL not listed).
    pub fn limits_of(&self, url: &str) -> Limits {
        let of = |urls: &[String], limits: &[Limits]| {
            urls.iter()
                .position(|u| u == url)
                .and_then(|i| limits.get(i).copied())
        };
        of(&self.rpc, &self.limits)
            .or_else(|| of(&self.history, &self.history_limits))
            .unwrap_or_default()
    }

    /// The configured token of `contract` with `symbol` (Antelope names a
    /// token by both).
    pub fn token_by_contract(&self, contract: &str, symbol: &str) -> Option<&Token> {
        self.tokens
            .iter()
            .find(|t| t.mint.as_deref() == Some(contract) && t.symbol == symbol)
    }

    /// How long a fact that is not a transaction's (a head, prices) is
    /// kept in a batch: one block time, between 1 s and 10 minutes.
    pub fn block_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.block_time_secs.clamp(1.0, 600.0))
    }

    pub fn tx_url(&self, hash: &str) -> String {
        self.explorer_tx.replace("{hash}", hash)
    }

    /// Every template whose links name this chain: the main one first.
    pub fn tx_templates(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.explorer_tx.as_str())
            .chain(self.explorer_tx_aliases.iter().map(String::as_str))
    }
}

/// What chains.toml says of a chain that only its family reads, handed to
/// `ChainFamily::check_chain`: the tokens as written, and every key the
/// neutral schema does not know (`chain_id` among them: numeric on EVM, a
/// hex string on Antelope); a family rejects the ones it does not know.
#[derive(Debug, Clone)]
pub struct FamilyKeys {
    /// `chains.<key>`, for error messages.
    pub at: String,
    pub tokens: Vec<TokenEntry>,
    pub own: toml::Table,
    /// How many `history` endpoints the chain lists (an Antelope key).
    pub history: usize,
}

/// A `[[chains.<key>.tokens]]` entry as written.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    pub symbol: String,
    pub address: String,
    pub decimals: u8,
    #[serde(default)]
    pub frozen: bool,
}

/// What a family makes of its keys.
#[derive(Debug, Clone)]
pub struct FamilyConfig {
    /// A numeric chain id every endpoint is checked against (EVM).
    pub chain_id: Option<u64>,
    pub genesis_hash: Option<String>,
    pub address_format: Option<AddressFormat>,
    pub logs_block_range: u64,
    pub tokens: Vec<Token>,
    pub substrate: Option<SubstrateKeys>,
}

impl Default for FamilyConfig {
    fn default() -> Self {
        FamilyConfig {
            chain_id: None,
            genesis_hash: None,
            address_format: None,
            logs_block_range: DEFAULT_LOGS_BLOCK_RANGE,
            tokens: Vec::new(),
            substrate: None,
        }
    }
}

impl FamilyKeys {
    /// `chains.<key>.<field>`.
    pub fn at(&self, field: &str) -> String {
        format!("{}.{field}", self.at)
    }

    /// The family's own keys as `T` (a struct with `deny_unknown_fields`, so
    /// a key no family reads is an error naming it). `history` is Antelope's:
    /// any other family refuses it.
    pub fn own<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        if self.history > 0 {
            anyhow::bail!(
                "{}: only Antelope chains (family = \"antelope\") have history endpoints",
                self.at("history")
            );
        }
        self.own_with_history()
    }

    /// `own` for the family that reads `history` (Antelope).
    pub fn own_with_history<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        use anyhow::Context;
        toml::Value::Table(self.own.clone())
            .try_into()
            .with_context(|| self.at.clone())
    }

    /// The tokens, each address read by `decode` (`Ok((contract, mint))`).
    pub fn tokens(
        &self,
        decode: impl Fn(&str) -> anyhow::Result<(Address, Option<String>)>,
    ) -> anyhow::Result<Vec<Token>> {
        use anyhow::Context;
        self.tokens
            .iter()
            .map(|t| {
                let (address, mint) = decode(&t.address)
                    .with_context(|| format!("{}: {:?}", self.at("tokens.address"), t.address))?;
                Ok(Token {
                    symbol: t.symbol.clone(),
                    address,
                    mint,
                    decimals: t.decimals,
                    frozen: t.frozen,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{BUILTIN, parse};
    use crate::model::Family;

    const MINIMAL: &str = crate::config::tests::MINIMAL;

    #[test]
    fn builtin_config_has_the_evm_chains_and_tron_in_order() {
        let cfg = parse(BUILTIN).unwrap();
        let keys: Vec<_> = cfg.chains.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "eth",
                "bsc",
                "polygon",
                "arbitrum",
                "op",
                "base",
                "avax",
                "tron",
                "btc",
                "sol",
                "aptos",
                "eos",
                "dot",
                "dot-relay",
                "ksm",
                "ksm-relay"
            ]
        );
        let ids: Vec<_> = cfg.chains.iter().filter_map(|c| c.chain_id).collect();
        assert_eq!(ids, [1, 56, 137, 42161, 10, 8453, 43114, 1]);
        let aptos = cfg.chain("aptos").unwrap();
        assert_eq!(
            aptos
                .token_by_mint("0x357b0b74bc833e95a115ad22604854d6b0fca151cecd94111770e5d6ffc9dc2b")
                .map(|t| (t.symbol.as_str(), t.decimals)),
            Some(("USDt", 6))
        );
        assert_eq!((aptos.family, aptos.decimals), (Family::Aptos, 8));
        let tron = cfg.chain("tron").unwrap();
        assert_eq!(
            (tron.family, tron.decimals, tron.symbol.as_str()),
            (Family::Tron, 6, "TRX")
        );
        assert_eq!(
            crate::codec::tron_address::to_base58(&tron.tokens[0].address),
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
        );
        assert_eq!(tron.api_key.as_ref().unwrap().host, "api.trongrid.io");
        let btc = cfg.chain("btc").unwrap();
        assert_eq!(
            (btc.family, btc.decimals, btc.confirmations),
            (Family::Bitcoin, 8, 6)
        );
        let sol = cfg.chain("sol").unwrap();
        assert_eq!(
            sol.token_by_mint("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
                .map(|t| (t.symbol.as_str(), t.decimals)),
            Some(("USDT", 6))
        );
        assert_eq!(btc.address_format.as_ref().unwrap().versions, [0, 5]);
        for c in &cfg.chains {
            // No second operator serves sidecar's REST API keyless (issue 23).
            assert!(
                c.rpc.len() >= 2 || c.family == Family::Substrate,
                "{} needs two endpoints",
                c.key
            );
            assert!(c.rpc.iter().all(|u| u.starts_with("https://")), "{}", c.key);
            // Bitcoin has no tokens; relay chains hold DOT/KSM only; Kusama
            // Asset Hub's USDt is frozen and it has no USDC.
            if c.family == Family::Bitcoin || (c.family == Family::Substrate && c.key != "dot") {
                continue;
            }
            assert!(
                c.tokens
                    .iter()
                    .any(|t| t.symbol.to_ascii_uppercase().starts_with("USDT")),
                "{} lacks USDT",
                c.key
            );
            // Circle issues no USDC on EOS.
            assert!(
                c.family == Family::Antelope || c.tokens.iter().any(|t| t.symbol == "USDC"),
                "{} lacks USDC",
                c.key
            );
        }
        let eos = cfg.chain("eos").unwrap();
        assert_eq!(eos.history.len(), 2, "two Hyperion operators");
        assert!(eos.history.iter().all(|u| u.starts_with("https://")));
        assert_eq!(
            eos.genesis_hash.as_deref(),
            Some("aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906")
        );
        assert!(
            eos.token_by_contract("tethertether", "USDT")
                .unwrap()
                .frozen
        );
        assert_eq!(eos.limits_of("https://eos.eosusa.io").window, Some(60.0));
    }

    #[test]
    fn each_family_checks_its_own_keys() {
        let no_id = MINIMAL.replace("chain_id = 31337\n", "");
        assert!(format!("{:#}", parse(&no_id).unwrap_err()).contains("chains.local.chain_id"));
        // chain_id is EVM's key: another family refuses it rather than ignore it.
        let tron_with_id = MINIMAL.replace("\"evm\"", "\"tron\"");
        assert!(format!("{:#}", parse(&tron_with_id).unwrap_err()).contains("chain_id"));
        let btc = MINIMAL
            .replace("\"evm\"", "\"bitcoin\"")
            .replace("chain_id = 31337\n", "");
        assert!(format!("{:#}", parse(&btc).unwrap_err()).contains("chains.local.address_hrp"));
        let btc = btc.replace(
            "rpc =",
            "address_hrp = \"tb\"\naddress_versions = [111, 196]\nrpc =",
        );
        assert_eq!(
            parse(&btc).unwrap().chains[0]
                .address_format
                .as_ref()
                .unwrap()
                .hrp,
            "tb"
        );
        let sol = MINIMAL
            .replace("\"evm\"", "\"solana\"")
            .replace("chain_id = 31337\n", "")
            + "[[chains.local.tokens]]\nsymbol = \"USDC\"\naddress = \"0x12\"\ndecimals = 6\n";
        assert!(format!("{:#}", parse(&sol).unwrap_err()).contains("not a Solana mint"));
        let tron_token = MINIMAL
            .replace("\"evm\"", "\"tron\"")
            .replace("chain_id = 31337\n", "")
            + "[[chains.local.tokens]]\nsymbol = \"USDT\"\naddress = \"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u\"\ndecimals = 6\n";
        assert!(format!("{:#}", parse(&tron_token).unwrap_err()).contains("checksum"));
        let unknown = MINIMAL.replace("rpc =", "address_hrp = \"bc\"\nrpc =");
        assert!(format!("{:#}", parse(&unknown).unwrap_err()).contains("address_hrp"));
    }
}
