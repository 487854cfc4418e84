//! Finding an extrinsic by its hash, which nodes do not index: Subscan's
//! place for it when a key is set, else a scan of the recent blocks (the
//! mortality window), newest first, a few ranges at a time.

use futures_util::StreamExt;
use serde_json::json;

use super::wire::{Header, ScanBlock, SubscanAnswer};
use super::{at_place, check_genesis, get, lookup_place, need, subscan};
use crate::chain::spec::Chain;
use crate::chain::transport::{Endpoint, EndpointError, RpcClient};
use crate::chain::{Answer, ChainOutcome, EndpointFailure, FaultKind};

/// The blocks a hash is searched in without an indexer: a wallet's
/// extrinsic is mortal for 64–1,024 blocks, so one not included by then
/// never will be.
pub const SCAN_WINDOW: u64 = 1024;
/// Blocks per range request, and ranges in flight.
pub const SCAN_RANGE: u64 = 64;
pub const SCAN_PARALLEL: usize = 4;

/// Subscan's place for a hash: `Ok(None)` when it does not know it.
async fn subscan_place(
    client: &RpcClient,
    url: &str,
    key: &str,
    hash: &str,
) -> Result<Option<(u64, u32)>, EndpointFailure> {
    let e = Endpoint::new(url).with_header("X-API-Key", key);
    let v = client
        .post(&e, "/api/scan/extrinsic", &json!({ "hash": hash }))
        .await
        .map_err(|err| EndpointFailure::from_error(&err).context("Subscan"))?;
    let a: SubscanAnswer = serde_json::from_value(v)
        .map_err(|err| EndpointFailure::new(FaultKind::Undecodable, format!("Subscan: {err}")))?;
    if a.code != 0 {
        return Err(EndpointFailure::new(
            FaultKind::NodeError,
            format!(
                "Subscan answered code {}: {}",
                a.code,
                crate::safe::shorten(&a.message)
            ),
        ));
    }
    let Some(d) = a.data else { return Ok(None) };
    let (block, index) = d
        .extrinsic_index
        .split_once('-')
        .and_then(|(b, i)| Some((b.parse().ok()?, i.parse().ok()?)))
        .ok_or_else(|| EndpointFailure::new(FaultKind::Undecodable, "Subscan: extrinsic_index"))?;
    if block != d.block_num {
        return Err(EndpointFailure::inconsistent(
            "Subscan's block and index disagree",
        ));
    }
    Ok(Some((block, index)))
}

/// The ranges a scan asks, newest first: `[a, b]` of `SCAN_RANGE` blocks.
pub fn scan_ranges(from: u64, to: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut hi = to;
    loop {
        let lo = hi.saturating_sub(SCAN_RANGE - 1).max(from);
        out.push((lo, hi));
        if lo == from || lo == 0 {
            return out;
        }
        hi = lo - 1;
    }
}

/// The blocks `a..=b`, only the extrinsic hashes read; a range too large
/// for the body cap is asked again in halves.
fn scan_range<'a>(
    client: &'a RpcClient,
    e: &'a Endpoint,
    a: u64,
    b: u64,
) -> futures_util::future::BoxFuture<'a, Result<Vec<ScanBlock>, EndpointFailure>> {
    Box::pin(async move {
        let path = format!("/blocks?range={a}-{b}&noFees=true");
        match client.rest(e, &path).await {
            Err(EndpointError::TooLarge) if b > a => {
                let mid = a + (b - a) / 2;
                let mut lo = scan_range(client, e, a, mid).await?;
                lo.extend(scan_range(client, e, mid + 1, b).await?);
                Ok(lo)
            }
            Err(err) => Err(EndpointFailure::from_error(&err).context(&format!("GET {path}"))),
            Ok(r) if r.status == 200 => {
                let blocks: Vec<ScanBlock> = serde_json::from_slice(&r.body).map_err(|err| {
                    EndpointFailure::new(FaultKind::Undecodable, format!("GET {path}: {err}"))
                })?;
                if let Some(odd) = blocks.iter().find(|x| x.number < a || x.number > b) {
                    return Err(EndpointFailure::inconsistent(format!(
                        "answered the range {a}-{b} with block {}",
                        odd.number
                    )));
                }
                Ok(blocks)
            }
            Ok(r) => Err(EndpointFailure::new(
                FaultKind::Http,
                format!("GET {path}: HTTP {}", r.status),
            )),
        }
    })
}

/// What a scan of one endpoint found.
enum Scan {
    At(u64, u32),
    Absent { from: u64, to: u64 },
}

async fn scan(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    hash: &str,
) -> Result<Scan, EndpointFailure> {
    let (best, genesis) = futures_util::join!(
        get::<Header>(client, e, "/blocks/head/header?finalized=false"),
        check_genesis(client, e, chain)
    );
    genesis?;
    let to = need(best?, "GET /blocks/head/header")?.number;
    let from = to.saturating_sub(SCAN_WINDOW - 1);
    let mut ranges = futures_util::stream::iter(scan_ranges(from, to))
        .map(|(a, b)| scan_range(client, e, a, b))
        .buffered(SCAN_PARALLEL);
    while let Some(blocks) = ranges.next().await {
        for b in blocks? {
            if let Some(i) = b.extrinsics.iter().position(|x| {
                x.hash
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(hash))
            }) {
                return Ok(Scan::At(b.number, i as u32));
            }
        }
    }
    Ok(Scan::Absent { from, to })
}

pub async fn lookup_hash(client: &RpcClient, chain: &Chain, hash: &str) -> ChainOutcome {
    if let Some((url, key)) = subscan(chain) {
        match subscan_place(client, &url, &key, hash).await {
            Ok(Some((block, index))) => {
                return lookup_place(client, chain, block, index, Some(hash)).await;
            }
            Ok(None) => {
                return ChainOutcome::NotFound {
                    endpoints: vec![Endpoint::new(&url).shown],
                    failures: Vec::new(),
                    congestion: None,
                    vanished: None,
                    respent: None,
                };
            }
            // Subscan failing: the scan still can answer.
            Err(_) => {}
        }
    }
    let endpoints: Vec<Endpoint> = chain
        .rpc
        .iter()
        .map(|u| crate::chain::endpoint(chain, u))
        .collect();
    let (found, failures) = crate::chain::first_of(client, &endpoints, |e| async move {
        match scan(client, &e, chain, hash).await? {
            Scan::At(block, index) => Ok((
                Some(at_place(client, &e, chain, block, index, Some(hash)).await?),
                None,
            )),
            Scan::Absent { from, to } => Ok((None, Some((from, to)))),
        }
    })
    .await;
    match found {
        Some(((Some(Answer::Found(facts)), _), i)) => ChainOutcome::Found {
            facts,
            endpoint: endpoints[i].shown.clone(),
            failures,
        },
        Some(((_, window), _)) => {
            let (from, to) = window.unwrap_or_default();
            ChainOutcome::Beyond { from, to, failures }
        }
        None => ChainOutcome::Unavailable { failures },
    }
}
