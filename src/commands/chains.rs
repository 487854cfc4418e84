//! `txdoctor chains`: the configured chains and, with `--probe`, whether each
//! endpoint answers and for which chain (one `eth_chainId` + `eth_blockNumber`
//! batch per endpoint, all endpoints at once).

use std::io::Write;
use std::time::Instant;

use anyhow::Result;
use comfy_table::{Table, presets};
use futures_util::future::join_all;

use crate::chain::probe::{Probe, probe};
use crate::chain::transport::{Endpoint, RpcClient};
use crate::cli::ChainsArgs;
use crate::config::Chain;
use crate::exit;
use crate::render::chains::{Timed, best_head, chain_id_check, json_list, lag_of};
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
        (true, _) => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_list(chains, &probes))?
        ),
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

async fn timed_probe(client: &RpcClient, chain: &Chain, url: &str) -> Timed {
    let started = Instant::now();
    let p = probe(client, chain, url).await;
    (p, started.elapsed())
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
                    let (lag, lagging) = lag_of(c, *head, best);
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
