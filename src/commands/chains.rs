//! `txdoctor chains`: the configured chains and, with `--probe`, whether each
//! endpoint answers and for which chain (one `eth_chainId` + `eth_blockNumber`
//! batch per endpoint, all endpoints at once).

use std::io::Write;

use alloy_primitives::U256;
use anyhow::Result;
use comfy_table::{Table, presets};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::chain::rpc::{Call, Endpoint, RpcClient, decode};
use crate::cli::ChainsArgs;
use crate::config::Chain;
use crate::exit;
use crate::settings::Settings;

/// What probing one endpoint found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Up { head: u64 },
    WrongChain { chain_id: String },
    Down { error: String },
}

pub async fn run(args: &ChainsArgs, settings: &Settings, out: &mut dyn Write) -> Result<u8> {
    let chains = &settings.config.chains;
    let probes: Vec<Vec<Option<Probe>>> = if args.probe {
        let client = RpcClient::new(settings.request_timeout, settings.log)?;
        join_all(
            chains
                .iter()
                .map(|c| join_all(c.rpc.iter().map(|url| probe(&client, c, url)))),
        )
        .await
        .into_iter()
        .map(|v| v.into_iter().map(Some).collect())
        .collect()
    } else {
        chains.iter().map(|c| vec![None; c.rpc.len()]).collect()
    };
    let text = if args.json {
        json_list(chains, &probes)?
    } else {
        table(chains, &probes)
    };
    super::print(out, &text)?;
    let all_down = args.probe
        && probes
            .iter()
            .flatten()
            .all(|p| !matches!(p, Some(Probe::Up { .. })));
    Ok(if all_down { exit::UNKNOWN } else { exit::OK })
}

async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    match chain.family {
        crate::config::Family::Tron => return probe_tron(client, chain, url).await,
        crate::config::Family::Bitcoin => return probe_esplora(client, chain, url).await,
        crate::config::Family::Solana => return probe_solana(client, chain, url).await,
        _ => {}
    }
    let endpoint = crate::chain::endpoint(chain, url);
    let calls = [
        Call::new("eth_chainId", json!([])),
        Call::new("eth_blockNumber", json!([])),
    ];
    let answers = match client.batch(&endpoint, &calls).await {
        Ok(a) => a,
        Err(e) => {
            return Probe::Down {
                error: e.to_string(),
            };
        }
    };
    let id = match decode::<U256>(&answers[0]) {
        Ok(id) => id,
        Err(e) => {
            return Probe::Down {
                error: format!("eth_chainId: {e}"),
            };
        }
    };
    if Some(id) != chain.chain_id.map(U256::from) {
        return Probe::WrongChain {
            chain_id: id.to_string(),
        };
    }
    match decode::<U256>(&answers[1]) {
        Ok(head) => Probe::Up {
            head: u64::try_from(head).unwrap_or(u64::MAX),
        },
        Err(e) => Probe::Down {
            error: format!("eth_blockNumber: {e}"),
        },
    }
}

/// TRON's HTTP API has no chain id: the head block is the sign of life.
async fn probe_tron(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = crate::chain::endpoint(chain, url);
    match client
        .post(&endpoint, "/wallet/getnowblock", &json!({}))
        .await
    {
        Ok(v) => match serde_json::from_value::<crate::chain::tron::wire::Block>(v)
            .ok()
            .and_then(|b| b.number())
        {
            Some(head) => Probe::Up { head },
            None => Probe::Down {
                error: "/wallet/getnowblock: no block number in the answer".into(),
            },
        },
        Err(e) => Probe::Down {
            error: e.to_string(),
        },
    }
}

/// Solana: the current slot is the sign of life (its "head").
async fn probe_solana(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = crate::chain::endpoint(chain, url);
    let calls = [Call::new("getSlot", json!([{"commitment": "confirmed"}]))];
    match client.batch(&endpoint, &calls).await {
        Ok(answers) => match decode::<u64>(&answers[0]) {
            Ok(head) => Probe::Up { head },
            Err(e) => Probe::Down {
                error: format!("getSlot: {e}"),
            },
        },
        Err(e) => Probe::Down {
            error: e.to_string(),
        },
    }
}

/// Esplora has no chain id either: the tip height answers as plain text.
async fn probe_esplora(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = crate::chain::endpoint(chain, url);
    match crate::chain::bitcoin::tip(client, &endpoint).await {
        Ok(head) => Probe::Up { head },
        Err(error) => Probe::Down { error },
    }
}

fn describe(p: &Option<Probe>) -> String {
    match p {
        None => String::new(),
        Some(Probe::Up { head }) => format!("up, head block {head}"),
        Some(Probe::WrongChain { chain_id }) => format!("WRONG CHAIN: serves chain id {chain_id}"),
        Some(Probe::Down { error }) => format!("down: {error}"),
    }
}

fn table(chains: &[Chain], probes: &[Vec<Option<Probe>>]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    let probing = probes.iter().flatten().any(Option::is_some);
    let mut header = vec![
        "key",
        "name",
        "chain id",
        "symbol",
        "final at",
        "block time",
        "endpoints",
    ];
    if probing {
        header.push("probe");
    }
    t.set_header(header);
    for (c, p) in chains.iter().zip(probes) {
        let endpoints: Vec<String> = c.rpc.iter().map(|u| Endpoint::new(u).shown).collect();
        let mut row = vec![
            c.key.clone(),
            c.name.clone(),
            c.chain_id.map(|i| i.to_string()).unwrap_or_default(),
            c.symbol.clone(),
            format!("{} conf.", c.confirmations),
            format!("{} s", c.block_time_secs),
            endpoints.join("\n"),
        ];
        if probing {
            row.push(p.iter().map(describe).collect::<Vec<_>>().join("\n"));
        }
        t.add_row(row);
    }
    format!("{t}\n")
}

fn json_list(chains: &[Chain], probes: &[Vec<Option<Probe>>]) -> Result<String> {
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
                "endpoints": c.rpc.iter().zip(p).map(|(u, p)| {
                    let shown = Endpoint::new(u).shown;
                    match p {
                        None => json!({"url": shown}),
                        Some(Probe::Up { head }) => json!({"url": shown, "status": "up", "head": head}),
                        Some(Probe::WrongChain { chain_id }) => json!({"url": shown, "status": "wrong_chain", "chain_id": chain_id}),
                        Some(Probe::Down { error }) => json!({"url": shown, "status": "down", "error": error}),
                    }
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(format!("{}\n", serde_json::to_string_pretty(&list)?))
}
