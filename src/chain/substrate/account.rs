//! A Substrate account over sidecar: balance info (free, reserved, frozen,
//! transferable), the configured assets' balances, the genesis check — at
//! once. Recent transfers need an indexer: with a Subscan key, Subscan's
//! transfer list (both ways) in the same round; without one, the history
//! says so plainly and an `--expect` cannot conclude.

use alloy_primitives::U256;
use serde_json::{Value, json};

use super::wire::{AssetBalances, BalanceInfo, Block};
use crate::chain::spec::Chain;
use crate::chain::transport::{Endpoint, RpcClient};
use crate::chain::{AddressOutcome, AddressScope, first_answer};
use crate::model::address::{AddressFacts, Direction, Held, History, TokenBalance, Transfer};
use crate::model::{Amount, SenderNonce};

/// Transfers read from Subscan.
pub const TRANSFERS: usize = 25;

pub const NO_INDEXER_GAP: &str = "recent transfers: Polkadot and Kusama nodes keep no index of an account's transfers; set the chain's Subscan key (subscan_key_env) to list them";

pub async fn lookup_address(
    client: &RpcClient,
    chain: &Chain,
    address: &str,
    scope: &AddressScope,
) -> AddressOutcome {
    first_answer(client, chain, |e| async move {
        ask(client, &e, chain, address, scope).await
    })
    .await
}

fn amount(s: Option<&str>, chain: &Chain) -> Amount {
    let raw = s
        .and_then(|s| U256::from_str_radix(s, 10).ok())
        .unwrap_or_default();
    Amount::new(raw, chain.decimals, chain.symbol.clone())
}

async fn get_json(client: &RpcClient, e: &Endpoint, path: &str) -> Result<Option<Vec<u8>>, String> {
    let a = client
        .rest(e, path)
        .await
        .map_err(|err| format!("GET {path}: {err}"))?;
    match a.status {
        200 => Ok(Some(a.body)),
        400 | 404 => Ok(None),
        s => Err(format!("GET {path}: HTTP {s}")),
    }
}

async fn ask(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    address: &str,
    scope: &AddressScope,
) -> Result<AddressFacts, String> {
    let ids: Vec<&str> = chain
        .tokens
        .iter()
        .filter_map(|t| t.mint.as_deref())
        .collect();
    let assets_path = format!(
        "/accounts/{address}/asset-balances?{}",
        ids.iter()
            .map(|i| format!("assets[]={i}"))
            .collect::<Vec<_>>()
            .join("&")
    );
    let since = scope.now.saturating_sub(scope.since_secs);
    let info_path = format!("/accounts/{address}/balance-info");
    let (info, assets, genesis, transfers) = futures_util::join!(
        get_json(client, e, &info_path),
        async {
            if ids.is_empty() {
                Ok(None)
            } else {
                get_json(client, e, &assets_path).await
            }
        },
        get_json(client, e, "/blocks/0"),
        subscan_transfers(client, chain, address, since)
    );
    if let (Some(want), Some(body)) = (&chain.genesis_hash, genesis?) {
        let g: Block =
            serde_json::from_slice(&body).map_err(|err| format!("GET /blocks/0: {err}"))?;
        if !g
            .hash
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(want))
        {
            return Err(format!("serves another chain (genesis {:?})", g.hash));
        }
    }
    let info: BalanceInfo = serde_json::from_slice(
        &info?.ok_or_else(|| format!("GET /accounts/{address}/balance-info: not found"))?,
    )
    .map_err(|err| format!("balance-info: {err}"))?;
    let free = amount(Some(&info.free), chain);
    let reserved = amount(info.reserved.as_deref(), chain);
    // `frozen` where the runtime has it; older runtimes: miscFrozen (prose in
    // `frozen` then reads as none).
    let frozen = amount(
        info.frozen
            .as_deref()
            .filter(|f| f.bytes().all(|b| b.is_ascii_digit()))
            .or(info.misc_frozen.as_deref()),
        chain,
    );
    let transferable = match info.transferable.as_deref() {
        Some(t) if t.bytes().all(|b| b.is_ascii_digit()) => amount(Some(t), chain),
        _ => Amount::new(
            free.raw
                .saturating_sub(frozen.raw.saturating_sub(reserved.raw)),
            chain.decimals,
            chain.symbol.clone(),
        ),
    };
    let mut tokens = Vec::new();
    if let Some(body) = assets? {
        let got: AssetBalances =
            serde_json::from_slice(&body).map_err(|err| format!("asset-balances: {err}"))?;
        for t in &chain.tokens {
            let id = t.mint.clone().unwrap_or_default();
            let raw = got
                .assets
                .iter()
                .find(|a| a.asset_id.to_string() == id)
                .and_then(|a| U256::from_str_radix(&a.balance, 10).ok())
                .unwrap_or_default();
            tokens.push(TokenBalance {
                token: id,
                balance: Amount::new(raw, t.decimals, t.symbol.clone()),
            });
        }
    }
    let nonce = info.nonce.as_deref().and_then(|n| n.parse().ok());
    let mut history = History {
        since: Some(since),
        assets: std::iter::once(chain.symbol.clone())
            .chain(chain.tokens.iter().map(|t| t.symbol.clone()))
            .collect(),
        native: true,
        ..History::new("subscan transfers")
    };
    let transfers = match transfers {
        Some(Ok(t)) => {
            history.truncated = t.len() >= TRANSFERS;
            t
        }
        Some(Err(why)) => {
            history.gaps.push(why);
            Vec::new()
        }
        None => {
            history.gaps.push(NO_INDEXER_GAP.to_string());
            Vec::new()
        }
    };
    let moved_to = chain
        .substrate
        .as_ref()
        .and_then(|s| s.moved_to.clone())
        .filter(|_| !free.raw.is_zero());
    Ok(AddressFacts {
        address: address.to_string(),
        balance: Some(free.clone()),
        unconfirmed: None,
        tokens,
        nonce: nonce.map(|n| SenderNonce {
            latest: n,
            pending: n,
        }),
        pool: None,
        incoming_pending: Vec::new(),
        transfers,
        history,
        head: None,
        congestion: None,
        observed_at: scope.now,
        held: Some(Held {
            free,
            reserved,
            frozen,
            transferable,
        }),
        moved_to,
    })
}

/// Subscan's transfers of `address` (`POST /api/v2/scan/transfers`), when
/// a key is set: `None` without one.
async fn subscan_transfers(
    client: &RpcClient,
    chain: &Chain,
    address: &str,
    since: u64,
) -> Option<Result<Vec<Transfer>, String>> {
    let (url, key) = super::subscan(chain)?;
    let e = Endpoint::new(&url).with_header("X-API-Key", &key);
    let answer = client
        .post(
            &e,
            "/api/v2/scan/transfers",
            &json!({"address": address, "row": TRANSFERS, "page": 0}),
        )
        .await;
    Some(match answer {
        Err(err) => Err(format!("Subscan transfers: {err}")),
        Ok(v) if v["code"] != 0 => Err(format!(
            "Subscan transfers: code {} {}",
            v["code"],
            crate::safe::shorten(v["message"].as_str().unwrap_or_default())
        )),
        Ok(v) => Ok(subscan_list(&v["data"]["transfers"], address, chain, since)),
    })
}

/// Subscan's transfer records: `amount` is in whole units (a decimal string).
pub fn subscan_list(list: &Value, address: &str, chain: &Chain, since: u64) -> Vec<Transfer> {
    let mut out = Vec::new();
    for t in list.as_array().into_iter().flatten().take(TRANSFERS) {
        let (Some(from), Some(to), Some(hash)) =
            (t["from"].as_str(), t["to"].as_str(), t["hash"].as_str())
        else {
            continue;
        };
        if t["success"] == false {
            continue;
        }
        let time = t["block_timestamp"].as_u64();
        if time.is_some_and(|t| t < since) {
            continue;
        }
        let symbol = t["asset_symbol"]
            .as_str()
            .unwrap_or(&chain.symbol)
            .to_string();
        let token = chain.tokens.iter().find(|c| c.symbol == symbol);
        let decimals = token.map_or(chain.decimals, |c| c.decimals);
        let Some(raw) = t["amount"]
            .as_str()
            .and_then(|a| crate::diagnose::address::parse_units(a, decimals))
        else {
            continue;
        };
        let direction = if to == address {
            Direction::In
        } else if from == address {
            Direction::Out
        } else {
            continue;
        };
        out.push(Transfer {
            hash: crate::safe::text(hash),
            block: t["block_num"].as_u64(),
            time,
            direction,
            from: crate::safe::text(from),
            to: crate::safe::text(to),
            token: token.and_then(|c| c.mint.clone()),
            symbol: Some(crate::safe::text(&symbol)),
            raw,
            decimals: Some(decimals),
            listed: symbol == chain.symbol || token.is_some(),
            memo: None,
        });
    }
    out
}
