//! The chains.toml schema. `parse` is pure and validates everything a lookup
//! relies on (so a bad file fails at start-up with the key that is wrong, not
//! halfway through a lookup); `load` only reads the file. The file at the top
//! of the repository is compiled in as `BUILTIN`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use serde::Deserialize;

/// The chains.toml shipped inside the binary: real public endpoints, no keys.
pub const BUILTIN: &str = include_str!("../chains.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    chains: IndexMap<String, RawChain>,
}

/// The keys every chain has; the rest are its family's (`own`), read by
/// `ChainFamily::check_chain`, which refuses the ones it does not know.
#[derive(Debug, Clone, Deserialize)]
struct RawChain {
    name: String,
    family: Family,
    symbol: String,
    decimals: u8,
    confirmations: u64,
    block_time_secs: f64,
    rpc: Vec<RawEndpoint>,
    /// Antelope: the history (Hyperion) endpoints, the same shape as `rpc`.
    #[serde(default)]
    history: Vec<RawEndpoint>,
    /// Calls (JSON-RPC calls or REST requests) per second, for each endpoint
    /// that does not set its own.
    rps: Option<f64>,
    /// JSON-RPC calls per HTTP request, for each endpoint that does not set its own.
    max_batch: Option<usize>,
    /// Seconds over which `rps` is counted (a provider's budget span).
    rps_window: Option<f64>,
    explorer_tx: String,
    #[serde(default)]
    explorer_tx_aliases: Vec<String>,
    explorer_address: Option<String>,
    api_key_env: Option<String>,
    api_key_header: Option<String>,
    api_key_host: Option<String>,
    #[serde(default)]
    tokens: Vec<TokenEntry>,
    #[serde(flatten)]
    own: toml::Table,
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
    rps_window: Option<f64>,
}

pub use crate::chain::spec::{
    AddressFormat, ApiKey, Chain, Config, DEFAULT_LOGS_BLOCK_RANGE, DEFAULT_MAX_BATCH, Limits,
    Token,
};
use crate::chain::spec::{FamilyKeys, TokenEntry};
pub use crate::model::Family;

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
    window: Option<f64>,
    inherited: Limits,
    at: &str,
) -> Result<Limits> {
    if let Some(w) = window
        && !(w.is_finite() && (1.0..=86_400.0).contains(&w))
    {
        bail!(
            "{} must be a number of seconds between 1 and 86400 (got {w})",
            at.replace("rps", "rps_window")
        );
    }
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
        window: window.or(inherited.window),
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
    if c.rpc.is_empty() {
        bail!("{} lists no endpoint", at("rpc"));
    }
    let chain_limits = limits(
        c.rps,
        c.max_batch,
        c.rps_window,
        Limits::default(),
        &at("rps"),
    )?;
    let endpoint_list = |list: Vec<RawEndpoint>, key: &str| -> Result<(Vec<String>, Vec<Limits>)> {
        Ok(list
            .into_iter()
            .map(|e| match e {
                RawEndpoint::Url(url) => Ok((url, chain_limits)),
                RawEndpoint::Table(t) => {
                    let l = limits(
                        t.rps,
                        t.max_batch,
                        t.rps_window,
                        chain_limits,
                        &at(&format!("{key}.rps")),
                    )?;
                    Ok((t.url, l))
                }
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip())
    };
    let (history, history_limits) = endpoint_list(c.history, "history")?;
    let (rpc, limits) = endpoint_list(c.rpc, "rpc")?;
    for url in rpc.iter().chain(&history) {
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
    let own = crate::chain::family::of(c.family).check_chain(&FamilyKeys {
        at: format!("chains.{key}"),
        tokens: c.tokens,
        own: c.own,
        history: history.len(),
    })?;
    Ok(Chain {
        key,
        name: c.name,
        family: c.family,
        chain_id: own.chain_id,
        genesis_hash: own.genesis_hash,
        symbol: c.symbol,
        decimals: c.decimals,
        confirmations: c.confirmations,
        block_time_secs: c.block_time_secs,
        rpc,
        limits,
        history,
        history_limits,
        explorer_tx: c.explorer_tx,
        explorer_tx_aliases: c.explorer_tx_aliases,
        explorer_address: c.explorer_address,
        api_key,
        address_format: own.address_format,
        logs_block_range: own.logs_block_range,
        tokens: own.tokens,
        substrate: own.substrate,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn bsc_stablecoins_have_18_decimals_elsewhere_6() {
        let cfg = parse(BUILTIN).unwrap();
        for c in &cfg.chains {
            // EOS tokens are 4-decimal assets (USDT on EOS included).
            let want = match c.key.as_str() {
                "bsc" => 18,
                "eos" => 4,
                _ => 6,
            };
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
                max_batch: 20,
                window: None,
            }
        );
        assert_eq!(
            chain.limits_of("https://b.example"),
            Limits {
                rps: Some(0.5),
                max_batch: 20,
                window: None,
            }
        );
        assert_eq!(
            chain.limits_of("https://c.example"),
            Limits {
                rps: Some(4.0),
                max_batch: 5,
                window: None,
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

    pub(crate) const MINIMAL: &str = r#"
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
        let half_key = MINIMAL.replace("rpc =", "api_key_env = \"K\"\nrpc =");
        assert!(format!("{:#}", parse(&half_key).unwrap_err()).contains("go together"));
    }

    #[test]
    fn token_addresses_are_checked() {
        let bad = format!(
            "{MINIMAL}\n[[chains.local.tokens]]\nsymbol = \"X\"\naddress = \"0x12\"\ndecimals = 6\n"
        );
        assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("tokens.address"));
    }
}
