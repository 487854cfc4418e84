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
    /// The token contract of an explorer's token page for an address
    /// (`/token/<contract>?a=<address>`): the address is shown for it.
    pub token: Option<String>,
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
    #[error(
        "the text holds {} things to look up ({}); give one at a time",
        .0.len(),
        .0.join(", ")
    )]
    SeveralCandidates(Vec<String>),
    #[error("{shown:?} is {page} on {host}, which names no transaction or address: {hint}")]
    UnreadPage {
        shown: String,
        page: String,
        host: String,
        hint: String,
    },
    #[error("{0}")]
    Retired(String),
    /// In a family's format but broken (a checksum that fails): the
    /// family's words.
    #[error("{0}")]
    Malformed(String),
}

/// Parses one query. `only_chain` is the `--chain` flag.
pub fn parse(input: &str, config: &Config, only_chain: Option<&str>) -> Result<Query, QueryError> {
    if let Some(key) = only_chain.filter(|k| retired(k).is_some() && config.chain(k).is_none()) {
        return Err(QueryError::Retired(retired(key).unwrap_or_default()));
    }
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
    let Reading {
        target,
        chain: link_chain,
        token,
    } = match read_one(text, config) {
        Ok(r) => r,
        Err(whole) => read_within(text, config).unwrap_or(Err(whole))?,
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
        token,
    })
}

/// What one hash, address or link reads as.
struct Reading {
    target: Target,
    /// The chain an explorer link names.
    chain: Option<String>,
    token: Option<String>,
}

fn read_one(text: &str, config: &Config) -> Result<Reading, QueryError> {
    hidden_character(text)?;
    if looks_like_link(text) {
        let (target, chain, token) = parse_link(text, config)?;
        Ok(Reading {
            target,
            chain: Some(chain),
            token,
        })
    } else {
        Ok(Reading {
            target: parse_bare(text)?,
            chain: None,
            token: None,
        })
    }
}

/// A hash, address or link inside a message ("Txn Hash: 0x…", "交易哈希：…",
/// a link followed by a full stop): the one piece that reads, when exactly
/// one does. `None` when the text is one piece (its own error stands) or no
/// piece reads and none is a broken candidate.
fn read_within(text: &str, config: &Config) -> Option<Result<Reading, QueryError>> {
    let pieces = pieces(text);
    if pieces.len() < 2 && pieces.first().is_none_or(|p| *p == text) {
        return None;
    }
    let mut found: Vec<(String, Reading)> = Vec::new();
    let mut broken = None;
    for piece in pieces {
        match read_one(piece, config) {
            // An ordinary word that is also an account name is not picked
            // out of a message.
            Ok(r) if r.target.is_weak() => {}
            Ok(r) => {
                if !found.iter().any(|(p, _)| p.eq_ignore_ascii_case(piece)) {
                    found.push((piece.to_string(), r));
                }
            }
            Err(QueryError::Unrecognised(_)) => {}
            Err(e) => {
                broken.get_or_insert(e);
            }
        }
    }
    match found.len() {
        0 => broken.map(Err),
        1 => found.pop().map(|(_, r)| Ok(r)),
        _ => Some(Err(QueryError::SeveralCandidates(
            found.into_iter().map(|(p, _)| shorten(&p)).collect(),
        ))),
    }
}

/// The pieces of a message that could be a hash, address or link: split at
/// whitespace, links kept whole, the rest split at the punctuation people
/// write around an id ("Hash:", "（", "，"), trailing full stops dropped.
fn pieces(text: &str) -> Vec<&str> {
    const AROUND: &[char] = &[
        ':', '：', '=', ',', '，', '。', '、', ';', '；', '(', ')', '（', '）', '[', ']', '【',
        '】', '<', '>', '《', '》', '`', '"', '\'', '“', '”', '‘', '’', '|', '!', '?', '！', '？',
    ];
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        match word.find("http://").or_else(|| word.find("https://")) {
            Some(at) => {
                out.extend(word[..at].split(AROUND));
                out.push(word[at..].trim_end_matches(|c: char| AROUND.contains(&c)));
            }
            None => out.extend(word.split(AROUND)),
        }
    }
    out.into_iter()
        .map(|p| clean(p.trim_end_matches('.')))
        .filter(|p| p.bytes().any(|b| b.is_ascii_alphanumeric()))
        .collect()
}

/// A chain that no longer runs, by the keys and names people use for it:
/// what to tell them instead of looking anything up.
fn retired(key: &str) -> Option<String> {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "oktc" | "okc" | "okt" | "okexchain"
    )
    .then(|| {
        "OKTC (OKX's OKT Chain, chain id 66) has been retired: its network no longer runs, so its \
         transactions cannot be looked up, and OKX converted OKT balances to OKB. Ask OKX support \
         about an OKTC balance; for a transfer on another chain, give its hash or link"
            .to_string()
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

fn parse_link(text: &str, config: &Config) -> Result<(Target, String, Option<String>), QueryError> {
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
    if let Some(rest) = strip_prefix_ignore_case(&link, "https://oklink.com/")
        && let Some(key) = rest.split(['/', '?', '#']).next()
        && let Some(why) = retired(key)
    {
        return Err(QueryError::Retired(why));
    }
    // A page of the form a template names: the id is where its placeholder is.
    for chain in &config.chains {
        for template in templates(chain) {
            let Some((prefix, _)) = template.split_once(placeholder(template)) else {
                continue;
            };
            let prefix = normalise_link(prefix);
            let Some(rest) = strip_prefix_ignore_case(&link, &prefix) else {
                continue;
            };
            let id = rest.split(['/', '?', '#', '&']).next().unwrap_or("");
            let account = placeholder(template) == "{address}";
            return read_link_id(text, id, chain, account).map(|t| (t, chain.key.clone(), None));
        }
    }
    // Another page of a configured explorer's site: the page says what it is.
    for chain in &config.chains {
        for template in templates(chain) {
            let Some(root) = site_root(template) else {
                continue;
            };
            let root = normalise_link(&root);
            let home = link.eq_ignore_ascii_case(root.trim_end_matches('/'));
            if let Some(rest) = strip_prefix_ignore_case(&link, &root).or(home.then_some("")) {
                return read_page(text, rest, chain);
            }
        }
    }
    let host = link
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', '?', '#']).next())
        .unwrap_or("")
        .to_string();
    // polkadot.js apps' explorer pages name a block (and the node they ask),
    // not an extrinsic: say what to paste instead.
    if host == "polkadot.js.org" {
        return Err(QueryError::UnreadPage {
            shown: shorten(text),
            page: "a polkadot.js apps page".into(),
            host,
            hint: "paste the extrinsic's id as block-index (for example 11852237-2, shown on the \
                   block's page) or its Subscan link"
                .into(),
        });
    }
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

/// Every explorer template of a chain: transaction pages, then the address page.
fn templates(chain: &Chain) -> impl Iterator<Item = &str> {
    chain
        .tx_templates()
        .chain(chain.explorer_address.as_deref())
}

fn placeholder(template: &str) -> &'static str {
    if template.contains("{hash}") {
        "{hash}"
    } else {
        "{address}"
    }
}

/// The site a template's pages hang from: "https://etherscan.io/" for
/// ".../tx/{hash}", "https://tronscan.org/#/" for ".../#/transaction/{hash}".
fn site_root(template: &str) -> Option<String> {
    let (prefix, _) = template.split_once(placeholder(template))?;
    let page = prefix.trim_end_matches('/');
    let (root, _) = page.rsplit_once('/')?;
    root.contains("://").then(|| format!("{root}/"))
}

/// The id in a link: a transaction, an address; anything else is a link
/// without one.
fn read_link_id(text: &str, id: &str, chain: &Chain, account: bool) -> Result<Target, QueryError> {
    // What only the family's pages hold (an Aptos version, a short address).
    if let Some(target) = crate::chain::family::of(chain.family).read_in_link(id, account) {
        return Ok(target);
    }
    match parse_bare(id) {
        // The id of a family that writes no 0x, pasted with a stray 0x, is
        // still that id.
        Ok(Target::Tx { hash, .. })
            if !crate::chain::family::of(chain.family).prefixes_hashes() =>
        {
            Ok(Target::Tx {
                hash,
                prefixed: false,
            })
        }
        Ok(target) => Ok(target),
        Err(e @ QueryError::Malformed(_)) => Err(e),
        Err(_) => Err(QueryError::LinkWithoutHash(text.to_string())),
    }
}

/// A page of a configured explorer that no template names: an address page
/// under another name (`/account/`, `/address/` on an alias), a token page
/// for an address (`/token/<contract>?a=<address>`), or a page that names
/// no transaction or address, which is said as it is.
fn read_page(
    text: &str,
    rest: &str,
    chain: &Chain,
) -> Result<(Target, String, Option<String>), QueryError> {
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = path.split('#').next().unwrap_or(path);
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let page = segments.next().unwrap_or("").to_ascii_lowercase();
    let id = segments.next().unwrap_or("");
    let param = |name: &str| {
        query
            .split(['&', '#'])
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    };
    let host = text
        .split("://")
        .nth(1)
        .unwrap_or(text)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_string();
    let unread = |page: &str, hint: &str| QueryError::UnreadPage {
        shown: shorten(text),
        page: page.to_string(),
        host: host.clone(),
        hint: hint.to_string(),
    };
    const ASK: &str = "paste the transaction hash, or the link of your address's page";
    match page.as_str() {
        "tx" | "transaction" | "txs" | "txn" => {
            read_link_id(text, id, chain, false).map(|t| (t, chain.key.clone(), None))
        }
        "address" | "account" | "addr" => match read_link_id(text, id, chain, true)? {
            t if t.is_tx() => Err(QueryError::LinkWithoutHash(text.to_string())),
            t => Ok((t, chain.key.clone(), None)),
        },
        "token" | "token20" | "tokens" => match param("a") {
            Some(address) => match read_link_id(text, address, chain, true)? {
                t if t.is_tx() => Err(QueryError::LinkWithoutHash(text.to_string())),
                t => Ok((t, chain.key.clone(), Some(id.to_string()))),
            },
            None => Err(unread(
                "a token page without an address",
                "open the token's page for your address (the link ending in ?a=your address), or \
                 paste the transaction hash",
            )),
        },
        "block" | "blocks" | "block-height" | "slot" => Err(unread("a block page", ASK)),
        p if [
            "testnet", "signet", "devnet", "sepolia", "goerli", "holesky",
        ]
        .iter()
        .any(|n| p.contains(n)) =>
        {
            Err(QueryError::UnknownExplorer {
                shown: text.to_string(),
                host: format!("the {p} network"),
                hint: "; only mainnet is configured".to_string(),
            })
        }
        "" => Err(unread("the explorer's home page", ASK)),
        p => Err(unread(&format!("a page (/{p}/…)"), ASK)),
    }
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
    pub const BARE_ID_CHAINS: usize = 3;
    /// Chains that hold a `0x` + 64-hex id only with its `0x` (Aptos and
    /// the four Substrate chains).
    pub const PREFIXED_ONLY_CHAINS: usize = 5;

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
                PREFIXED_HASH_CHAINS
                    + BARE_ID_CHAINS * usize::from(bare)
                    + PREFIXED_ONLY_CHAINS * usize::from(!bare),
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
            "Hello!",
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
        // Issue 23: a polkadot.js apps page says what to paste instead.
        let e = parse(
            "https://polkadot.js.org/apps/?rpc=wss%3A%2F%2Frpc.polkadot.io#/explorer/query/11852237",
            &cfg,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("block-index"), "{e}");
        // Issue 22: a word alone is an EOS account name, and only that.
        let q = parse("hello", &cfg, None).unwrap();
        assert_eq!(
            (q.target, q.chains),
            (
                Target::AntelopeAccount("hello".into()),
                vec!["eos".to_string()]
            )
        );
        // Inside a message, words are not picked out as accounts.
        assert!(parse("where is my money", &cfg, None).is_err());
    }

    const ADDR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const TRON_ADDR: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    const SOL_ADDR: &str = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB";
    const BTC_ADDR: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

    /// Issue 20: the explorer links customers paste, whatever page of a
    /// configured explorer they are.
    #[test]
    fn explorer_pages_customers_paste() {
        let cfg = cfg();
        let usdt = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
        let q = parse(
            &format!("https://etherscan.io/token/{usdt}?a={ADDR}#tokentxns"),
            &cfg,
            None,
        )
        .unwrap();
        assert!(matches!(q.target, Target::EvmAddress(_)), "{:?}", q.target);
        assert_eq!(
            (q.chains.as_slice(), q.token.as_deref()),
            (&["eth".to_string()][..], Some(usdt))
        );
        for (link, chain) in [
            (
                format!("https://bscscan.com/address/{ADDR}?tab=tokentxns"),
                "bsc",
            ),
            (format!("https://eth.blockscout.com/address/{ADDR}"), "eth"),
            (
                format!("https://tronscan.org/#/address/{TRON_ADDR}/transfers"),
                "tron",
            ),
            (format!("https://tronscan.io/#/address/{TRON_ADDR}"), "tron"),
            (
                format!("https://solscan.io/account/{SOL_ADDR}#portfolio"),
                "sol",
            ),
            (
                format!("https://explorer.solana.com/address/{SOL_ADDR}"),
                "sol",
            ),
            (format!("https://mempool.space/address/{BTC_ADDR}"), "btc"),
            (
                format!("https://blockstream.info/address/{BTC_ADDR}"),
                "btc",
            ),
            (format!("https://snowscan.xyz/address/{ADDR}"), "avax"),
        ] {
            let q = parse(&link, &cfg, None).unwrap_or_else(|e| panic!("{link}: {e}"));
            assert_eq!(q.chains, [chain], "{link}");
            assert!(!matches!(q.target, Target::Tx { .. }), "{link}");
            assert_eq!(q.token, None);
        }
        for (link, says) in [
            (
                format!("https://etherscan.io/token/{usdt}"),
                "a token page without an address",
            ),
            (
                "https://etherscan.io/block/21000000".to_string(),
                "a block page",
            ),
            (
                "https://tronscan.org/#/block/60000000".to_string(),
                "a block page",
            ),
            ("https://bscscan.com/".to_string(), "home page"),
            (
                "https://bscscan.com/gastracker".to_string(),
                "a page (/gastracker/…)",
            ),
        ] {
            let e = parse(&link, &cfg, None).unwrap_err();
            assert!(matches!(e, QueryError::UnreadPage { .. }), "{link}: {e:?}");
            assert!(e.to_string().contains(says), "{link}: {e}");
            assert!(!e.to_string().contains("not a configured explorer"), "{e}");
        }
    }

    /// Issue 20: a hash inside the words people paste around it is read
    /// when it is the only one; two are listed back.
    #[test]
    fn one_hash_inside_a_message_is_read() {
        let cfg = cfg();
        let want: B256 = HASH.parse().unwrap();
        for input in [
            format!("{HASH}."),
            format!("{HASH},"),
            format!("Txn Hash: {HASH}"),
            format!("TxHash:{HASH}"),
            format!("交易哈希：{HASH}"),
            format!("交易哈希: {HASH}。"),
            format!("<{HASH}>"),
            format!("hash is `{HASH}` thanks"),
            format!("my transfer https://etherscan.io/tx/{HASH}. still not there"),
            format!("Hi, I sent 250 USDT (tx {HASH}) an hour ago, where is it?"),
        ] {
            let q = parse(&input, &cfg, None).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(tx(&q), want, "{input:?}");
            assert_eq!(q.input, input);
        }
        let q = parse(&format!("to {ADDR}, please"), &cfg, None).unwrap();
        assert!(matches!(q.target, Target::EvmAddress(_)));
        let other = "0x1111111111111111111111111111111111111111111111111111111111111111";
        let e = parse(&format!("first {HASH} then {other}"), &cfg, None).unwrap_err();
        assert!(
            matches!(&e, QueryError::SeveralCandidates(c) if c.len() == 2),
            "{e:?}"
        );
        assert!(e.to_string().contains("2 things"), "{e}");
        // The same hash twice is one.
        assert!(parse(&format!("{HASH} ({HASH})"), &cfg, None).is_ok());
        // No candidate: the whole text's own error.
        assert!(matches!(
            parse("where is my money", &cfg, None),
            Err(QueryError::Unrecognised(_))
        ));
    }

    /// Issue 20: OKTC is retired; its links and key get the explanation.
    #[test]
    fn oktc_is_explained_not_looked_up() {
        let cfg = cfg();
        let e = parse(HASH, &cfg, Some("oktc")).unwrap_err();
        assert!(matches!(e, QueryError::Retired(_)));
        assert!(e.to_string().contains("OKB"), "{e}");
        let e = parse(
            &format!("https://www.oklink.com/oktc/tx/{HASH}"),
            &cfg,
            None,
        )
        .unwrap_err();
        assert!(matches!(e, QueryError::Retired(_)), "{e:?}");
    }
}
