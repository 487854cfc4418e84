//! `txdoctor chains`: the configured chains and, with `--probe`, whether each
//! endpoint answers and for which chain (one `eth_chainId` + `eth_blockNumber`
//! batch per endpoint, all endpoints at once).

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Result;
use comfy_table::{Table, presets};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::chain::probe::{Probe, probe};
use crate::chain::transport::{Endpoint, RpcClient};
use crate::cli::ChainsArgs;
use crate::config::Chain;
use crate::exit;
use crate::settings::Settings;

pub async fn run(args: &ChainsArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    let chains = &settings.config.chains;
    let probes: Vec<Vec<Option<Timed>>> = if args.probe {
        let client = RpcClient::new(settings.request_timeout, settings.log)?;
        join_all(chains.iter().map(|c| {
            join_all(
                c.rpc
                    .iter()
                    .chain(&c.history)
                    .map(|url| timed_probe(&client, c, url)),
            )
        }))
        .await
        .into_iter()
        .map(|v| v.into_iter().map(Some).collect())
        .collect()
    } else {
        chains
            .iter()
            .map(|c| vec![None; c.rpc.len() + c.history.len()])
            .collect()
    };
    let text = match (args.json, args.probe) {
        (true, _) => json_list(chains, &probes)?,
        (false, true) => probe_table(chains, &probes),
        (false, false) => table(chains),
    };
    super::print(out, &text)?;
    let all_down = args.probe
        && probes
            .iter()
            .flatten()
            .all(|p| !matches!(p, Some((Probe::Up { .. }, _))));
    Ok(if all_down { exit::UNKNOWN } else { exit::OK })
}

/// A probe and how long its answer took.
type Timed = (Probe, Duration);

async fn timed_probe(client: &RpcClient, chain: &Chain, url: &str) -> Timed {
    let started = Instant::now();
    let p = probe(client, chain, url).await;
    (p, started.elapsed())
}

/// The best head among a chain's endpoints that are up.
fn best_head(probes: &[Option<Timed>]) -> Option<u64> {
    probes
        .iter()
        .filter_map(|p| match p {
            Some((Probe::Up { head, .. }, _)) => Some(*head),
            _ => None,
        })
        .max()
}

/// "ok (56)", "ok (genesis 5eykt4…)", "WRONG: 97", or "n/a" where the
/// family checks no identity or none is configured.
fn chain_id_check(chain: &Chain, p: &Probe) -> (&'static str, String) {
    let expected = crate::chain::family::of(chain.family).identity(chain);
    match (p, expected) {
        (Probe::WrongChain { chain_id }, _) => ("mismatch", format!("WRONG: {chain_id}")),
        (Probe::Up { .. }, Some(id)) => ("ok", format!("ok ({id})")),
        (Probe::Down { .. }, Some(_)) => ("unchecked", "-".into()),
        (_, None) => ("not_applicable", "n/a".into()),
    }
}

/// One row per endpoint: whether it answers, its chain id, head, lag
/// behind the chain's best, latency and limits.
fn probe_table(chains: &[Chain], probes: &[Vec<Option<Timed>>]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    t.set_header(vec![
        "chain", "endpoint", "status", "chain id", "head", "lag", "latency", "limits",
    ]);
    for (c, ps) in chains.iter().zip(probes) {
        let best = best_head(ps);
        for (url, p) in c.rpc.iter().chain(&c.history).zip(ps) {
            let Some((p, took)) = p else { continue };
            let endpoint = crate::chain::endpoint(c, url);
            let l = c.limits_of(url);
            let batches = crate::chain::family::of(c.family).batches();
            let limits = match (l.rps, batches) {
                (Some(rps), true) => format!("{rps}/s, batch {}", l.max_batch),
                (Some(rps), false) => format!("{rps}/s"),
                (None, true) => format!("batch {}", l.max_batch),
                (None, false) => "-".to_string(),
            };
            let (status, head, lag) = match p {
                Probe::Up {
                    head,
                    finalized,
                    runtime,
                } => {
                    let lag = best.map_or(0, |b| b.saturating_sub(*head));
                    let lagging = best.is_some_and(|b| crate::chain::is_lagging(c, *head, b));
                    let mut status = if lagging { "LAGGING" } else { "up" }.to_string();
                    if let Some(r) = runtime {
                        status.push_str(&format!(" (runtime {r})"));
                    }
                    let head = match finalized {
                        Some(f) => format!("{head} (finalized {f})"),
                        None => head.to_string(),
                    };
                    (status, head, lag.to_string())
                }
                Probe::WrongChain { .. } => ("WRONG CHAIN".into(), String::new(), String::new()),
                Probe::Down { error } => (format!("down: {error}"), String::new(), String::new()),
            };
            t.add_row(vec![
                c.key.clone(),
                endpoint.shown.clone(),
                status,
                chain_id_check(c, p).1,
                head,
                lag,
                format!("{} ms", took.as_millis()),
                limits,
            ]);
        }
    }
    let mut out = format!(
        "{t}\nlag: blocks behind the chain's most up-to-date endpoint; LAGGING (over ~30 s of blocks) is not trusted to say a transaction does not exist.\n"
    );
    let answered = probes
        .iter()
        .flatten()
        .flatten()
        .any(|(p, _)| !matches!(p, Probe::Down { .. }));
    if !answered {
        out.push_str(NOTHING_REACHABLE);
        out.push('\n');
    }
    out
}

/// What to do when no endpoint answered at all: the trouble is between this
/// machine and the endpoints, not in any one of them.
const NOTHING_REACHABLE: &str = "no endpoint answered: check this machine's network connection and proxy (HTTPS_PROXY), or give --config a chains.toml whose endpoints are reachable from here";

fn table(chains: &[Chain]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    let header = vec![
        "key",
        "name",
        "chain id",
        "symbol",
        "final at",
        "block time",
        "endpoints",
    ];
    t.set_header(header);
    for c in chains {
        let endpoints: Vec<String> = c
            .rpc
            .iter()
            .chain(&c.history)
            .map(|u| Endpoint::new(u).shown)
            .collect();
        let row = vec![
            c.key.clone(),
            c.name.clone(),
            // The identity endpoints are checked against (a chain id, a
            // genesis or chain hash), as the family writes it.
            crate::chain::family::of(c.family)
                .identity(c)
                .unwrap_or_default(),
            c.symbol.clone(),
            format!("{} conf.", c.confirmations),
            format!("{} s", c.block_time_secs),
            endpoints.join("\n"),
        ];
        t.add_row(row);
    }
    format!("{t}\n")
}

fn json_list(chains: &[Chain], probes: &[Vec<Option<Timed>>]) -> Result<String> {
    let list: Vec<Value> = chains
        .iter()
        .zip(probes)
        .map(|(c, p)| {
            json!({
                "chain": c.key,
                "name": c.name,
                "family": c.family.as_str(),
                "chain_id": c.chain_id,
                "symbol": c.symbol,
                "decimals": c.decimals,
                "confirmations": c.confirmations,
                "block_time_secs": c.block_time_secs,
                "explorer_tx": c.explorer_tx,
                "tokens": c.tokens.iter().map(|t| json!({"symbol": t.symbol, "token": t.address.to_string(), "decimals": t.decimals})).collect::<Vec<_>>(),
                "endpoints": c.rpc.iter().chain(&c.history).zip(p).map(|(u, e)| endpoint_json(c, u, e.as_ref(), best_head(p))).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(format!("{}\n", serde_json::to_string_pretty(&list)?))
}

/// One endpoint in `chains --json`: its limits, and with `--probe` what it
/// answered (`status` up, lagging, wrong_chain or down), its head and lag,
/// the chain id check and the latency.
fn endpoint_json(c: &Chain, url: &str, p: Option<&Timed>, best: Option<u64>) -> Value {
    let endpoint = crate::chain::endpoint(c, url);
    let mut v = json!({
        "url": endpoint.shown,
        "rps": c.limits_of(url).rps,
        "max_batch": c.limits_of(url).max_batch,
    });
    let Some((p, took)) = p else { return v };
    let (check, _) = chain_id_check(c, p);
    let extra = match p {
        Probe::Up {
            head,
            finalized,
            runtime,
        } => {
            let lag = best.map_or(0, |b| b.saturating_sub(*head));
            let lagging = best.is_some_and(|b| crate::chain::is_lagging(c, *head, b));
            let status = if lagging { "lagging" } else { "up" };
            json!({"status": status, "head": head, "lag": lag, "finalized_head": finalized, "runtime": runtime})
        }
        Probe::WrongChain { chain_id } => json!({"status": "wrong_chain", "chain_id": chain_id}),
        Probe::Down { error } => json!({"status": "down", "error": error}),
    };
    if let (Some(o), Value::Object(extra)) = (v.as_object_mut(), extra) {
        o.extend(extra);
        o.insert("chain_id_check".into(), json!(check));
        o.insert("latency_ms".into(), json!(took.as_millis() as u64));
    }
    v
}
