//! Substrate chains (Polkadot, Kusama and their Asset Hubs) over
//! substrate-api-sidecar's REST API (polkadot-rest-api serves the same
//! paths under `/v1`: put `/v1` in the URL). Nodes keep no index from an
//! extrinsic hash to its block, and hashes are not even unique: the id is
//! `{block}-{index}`, which Subscan and explorer links carry.
//!
//! - By `{block}-{index}`: the block, the finalized and best heads and the
//!   genesis block (checked against `genesis_hash`) at once: 4 requests, one
//!   round trip. A failed extrinsic's module error is named from the
//!   runtime's metadata at that block (`/runtime/spec?at=`, then
//!   `/pallets/{i}/errors?at=`, kept per spec version for the process).
//! - By hash, with a Subscan key: one request to Subscan for the place, then
//!   the node's block (the verdict rests on the chain's data, the hash
//!   checked). Without a key: a scan of the last 1,024 blocks (the
//!   mortality window of a wallet's extrinsic), newest first, in ranges of
//!   64, four at a time — run only after every other chain said it does not
//!   have the hash. Not there: `unknown`/`beyond_search_window`, never
//!   `not_found`.

pub mod account;
pub mod convert;
mod explain;
mod ids;
mod search;
pub mod wire;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use self::wire::{Block, Header, PalletErrors, Spec};
use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::transport::{Endpoint, RpcClient, snippet};
use super::{
    AddressOutcome, AddressScope, Answer, ChainOutcome, EndpointFailure, FaultKind, TxKey,
};
use crate::chain::spec::{Chain, FamilyConfig, FamilyKeys, SubstrateKeys};
use crate::model::{Seen, Target};

async fn get<T: serde::de::DeserializeOwned>(
    client: &RpcClient,
    e: &Endpoint,
    path: &str,
) -> Result<Option<T>, EndpointFailure> {
    let a = client
        .rest(e, path)
        .await
        .map_err(|err| EndpointFailure::from_error(&err).context(&format!("GET {path}")))?;
    match a.status {
        200 => serde_json::from_slice(&a.body).map(Some).map_err(|err| {
            EndpointFailure::new(
                FaultKind::Undecodable,
                format!(
                    "GET {path}: not sidecar's answer ({err}): {}",
                    snippet(&a.body)
                ),
            )
        }),
        // A block past the head or an unknown id: the caller decides.
        400 | 404 => Ok(None),
        s => Err(EndpointFailure::new(
            FaultKind::Http,
            format!("GET {path}: HTTP {s}: {}", snippet(&a.body)),
        )),
    }
}

fn need<T>(v: Option<T>, what: &str) -> Result<T, EndpointFailure> {
    v.ok_or_else(|| EndpointFailure::new(FaultKind::Http, format!("{what}: not found")))
}

/// The endpoint serves the chain chains.toml names: its block 0's hash.
async fn check_genesis(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
) -> Result<(), EndpointFailure> {
    let Some(want) = &chain.genesis_hash else {
        return Ok(());
    };
    let genesis: Block = need(get(client, e, "/blocks/0").await?, "GET /blocks/0")?;
    genesis_matches(&genesis, want, chain)
}

fn genesis_matches(genesis: &Block, want: &str, chain: &Chain) -> Result<(), EndpointFailure> {
    match &genesis.hash {
        Some(h) if h.eq_ignore_ascii_case(want) && genesis.number == 0 => Ok(()),
        other => Err(EndpointFailure::new(
            FaultKind::ChainMismatch,
            format!(
                "serves the chain with genesis {}, but chains.toml says {} is {}",
                other
                    .as_deref()
                    .map(crate::safe::shorten)
                    .unwrap_or_default(),
                chain.key,
                crate::safe::shorten(want)
            ),
        )),
    }
}

/// Module errors read from the metadata, per (endpoint, pallet, spec
/// version): a runtime's errors do not change within a spec version.
type ErrorCache = Mutex<HashMap<(String, u32, u64), PalletErrors>>;

fn error_cache() -> &'static ErrorCache {
    static CACHE: OnceLock<ErrorCache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The pallet's errors as the runtime of block `at` had them; `None` when
/// they cannot be read (the failure is then said by its indices).
async fn pallet_errors(
    client: &RpcClient,
    e: &Endpoint,
    pallet: u32,
    at: u64,
) -> Option<PalletErrors> {
    let spec: Spec = get(client, e, &format!("/runtime/spec?at={at}"))
        .await
        .ok()??;
    let key = (e.shown.clone(), pallet, spec.spec_version);
    if let Some(hit) = error_cache().lock().ok()?.get(&key) {
        return Some(hit.clone());
    }
    let errors: PalletErrors = get(client, e, &format!("/pallets/{pallet}/errors?at={at}"))
        .await
        .ok()??;
    if errors.pallet_index != u64::from(pallet) {
        return None;
    }
    let mut cache = error_cache().lock().ok()?;
    if cache.len() >= 1024 {
        cache.clear();
    }
    cache.insert(key, errors.clone());
    Some(errors)
}

/// Extrinsic `index` of block `number` on one endpoint; `hash`, when the
/// lookup started from one, must be that extrinsic's.
async fn at_place(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    number: u64,
    index: u32,
    hash: Option<&str>,
) -> Result<Answer, EndpointFailure> {
    let block_path = format!("/blocks/{number}");
    let (block, finalized, best, genesis) = futures_util::join!(
        get::<Block>(client, e, &block_path),
        get::<Header>(client, e, "/blocks/head/header"),
        get::<Header>(client, e, "/blocks/head/header?finalized=false"),
        get::<Block>(client, e, "/blocks/0"),
    );
    if let Some(want) = &chain.genesis_hash {
        genesis_matches(&need(genesis?, "GET /blocks/0")?, want, chain)?;
    }
    let finalized = need(finalized?, "GET /blocks/head/header")?.number;
    let best = need(best?, "GET /blocks/head/header?finalized=false")?.number;
    if finalized > best {
        return Err(EndpointFailure::inconsistent(format!(
            "says its finalized head {finalized} is past its best head {best}"
        )));
    }
    let Some(block) = block? else {
        // Not a block yet (past the head): the extrinsic is not there.
        return Ok(Answer::Unknown {
            head: Some(best),
            congestion: None,
        });
    };
    verify(&block, number, index, hash, best).map_err(EndpointFailure::inconsistent)?;
    if block.extrinsics.len() <= index as usize {
        return Ok(Answer::Unknown {
            head: Some(best),
            congestion: None,
        });
    }
    let failed_module = block.extrinsics[index as usize]
        .events
        .iter()
        .find(|ev| ev.method.pallet == "system" && ev.method.method == "ExtrinsicFailed")
        .and_then(|ev| ev.data.first())
        .and_then(convert::module_error);
    let errors = match failed_module {
        Some((pallet, _)) => pallet_errors(client, e, pallet, number).await,
        None => None,
    };
    let facts = convert::tx_facts(&block, index, finalized, best, chain, errors.as_ref())
        .ok_or_else(|| EndpointFailure::inconsistent("no such extrinsic"))?;
    Ok(Answer::Found(Box::new(facts)))
}

/// Whether a block is evidence about the extrinsic asked: the number asked,
/// not past the best head, and (asked by hash) that extrinsic's hash.
pub fn verify(
    block: &Block,
    number: u64,
    index: u32,
    hash: Option<&str>,
    best: u64,
) -> Result<(), String> {
    if block.number != number {
        return Err(format!(
            "answered for block {number} with block {}",
            block.number
        ));
    }
    if number > best {
        return Err(format!(
            "gives block {number}, past its own best head {best}"
        ));
    }
    if let Some(h) = hash {
        match block
            .extrinsics
            .get(index as usize)
            .and_then(|x| x.hash.as_deref())
        {
            Some(got) if got.eq_ignore_ascii_case(h) => {}
            got => {
                return Err(format!(
                    "puts {h} at {number}-{index}, where its block has {}",
                    got.map(crate::safe::shorten)
                        .unwrap_or_else(|| "no extrinsic".into())
                ));
            }
        }
    }
    Ok(())
}

/// The Subscan key, when configured and set: only then is Subscan asked.
fn subscan(chain: &Chain) -> Option<(String, String)> {
    let s = chain.substrate.as_ref()?;
    let url = s.subscan.clone()?;
    let key = std::env::var(s.subscan_key_env.as_deref()?)
        .ok()
        .filter(|k| !k.trim().is_empty())?;
    Some((url, key.trim().to_string()))
}

pub async fn lookup_place(
    client: &RpcClient,
    chain: &Chain,
    block: u64,
    index: u32,
    hash: Option<&str>,
) -> ChainOutcome {
    super::ask_endpoints(client, chain, |e| async move {
        at_place(client, &e, chain, block, index, hash).await
    })
    .await
    .outcome(chain)
    .0
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let e = super::endpoint(chain, url);
    let (best, genesis, finalized, spec) = futures_util::join!(
        get::<Header>(client, &e, "/blocks/head/header?finalized=false"),
        get::<Block>(client, &e, "/blocks/0"),
        get::<Header>(client, &e, "/blocks/head/header"),
        get::<Spec>(client, &e, "/runtime/spec")
    );
    let finalized = finalized.ok().flatten().map(|h| h.number);
    let runtime = spec.ok().flatten().map(|s| {
        format!(
            "{} {}",
            crate::safe::text(s.spec_name.as_deref().unwrap_or("?")),
            s.spec_version
        )
    });
    match (best, genesis) {
        (Err(f), _) | (_, Err(f)) => Probe::Down { error: f.what },
        (Ok(None), _) | (_, Ok(None)) => Probe::Down {
            error: "no head or genesis block".into(),
        },
        (Ok(Some(best)), Ok(Some(genesis))) => match &chain.genesis_hash {
            Some(want) if genesis_matches(&genesis, want, chain).is_err() => Probe::WrongChain {
                chain_id: genesis.hash.unwrap_or_default(),
            },
            // A finalized head past the best is no answer to trust.
            _ if finalized.is_some_and(|f| f > best.number) => Probe::Down {
                error: "says its finalized head is past its best head".into(),
            },
            _ => Probe::Up {
                head: best.number,
                finalized,
                runtime,
            },
        },
    }
}

/// The Substrate family: sidecar's REST API (+ Subscan with a key).
pub struct Substrate;

impl ChainFamily for Substrate {
    /// SS58 addresses (checksum verified) and `{block}-{index}` ids.
    fn read(&self, text: &str) -> Option<Result<Target, String>> {
        ids::read(text)
    }

    fn read_in_link(&self, id: &str, _account_page: bool) -> Option<Target> {
        ids::read(id).and_then(Result::ok)
    }

    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Own {
            ss58_prefix: u16,
            genesis_hash: String,
            subscan: Option<String>,
            subscan_key_env: Option<String>,
            moved_to: Option<String>,
            moved_at_block: Option<u64>,
        }
        let own: Own = keys.own()?;
        let g = own.genesis_hash.to_ascii_lowercase();
        if g.len() != 66 || !g.starts_with("0x") || !g[2..].bytes().all(|b| b.is_ascii_hexdigit()) {
            anyhow::bail!(
                "{} must be 0x + 64 hex digits (block 0's hash)",
                keys.at("genesis_hash")
            );
        }
        if own.ss58_prefix > 16383 {
            anyhow::bail!("{} must be below 16384", keys.at("ss58_prefix"));
        }
        // The key travels there: https, or http to this machine only.
        if let Some(s) = &own.subscan
            && !(s.starts_with("https://")
                || s.starts_with("http://127.0.0.1")
                || s.starts_with("http://localhost"))
        {
            anyhow::bail!("{}: only https (the key is sent there)", keys.at("subscan"));
        }
        if own.moved_to.is_some() != own.moved_at_block.is_some() {
            anyhow::bail!(
                "{} and {} go together",
                keys.at("moved_to"),
                keys.at("moved_at_block")
            );
        }
        Ok(FamilyConfig {
            genesis_hash: Some(g),
            tokens: keys.tokens(|a| {
                a.parse::<u64>().map_err(|_| {
                    anyhow::anyhow!("not an asset id of the assets pallet (a number)")
                })?;
                Ok((alloy_primitives::Address::ZERO, Some(a.to_string())))
            })?,
            substrate: Some(SubstrateKeys {
                ss58_prefix: own.ss58_prefix,
                subscan: own.subscan,
                subscan_key_env: own.subscan_key_env,
                moved_to: own.moved_to,
                moved_at_block: own.moved_at_block,
            }),
            ..FamilyConfig::default()
        })
    }

    /// `0x` hashes, `{block}-{index}` ids, and addresses of its SS58 prefix.
    fn holds(&self, target: &Target, chain: &Chain) -> bool {
        match target {
            Target::Tx { prefixed: true, .. } | Target::Extrinsic { .. } => true,
            Target::SubstrateAddress { prefix, .. } => chain
                .substrate
                .as_ref()
                .is_some_and(|s| s.ss58_prefix == *prefix),
            _ => false,
        }
    }

    /// Without a Subscan key a hash costs a scan: asked only once every
    /// other chain said it does not have it.
    fn deferred(&self, chain: &Chain, key: &TxKey) -> bool {
        matches!(key, TxKey::Hash(_)) && subscan(chain).is_none()
    }

    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        _seen: Option<&'a Seen>,
    ) -> futures_util::future::BoxFuture<'a, ChainOutcome> {
        Box::pin(async move {
            match key {
                TxKey::Extrinsic { block, index } => {
                    lookup_place(client, chain, *block, *index, None).await
                }
                TxKey::Hash(h) => {
                    search::lookup_hash(client, chain, &alloy_primitives::hex::encode_prefixed(h))
                        .await
                }
                _ => unheld_id(chain),
            }
        })
    }

    fn lookup_address<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        target: &'a Target,
        scope: &'a AddressScope,
    ) -> futures_util::future::BoxFuture<'a, AddressOutcome> {
        Box::pin(async move {
            match target {
                Target::SubstrateAddress { address, .. } => {
                    account::lookup_address(client, chain, address, scope).await
                }
                _ => unheld_address(chain),
            }
        })
    }

    fn probe<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        url: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Probe> {
        Box::pin(probe(client, chain, url))
    }

    /// GRANDPA finality decides, not a count.
    fn counts_confirmations(&self) -> bool {
        false
    }

    /// "genesis 0x91b171bb…".
    fn identity(&self, chain: &Chain) -> Option<String> {
        let g = chain.genesis_hash.as_ref()?;
        Some(format!("genesis {}…", g.get(..10).unwrap_or(g)))
    }

    fn prefixes_hashes(&self) -> bool {
        true
    }
}
