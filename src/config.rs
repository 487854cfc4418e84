//! The chains.toml schema. `parse` is pure and validates everything a lookup
//! relies on (so a bad file fails at start-up with the key that is wrong, not
//! halfway through a lookup); `load` only reads the file. The file at the top
//! of the repository is compiled in as `BUILTIN`.

use std::path::Path;

use alloy_primitives::Address;
use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use serde::Deserialize;

/// The chains.toml shipped inside the binary: real public endpoints, no keys.
pub const BUILTIN: &str = include_str!("../chains.toml");

/// Families a chain can belong to; each has its own adapter under `chain/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Evm,
    Tron,
    Bitcoin,
    Solana,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Evm => "evm",
            Family::Tron => "tron",
            Family::Bitcoin => "bitcoin",
            Family::Solana => "solana",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    chains: IndexMap<String, RawChain>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChain {
    name: String,
    family: Family,
    chain_id: Option<u64>,
    /// Solana: the cluster's genesis hash (`getGenesisHash`), checked like an EVM chain id.
    genesis_hash: Option<String>,
    symbol: String,
    decimals: u8,
    confirmations: u64,
    block_time_secs: f64,
    rpc: Vec<RawEndpoint>,
    /// Calls (JSON-RPC calls or REST requests) per second, for each endpoint
    /// that does not set its own.
    rps: Option<f64>,
    /// JSON-RPC calls per HTTP request, for each endpoint that does not set its own.
    max_batch: Option<usize>,
    explorer_tx: String,
    #[serde(default)]
    explorer_tx_aliases: Vec<String>,
    explorer_address: Option<String>,
    api_key_env: Option<String>,
    api_key_header: Option<String>,
    api_key_host: Option<String>,
    /// Bitcoin family: segwit human-readable part and base58 version bytes.
    address_hrp: Option<String>,
    address_versions: Option<Vec<u8>>,
    /// EVM: the most blocks one `eth_getLogs` call may span on these endpoints.
    logs_block_range: Option<u64>,
    #[serde(default)]
    tokens: Vec<RawToken>,
}

/// An `rpc` entry: a URL, or a table with the URL and its own limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawEndpoint {
    Url(String),
    Table(RawEndpointTable),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpointTable {
    url: String,
    rps: Option<f64>,
    max_batch: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    symbol: String,
    address: String,
    decimals: u8,
}

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
}

/// How hard one endpoint may be asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Calls per second (a JSON-RPC call inside a batch counts as one, as
    /// providers count them); `None`: no limit until the endpoint says so.
    pub rps: Option<f64>,
    /// The most JSON-RPC calls sent in one HTTP request.
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rps: None,
            max_batch: DEFAULT_MAX_BATCH,
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
    /// Solana: the token's mint account, base58 (32 bytes).
    pub mint: Option<String>,
    pub decimals: u8,
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
        self.rpc
            .iter()
            .position(|u| u == url)
            .and_then(|i| self.limits.get(i).copied())
            .unwrap_or_default()
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

/// Reads and parses a chains.toml file.
pub fn load(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    parse(&text).with_context(|| format!("invalid configuration {}", path.display()))
}

/// Parses and validates chains.toml text.
pub fn parse(text: &str) -> Result<Config> {
    let raw: RawFile = toml::from_str(text)?;
    if raw.chains.is_empty() {
        bail!("no chains configured: add at least one [chains.<key>] table");
    }
    let chains = raw
        .chains
        .into_iter()
        .map(|(key, c)| validate(key, c))
        .collect::<Result<Vec<_>>>()?;
    Ok(Config { chains })
}

/// The slowest and fastest paces chains.toml may set: below one call in ten
/// seconds a lookup could not finish within any timeout; above a million a
/// second the number is a typo.
const MIN_RPS: f64 = 0.1;
const MAX_RPS: f64 = 1_000_000.0;

/// `rps` and `max_batch` as given, else as inherited; both must be positive.
fn limits(
    rps: Option<f64>,
    max_batch: Option<usize>,
    inherited: Limits,
    at: &str,
) -> Result<Limits> {
    if let Some(r) = rps
        && !(r.is_finite() && (MIN_RPS..=MAX_RPS).contains(&r))
    {
        bail!(
            "{at} must be a number of calls per second between {MIN_RPS} and {MAX_RPS} (got {r})"
        );
    }
    if max_batch == Some(0) {
        bail!("{} must be at least 1", at.replace("rps", "max_batch"));
    }
    Ok(Limits {
        rps: rps.or(inherited.rps),
        max_batch: max_batch.unwrap_or(inherited.max_batch),
    })
}

/// An explorer link template that is safe to put in a reply: https, or
/// http to a loopback host (a local explorer); never `javascript:`, `file:`
/// or any other scheme a pasted link could abuse.
fn is_link_template(template: &str, placeholder: &str) -> bool {
    let Ok(u) = url::Url::parse(&template.replace(placeholder, "x")) else {
        return false;
    };
    match u.scheme() {
        "https" => u.host_str().is_some(),
        "http" => {
            matches!(u.host(), Some(url::Host::Domain("localhost")))
                || matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
                || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        }
        _ => false,
    }
}

fn validate(key: String, c: RawChain) -> Result<Chain> {
    let at = |field: &str| format!("chains.{key}.{field}");
    if key.is_empty()
        || !key
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        bail!("chain key {key:?} must be letters, digits, '-' or '_'");
    }
    match c.family {
        Family::Evm => {
            if c.chain_id.is_none() {
                bail!(
                    "{} is required for an evm chain: every endpoint is checked against it",
                    at("chain_id")
                );
            }
        }
        Family::Tron | Family::Bitcoin | Family::Solana => {}
    }
    let address_format = match (c.family, c.address_hrp, c.address_versions) {
        (Family::Bitcoin, Some(hrp), Some(versions)) => {
            if hrp.is_empty() || !hrp.bytes().all(|b| b.is_ascii_alphanumeric()) {
                bail!(
                    "{} must be letters and digits, e.g. \"bc\"",
                    at("address_hrp")
                );
            }
            Some(AddressFormat {
                hrp: hrp.to_ascii_lowercase(),
                versions,
            })
        }
        (Family::Bitcoin, _, _) => bail!(
            "{} and {} are required for a bitcoin chain (Bitcoin: \"bc\" and [0, 5]; testnet and signet: \"tb\" and [111, 196])",
            at("address_hrp"),
            at("address_versions")
        ),
        (_, None, None) => None,
        _ => bail!(
            "{} and {} apply to bitcoin chains only",
            at("address_hrp"),
            at("address_versions")
        ),
    };
    if c.family == Family::Bitcoin && !c.tokens.is_empty() {
        bail!("{}: a bitcoin chain has no tokens", at("tokens"));
    }
    let api_key = match (c.api_key_env, c.api_key_header, c.api_key_host) {
        (None, None, None) => None,
        (Some(env), Some(header), Some(host)) => Some(ApiKey { env, header, host }),
        _ => bail!(
            "{}, {} and {} go together: the variable holding the key, the header to send it in, and the one host to send it to",
            at("api_key_env"),
            at("api_key_header"),
            at("api_key_host")
        ),
    };
    let logs_block_range = match (c.family, c.logs_block_range) {
        (_, Some(0)) => bail!("{} must be at least 1", at("logs_block_range")),
        (Family::Evm, r) => r.unwrap_or(DEFAULT_LOGS_BLOCK_RANGE),
        (_, None) => DEFAULT_LOGS_BLOCK_RANGE,
        (_, Some(_)) => bail!("{} applies to evm chains only", at("logs_block_range")),
    };
    if c.rpc.is_empty() {
        bail!("{} lists no endpoint", at("rpc"));
    }
    let chain_limits = limits(c.rps, c.max_batch, Limits::default(), &at("rps"))?;
    let (rpc, limits): (Vec<String>, Vec<Limits>) = c
        .rpc
        .into_iter()
        .map(|e| match e {
            RawEndpoint::Url(url) => Ok((url, chain_limits)),
            RawEndpoint::Table(t) => {
                let l = limits(t.rps, t.max_batch, chain_limits, &at("rpc.rps"))?;
                Ok((t.url, l))
            }
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    for url in &rpc {
        let parsed = url::Url::parse(url).with_context(|| {
            format!(
                "{}: {:?} is not a URL",
                at("rpc"),
                crate::codec::url::redact_url(url)
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("{}: only http and https endpoints are supported", at("rpc"));
        }
    }
    if c.confirmations == 0 {
        bail!("{} must be at least 1", at("confirmations"));
    }
    if !(c.block_time_secs.is_finite() && c.block_time_secs > 0.0) {
        bail!(
            "{} must be a positive number of seconds",
            at("block_time_secs")
        );
    }
    for t in std::iter::once(&c.explorer_tx).chain(&c.explorer_tx_aliases) {
        if !t.contains("{hash}") || !is_link_template(t, "{hash}") {
            bail!(
                "{}: {t:?} must be an https:// URL containing {{hash}} (http:// only for a loopback address)",
                at("explorer_tx")
            );
        }
    }
    if let Some(t) = &c.explorer_address
        && !(t.contains("{address}") && is_link_template(t, "{address}"))
    {
        bail!(
            "{}: {t:?} must be an https:// URL containing {{address}} (http:// only for a loopback address)",
            at("explorer_address")
        );
    }
    let tokens = c
        .tokens
        .into_iter()
        .map(|t| {
            let mut mint = None;
            let address = match c.family {
                Family::Tron => crate::codec::tron_address::from_base58(&t.address)
                    .map_err(anyhow::Error::from)
                    .with_context(|| format!("{}: {:?}", at("tokens.address"), t.address))?,
                Family::Solana => {
                    if bs58::decode(&t.address).into_vec().map(|b| b.len()) != Ok(32) {
                        bail!(
                            "{}: {:?} is not a Solana mint address (base58, 32 bytes)",
                            at("tokens.address"),
                            t.address
                        );
                    }
                    mint = Some(t.address.clone());
                    Address::ZERO
                }
                _ => t.address.parse::<Address>().with_context(|| {
                    format!(
                        "{}: {:?} is not a 0x address",
                        at("tokens.address"),
                        t.address
                    )
                })?,
            };
            Ok(Token {
                symbol: t.symbol,
                address,
                mint,
                decimals: t.decimals,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Chain {
        key,
        name: c.name,
        family: c.family,
        chain_id: c.chain_id,
        genesis_hash: c.genesis_hash,
        symbol: c.symbol,
        decimals: c.decimals,
        confirmations: c.confirmations,
        block_time_secs: c.block_time_secs,
        rpc,
        limits,
        explorer_tx: c.explorer_tx,
        explorer_tx_aliases: c.explorer_tx_aliases,
        explorer_address: c.explorer_address,
        api_key,
        address_format,
        logs_block_range,
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_has_the_evm_chains_and_tron_in_order() {
        let cfg = parse(BUILTIN).unwrap();
        let keys: Vec<_> = cfg.chains.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "eth", "bsc", "polygon", "arbitrum", "op", "base", "avax", "tron", "btc", "sol"
            ]
        );
        let ids: Vec<_> = cfg.chains.iter().filter_map(|c| c.chain_id).collect();
        assert_eq!(ids, [1, 56, 137, 42161, 10, 8453, 43114]);
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
            assert!(c.rpc.len() >= 2, "{} needs two endpoints", c.key);
            assert!(c.rpc.iter().all(|u| u.starts_with("https://")), "{}", c.key);
            if c.family == Family::Bitcoin {
                continue;
            }
            assert!(
                c.tokens.iter().any(|t| t.symbol.starts_with("USDT")),
                "{} lacks USDT",
                c.key
            );
            assert!(
                c.tokens.iter().any(|t| t.symbol == "USDC"),
                "{} lacks USDC",
                c.key
            );
        }
    }

    #[test]
    fn bsc_stablecoins_have_18_decimals_elsewhere_6() {
        let cfg = parse(BUILTIN).unwrap();
        for c in &cfg.chains {
            let want = if c.key == "bsc" { 18 } else { 6 };
            for t in &c.tokens {
                assert_eq!(t.decimals, want, "{} {}", c.key, t.symbol);
            }
        }
    }

    #[test]
    fn endpoint_limits_come_from_the_entry_then_the_chain() {
        let text = MINIMAL.replace(
            "rpc = [\"http://127.0.0.1:8545\"]",
            "rps = 4\nmax_batch = 20\nrpc = [\"https://a.example\", { url = \"https://b.example\", rps = 0.5 }, { url = \"https://c.example\", max_batch = 5 }]",
        );
        let c = parse(&text).unwrap();
        let chain = &c.chains[0];
        assert_eq!(
            chain.rpc,
            [
                "https://a.example",
                "https://b.example",
                "https://c.example"
            ]
        );
        assert_eq!(
            chain.limits_of("https://a.example"),
            Limits {
                rps: Some(4.0),
                max_batch: 20
            }
        );
        assert_eq!(
            chain.limits_of("https://b.example"),
            Limits {
                rps: Some(0.5),
                max_batch: 20
            }
        );
        assert_eq!(
            chain.limits_of("https://c.example"),
            Limits {
                rps: Some(4.0),
                max_batch: 5
            }
        );
        let bad = MINIMAL.replace("rpc = [", "rps = 0\nrpc = [");
        assert!(parse(&bad).unwrap_err().to_string().contains("rps"));
        // Issue 18: a pace that would hang or overflow is refused at load.
        for rps in ["1e-300", "1e-9", "1e300", "nan", "inf"] {
            let bad = MINIMAL.replace("rpc = [", &format!("rps = {rps}\nrpc = ["));
            assert!(
                format!("{:#}", parse(&bad).unwrap_err()).contains("between"),
                "{rps}"
            );
        }
        let bad = MINIMAL.replace(
            "rpc = [\"http://127.0.0.1:8545\"]",
            "rpc = [{ url = \"https://a.example\", max_batch = 0 }]",
        );
        assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("max_batch"));
        let builtin = parse(BUILTIN).unwrap();
        let bsc = builtin.chain("bsc").unwrap();
        assert_eq!(
            bsc.limits_of("https://bsc-dataseed.bnbchain.org").rps,
            Some(33.0)
        );
        assert_eq!(
            bsc.limits_of("https://bsc-rpc.publicnode.com"),
            Limits::default()
        );
    }

    #[test]
    fn fractional_block_time_is_accepted() {
        let cfg = parse(BUILTIN).unwrap();
        assert_eq!(cfg.chain("bsc").unwrap().block_time_secs, 0.45);
        assert_eq!(cfg.chain("eth").unwrap().block_time_secs, 12.0);
    }

    const MINIMAL: &str = r#"
[chains.local]
name = "Local"
family = "evm"
chain_id = 31337
symbol = "ETH"
decimals = 18
confirmations = 3
block_time_secs = 1
rpc = ["http://127.0.0.1:8545"]
explorer_tx = "https://example.org/tx/{hash}"
"#;

    #[test]
    fn minimal_contract_shape_parses() {
        let cfg = parse(MINIMAL).unwrap();
        let c = &cfg.chains[0];
        assert_eq!(
            (c.key.as_str(), c.chain_id, c.confirmations),
            ("local", Some(31337), 3)
        );
        assert!(c.tokens.is_empty());
    }

    #[test]
    fn errors_name_the_key_at_fault() {
        let no_id = MINIMAL.replace("chain_id = 31337\n", "");
        assert!(format!("{:#}", parse(&no_id).unwrap_err()).contains("chains.local.chain_id"));
        let bad_rpc = MINIMAL.replace("http://127.0.0.1:8545", "not a url");
        assert!(format!("{:#}", parse(&bad_rpc).unwrap_err()).contains("chains.local.rpc"));
        let no_placeholder = MINIMAL.replace("/tx/{hash}", "/tx/");
        assert!(format!("{:#}", parse(&no_placeholder).unwrap_err()).contains("explorer_tx"));
        // Issue 18: a link pasted into a reply is https (http only to loopback).
        for bad in [
            "javascript:alert(1)//{hash}",
            "http://example.org/tx/{hash}",
            "file:///tmp/{hash}",
            "data:text/html,{hash}",
        ] {
            let cfg = MINIMAL.replace("https://example.org/tx/{hash}", bad);
            assert!(
                format!("{:#}", parse(&cfg).unwrap_err()).contains("https://"),
                "{bad}"
            );
        }
        for good in [
            "http://127.0.0.1:4000/tx/{hash}",
            "http://localhost/tx/{hash}",
        ] {
            assert!(parse(&MINIMAL.replace("https://example.org/tx/{hash}", good)).is_ok());
        }
        let typo = MINIMAL.replace("symbol = ", "symbl = ");
        assert!(parse(&typo).is_err());
        let btc = MINIMAL.replace("\"evm\"", "\"bitcoin\"");
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
        let sol = MINIMAL.replace("\"evm\"", "\"solana\"")
            + "[[chains.local.tokens]]\nsymbol = \"USDC\"\naddress = \"0x12\"\ndecimals = 6\n";
        assert!(format!("{:#}", parse(&sol).unwrap_err()).contains("not a Solana mint"));
        let half_key = MINIMAL.replace("rpc =", "api_key_env = \"K\"\nrpc =");
        assert!(format!("{:#}", parse(&half_key).unwrap_err()).contains("go together"));
        let tron_token = MINIMAL.replace("\"evm\"", "\"tron\"")
            + "[[chains.local.tokens]]\nsymbol = \"USDT\"\naddress = \"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u\"\ndecimals = 6\n";
        assert!(format!("{:#}", parse(&tron_token).unwrap_err()).contains("checksum"));
    }

    #[test]
    fn token_addresses_are_checked() {
        let bad = format!(
            "{MINIMAL}\n[[chains.local.tokens]]\nsymbol = \"X\"\naddress = \"0x12\"\ndecimals = 6\n"
        );
        assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("tokens.address"));
    }
}
