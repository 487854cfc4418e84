//! What the user pasted → a `Query`: the thing to look up and the chains it can
//! be on. Pure: it needs the configuration (to recognise explorer links) and
//! nothing else, and it never touches the network, so bad input fails before
//! any request is sent.

use crate::config::{Chain, Config};

pub use crate::model::Target;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Exactly what the user gave, for the report's `query` field.
    pub input: String,
    pub target: Target,
    /// The chain keys to search, in configuration order. A link names one chain.
    pub chains: Vec<String>,
    /// True when an explorer link fixed the chain.
    pub from_link: bool,
}

/// Why an input cannot be looked up; each message is one line a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("nothing to look up: the query is empty")]
    Empty,
    /// Never carries the input: it is not to be repeated anywhere.
    #[error(
        "this looks like {0}: it was not looked up, sent anywhere or kept, and is not repeated here. \
         Nobody needs it to find a transfer, and support never asks for it; give the transaction \
         hash or the address instead. If it was shared with anyone, move the funds to a new wallet now"
    )]
    Secret(crate::secrets::Secret),
    #[error(
        "{shown} holds {what} at character {position}, so it is not the hash or address it looks like; \
         copy it again from the wallet or explorer (a look-alike can be a scam)"
    )]
    HiddenCharacter {
        shown: String,
        what: String,
        position: usize,
    },
    #[error(
        "{0} is not a transaction hash, address or explorer link (a transaction hash is 64 hex digits, with 0x on EVM chains)"
    )]
    Unrecognised(String),
    #[error("{shown:?} is a link to {host}, which is not a configured explorer{hint}")]
    UnknownExplorer {
        shown: String,
        host: String,
        hint: String,
    },
    #[error(
        "the link {0:?} is from a configured explorer but holds no transaction hash or address"
    )]
    LinkWithoutHash(String),
    #[error("there is no chain {0:?} in the configuration (see `txdoctor chains`)")]
    UnknownChain(String),
    #[error("the link is for chain {link}, but --chain {flag} was given")]
    ChainConflict { link: String, flag: String },
    #[error("no configured chain can hold {0}")]
    NoCandidateChain(String),
    /// In a family's format but broken (a checksum that fails): the
    /// family's words.
    #[error("{0}")]
    Malformed(String),
}

/// Parses one query. `only_chain` is the `--chain` flag.
pub fn parse(input: &str, config: &Config, only_chain: Option<&str>) -> Result<Query, QueryError> {
    if let Some(key) = only_chain
        && config.chain(key).is_none()
    {
        return Err(QueryError::UnknownChain(key.to_string()));
    }
    if let Some(secret) = crate::secrets::detect(input) {
        return Err(QueryError::Secret(secret));
    }
    let text = clean(input);
    if text.is_empty() {
        return Err(QueryError::Empty);
    }
    hidden_character(text)?;
    let (target, link_chain) = if looks_like_link(text) {
        let (target, chain) = parse_link(text, config)?;
        (target, Some(chain))
    } else {
        (parse_bare(text)?, None)
    };
    let chains = match (&link_chain, only_chain) {
        (Some(link), Some(flag)) if link != flag => {
            return Err(QueryError::ChainConflict {
                link: link.clone(),
                flag: flag.to_string(),
            });
        }
        (Some(link), _) => vec![link.clone()],
        (None, Some(flag)) => vec![flag.to_string()],
        (None, None) => config
            .chains
            .iter()
            .filter(|c| fits(&target, c))
            .map(|c| c.key.clone())
            .collect(),
    };
    if chains.is_empty() {
        return Err(QueryError::NoCandidateChain(target.describe().to_string()));
    }
    for key in &chains {
        if config.chain(key).is_some_and(|c| !fits(&target, c)) {
            return Err(QueryError::NoCandidateChain(format!(
                "{} on chain {key}",
                target.describe()
            )));
        }
    }
    Ok(Query {
        input: input.to_string(),
        target,
        chains,
        from_link: link_chain.is_some(),
    })
}

/// A query that is a hash, address or link except for one character that is
/// invisible (zero-width, a bidi override, a control character) or only looks
/// like ASCII (Cyrillic "х", a full-width "０"): named, not silently dropped.
fn hidden_character(text: &str) -> Result<(), QueryError> {
    let total = text.chars().count();
    let odd: Vec<(usize, char)> = text
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_ascii() || c.is_ascii_control())
        .collect();
    // Mostly something else (a sentence in another script): the generic error says so.
    let Some(&(position, c)) = odd.first() else {
        return Ok(());
    };
    if odd.len() * 10 > total {
        return Ok(());
    }
    Err(QueryError::HiddenCharacter {
        shown: shorten(text),
        what: describe_char(c),
        position: position + 1,
    })
}

/// A control character, or one that shows nothing but changes how text is
/// read: zero-width characters, direction marks, overrides and isolates,
/// the byte-order mark. Never put raw into an error, log or record.
pub fn is_invisible(c: char) -> bool {
    // One definition of the characters that must not reach a terminal.
    crate::safe::is_unsafe(c)
}

/// "U+202E (right-to-left override, invisible)" and the like.
pub fn describe_char(c: char) -> String {
    let code = format!("U+{:04X}", c as u32);
    let kind = match c as u32 {
        0x200B => "zero-width space, invisible",
        0x200C | 0x200D | 0x2060 | 0xFEFF => "zero-width joiner, invisible",
        0x200E | 0x200F | 0x061C => "direction mark, invisible",
        0x202A..=0x202E | 0x2066..=0x2069 => "text-direction override, invisible",
        0x00A0 | 0x2000..=0x200A | 0x3000 => "a special space",
        0x0000..=0x001F | 0x007F..=0x009F => "a control character",
        0x0370..=0x03FF => "a Greek letter that looks like a Latin one",
        0x0400..=0x04FF => "a Cyrillic letter that looks like a Latin one",
        0xFF01..=0xFF5E => "a full-width character from an input method; type it half-width",
        _ => "not a character hashes, addresses or links use",
    };
    if is_invisible(c) {
        format!("{code} ({kind})")
    } else {
        format!("{c:?} {code} ({kind})")
    }
}

pub use crate::safe::shorten;

/// Strips what customers wrap around a paste: whitespace, quotes, backticks,
/// angle brackets and a trailing slash.
pub fn clean(input: &str) -> &str {
    let quotes: &[char] = &['"', '\'', '`', '“', '”', '‘', '’', '<', '>'];
    let mut s = input.trim();
    loop {
        let next = s.trim_matches(quotes).trim().trim_end_matches('/').trim();
        if next == s {
            return s;
        }
        s = next;
    }
}

fn looks_like_link(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

/// Whether `chain` can hold what `target` names: its family says.
fn fits(target: &Target, chain: &Chain) -> bool {
    crate::chain::family::of(chain.family).holds(target, chain)
}

/// A hash, id or address on its own, as the first family that reads it
/// reads it (`ChainFamily::read`): checksums are verified where the format has one.
fn parse_bare(s: &str) -> Result<Target, QueryError> {
    match crate::chain::family::read(s) {
        Some(Ok(target)) => Ok(target),
        Some(Err(why)) => Err(QueryError::Malformed(why)),
        None => Err(QueryError::Unrecognised(shorten(s))),
    }
}

/// Normalises a URL for prefix matching: lower-case scheme and host, no `www.`.
fn normalise_link(s: &str) -> String {
    let s = if s.to_ascii_lowercase().starts_with("www.") {
        format!("https://{s}")
    } else {
        s.to_string()
    };
    // http and https links name the same page: compare both as https.
    let rest = s.split_once("://").map_or(s.as_str(), |(_, rest)| rest);
    let (host, path) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("https://{host}{path}")
}

fn parse_link(text: &str, config: &Config) -> Result<(Target, String), QueryError> {
    let link = normalise_link(text);
    // A link that names a test network in its query string (where the
    // explorer's host is the same for every network) is not mainnet's.
    if let Some(network) = crate::model::Family::ALL
        .iter()
        .find_map(|f| crate::chain::family::of(*f).test_network(&link))
    {
        return Err(QueryError::UnknownExplorer {
            shown: text.to_string(),
            host: network,
            hint: "; only mainnet is configured".to_string(),
        });
    }
    for chain in &config.chains {
        let templates = chain
            .tx_templates()
            .chain(chain.explorer_address.as_deref());
        for template in templates {
            let placeholder = if template.contains("{hash}") {
                "{hash}"
            } else {
                "{address}"
            };
            let Some((prefix, _)) = template.split_once(placeholder) else {
                continue;
            };
            let prefix = normalise_link(prefix);
            let Some(rest) = strip_prefix_ignore_case(&link, &prefix) else {
                continue;
            };
            let id = rest.split(['/', '?', '#', '&']).next().unwrap_or("");
            return match parse_bare(id) {
                // The id of a family that writes no 0x, pasted with a stray
                // 0x, is still that id.
                Ok(Target::Tx { hash, .. })
                    if !crate::chain::family::of(chain.family).prefixes_hashes() =>
                {
                    Ok((
                        Target::Tx {
                            hash,
                            prefixed: false,
                        },
                        chain.key.clone(),
                    ))
                }
                Ok(target) => Ok((target, chain.key.clone())),
                Err(e @ QueryError::Malformed(_)) => Err(e),
                Err(_) => Err(QueryError::LinkWithoutHash(text.to_string())),
            };
        }
    }
    let host = link
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', '?', '#']).next())
        .unwrap_or("")
        .to_string();
    let hint = last_hex_run(&link)
        .and_then(|h| parse_bare(&h).ok().map(|_| h))
        .map(|h| format!("; to search every configured chain, paste the hash alone: {h}"))
        .unwrap_or_else(|| {
            "; paste the transaction hash alone, or add the explorer to chains.toml".to_string()
        });
    Err(QueryError::UnknownExplorer {
        shown: text.to_string(),
        host,
        hint,
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The last path segment that looks like a hash, for the hint on unknown links.
fn last_hex_run(link: &str) -> Option<String> {
    link.split(['/', '?', '#', '&', '='])
        .rfind(|seg| {
            let hex = seg.strip_prefix("0x").unwrap_or(seg);
            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(str::to_string)
}

/// What the query tests share with each family's reading tests.
#[cfg(test)]
pub(crate) mod testing {
    pub use super::{Query, QueryError, Target, parse};
    pub use alloy_primitives::B256;

    use crate::config::{BUILTIN, Config, parse as parse_config};

    /// The built-in chains whose transaction hashes carry `0x`, and those
    /// whose 64-hex ids carry none (from chains.toml).
    pub const PREFIXED_HASH_CHAINS: usize = 7;
    pub const BARE_ID_CHAINS: usize = 2;

    pub const HASH: &str = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";

    pub fn cfg() -> Config {
        parse_config(BUILTIN).unwrap()
    }

    pub fn tx(q: &Query) -> B256 {
        match q.target {
            Target::Tx { hash, .. } => hash,
            ref other => panic!("not a tx: {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_hash_in_any_wrapping_searches_every_chain_that_can_hold_it() {
        let cfg = cfg();
        let want: B256 = HASH.parse().unwrap();
        for input in [
            HASH.to_string(),
            HASH[2..].to_string(),
            HASH.to_uppercase().replace("0X", "0x"),
            HASH[2..].to_uppercase(),
            format!("  \"{HASH}\"\n"),
            format!("'{HASH}'"),
            format!("`{HASH}`"),
            format!("“{HASH}”"),
        ] {
            let q = parse(&input, &cfg, None).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(tx(&q), want, "{input:?}");
            let bare = !input.contains("0x") && !input.contains("0X");
            assert_eq!(
                q.chains.len(),
                PREFIXED_HASH_CHAINS + BARE_ID_CHAINS * usize::from(bare),
                "{input:?}: a bare 64-hex id may also be a chain's that writes no 0x"
            );
            assert!(!q.from_link);
            assert_eq!(q.input, input);
        }
    }

    #[test]
    fn chain_flag_restricts_the_search() {
        let q = parse(HASH, &cfg(), Some("bsc")).unwrap();
        assert_eq!(q.chains, ["bsc"]);
        assert_eq!(
            parse(HASH, &cfg(), Some("nope")).unwrap_err(),
            QueryError::UnknownChain("nope".into())
        );
    }

    #[test]
    fn every_configured_explorer_link_fixes_its_chain() {
        let cfg = cfg();
        // Solana links hold base58 signatures: tests/check_solana.rs covers them.
        for chain in cfg
            .chains
            .iter()
            .filter(|c| crate::chain::family::of(c.family).read(HASH).is_some())
        {
            for template in chain.tx_templates() {
                for link in [
                    template.replace("{hash}", HASH),
                    format!("{}/", template.replace("{hash}", HASH)),
                    template
                        .replace("{hash}", HASH)
                        .replace("https://", "https://www."),
                    template.replace("{hash}", &HASH[2..].to_uppercase()),
                    format!("{}?tab=logs#eventlog", template.replace("{hash}", HASH)),
                    format!(" <{}> ", template.replace("{hash}", HASH)),
                ] {
                    let q = parse(&link, &cfg, None).unwrap_or_else(|e| panic!("{link}: {e}"));
                    assert_eq!(q.chains, std::slice::from_ref(&chain.key), "{link}");
                    assert!(q.from_link);
                    assert_eq!(tx(&q), HASH.parse::<B256>().unwrap());
                }
            }
        }
    }

    #[test]
    fn bscscan_link_is_bsc_and_conflicting_flag_is_refused() {
        let link = format!("https://bscscan.com/tx/{HASH}");
        assert_eq!(parse(&link, &cfg(), None).unwrap().chains, ["bsc"]);
        assert!(matches!(
            parse(&link, &cfg(), Some("eth")),
            Err(QueryError::ChainConflict { .. })
        ));
    }

    #[test]
    fn testnet_and_unknown_explorers_are_refused_with_the_hash_as_hint() {
        for link in [
            format!("https://sepolia.etherscan.io/tx/{HASH}"),
            format!("https://testnet.bscscan.com/tx/{HASH}"),
            format!("https://example.com/tx/{HASH}"),
        ] {
            match parse(&link, &cfg(), None) {
                Err(QueryError::UnknownExplorer { hint, .. }) => {
                    assert!(hint.contains(HASH), "{hint}")
                }
                other => panic!("{link}: {other:?}"),
            }
        }
    }

    #[test]
    fn garbage_is_refused() {
        let cfg = cfg();
        for input in [
            "",
            "   ",
            "hello",
            "0x1234",
            &HASH[..65],
            &format!("{HASH}00"),
            "0xzz504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
            "dAC17F958D2ee523a2206206994597C13D831ec7",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        ] {
            assert!(parse(input, &cfg, None).is_err(), "{input:?} was accepted");
        }
        assert!(matches!(
            parse("https://etherscan.io/tx/0x1234", &cfg, None),
            Err(QueryError::LinkWithoutHash(_))
        ));
    }
}
