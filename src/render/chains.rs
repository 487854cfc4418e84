//! `chains --json`: the configured chains, their endpoints and limits,
//! and (when probed) what each endpoint answered. Pure; `chains` and
//! `serve` (`GET /api/chains`) print it.

use std::time::Duration;

use serde_json::{Value, json};

use crate::chain::probe::Probe;
use crate::config::Chain;

/// A probe and how long its answer took.
pub type Timed = (Probe, Duration);

/// The best head among a chain's endpoints that are up.
pub fn best_head(probes: &[Option<Timed>]) -> Option<u64> {
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
pub fn chain_id_check(chain: &Chain, p: &Probe) -> (&'static str, String) {
    let expected = crate::chain::family::of(chain.family).identity(chain);
    match (p, expected) {
        (Probe::WrongChain { chain_id }, _) => ("mismatch", format!("WRONG: {chain_id}")),
        (Probe::Up { .. }, Some(id)) => ("ok", format!("ok ({id})")),
        (Probe::Down { .. }, Some(_)) => ("unchecked", "-".into()),
        (_, None) => ("not_applicable", "n/a".into()),
    }
}

/// How far an endpoint's `head` is behind the chain's `best`, and whether
/// that is lagging by the chain's rule.
pub fn lag_of(c: &Chain, head: u64, best: Option<u64>) -> (u64, bool) {
    let lag = best.map_or(0, |b| b.saturating_sub(head));
    (
        lag,
        best.is_some_and(|b| crate::chain::is_lagging(c, head, b)),
    )
}

/// The list `chains --json` prints (`probes`: one entry per endpoint, `None` unprobed).
pub fn json_list(chains: &[Chain], probes: &[Vec<Option<Timed>>]) -> Value {
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
    Value::Array(list)
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
            let (lag, lagging) = lag_of(c, *head, best);
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
