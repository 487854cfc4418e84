//! An Antelope account: from a chain API endpoint, at once, `get_info` (the
//! chain id and head), `get_account` (its EOS, CPU, NET and RAM) and
//! `get_currency_balance` for each configured token; from a history
//! endpoint, in the same round, `get_actions` filtered to the configured
//! tokens' `transfer` actions since the window's start — transfers in and
//! out, each with its memo.

use alloy_primitives::U256;
use serde_json::{Value, json};

use super::convert;
use super::wire::{Account, GetActions, Info};
use crate::chain::spec::Chain;
use crate::chain::transport::{Endpoint, RpcClient};
use crate::chain::{AddressOutcome, AddressScope, EndpointFailure, endpoint, first_of};
use crate::model::address::{AddressFacts, Direction, History, TokenBalance, Transfer};
use crate::model::{Amount, Congestion, CongestionLevel};

/// Transfer actions read, newest first.
pub const ACTIONS: usize = 100;

/// Below this much CPU (µs) or NET (bytes) left, an account cannot send a
/// transfer until its allowance recovers (or it stakes or rents more).
pub const LOW_CPU_US: i64 = 500;
pub const LOW_NET_BYTES: i64 = 300;

pub async fn lookup_address(
    client: &RpcClient,
    chain: &Chain,
    account: &str,
    scope: &AddressScope,
) -> AddressOutcome {
    let rpc: Vec<Endpoint> = chain.rpc.iter().map(|u| endpoint(chain, u)).collect();
    let history: Vec<Endpoint> = chain.history.iter().map(|u| endpoint(chain, u)).collect();
    let since = scope.now.saturating_sub(scope.since_secs);
    let ((state, mut failures), (actions, history_failures)) = futures_util::join!(
        first_of(client, &rpc, |e| async move {
            state(client, &e, chain, account).await
        }),
        first_of(client, &history, |e| async move {
            transfers(client, &e, chain, account, since).await
        })
    );
    let Some((mut facts, i)) = state else {
        failures.extend(history_failures);
        return AddressOutcome::Unavailable { failures };
    };
    facts.history.since = Some(since);
    match actions {
        Some((transfers, _)) => {
            facts.history.truncated = transfers.len() >= ACTIONS;
            facts.transfers = transfers;
        }
        None => facts.history.gaps.push(format!(
            "the history endpoints gave no transfers ({})",
            history_failures
                .iter()
                .map(|f| format!("{} {}", f.endpoint, f.what))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
    failures.extend(history_failures);
    AddressOutcome::Found {
        facts: Box::new(facts),
        endpoint: rpc[i].shown.clone(),
        failures,
    }
}

/// A number nodeos writes as a number or a string.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A balance string ("1.2345 EOS") as an amount of `symbol`; an absent one
/// is zero.
fn balance(s: Option<&str>, symbol: &str, decimals: u8) -> Amount {
    let raw = s
        .and_then(convert::asset)
        .filter(|(_, d, sym)| *d == decimals && sym == symbol)
        .map_or(U256::ZERO, |(raw, ..)| raw);
    Amount::new(raw, decimals, symbol)
}

async fn call(
    client: &RpcClient,
    e: &Endpoint,
    path: &'static str,
    body: Value,
) -> Result<Value, EndpointFailure> {
    client
        .post(e, path, &body)
        .await
        .map_err(|err| EndpointFailure::from_error(&err).context(path))
}

/// The account's balances and resources on one chain API endpoint.
async fn state(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    account: &str,
) -> Result<AddressFacts, EndpointFailure> {
    let balance_calls = chain.tokens.iter().map(|t| {
        call(
            client,
            e,
            "/v1/chain/get_currency_balance",
            json!({"code": t.mint.clone().unwrap_or_default(), "account": account, "symbol": t.symbol}),
        )
    });
    let (info, acct, balances) = futures_util::join!(
        call(client, e, "/v1/chain/get_info", json!({})),
        call(
            client,
            e,
            "/v1/chain/get_account",
            json!({"account_name": account})
        ),
        futures_util::future::join_all(balance_calls)
    );
    let info: Info = serde_json::from_value(info?).map_err(|err| {
        EndpointFailure::new(
            crate::chain::FaultKind::Undecodable,
            format!("get_info: {err}"),
        )
    })?;
    if let Some(want) = &chain.genesis_hash
        && !info.chain_id.eq_ignore_ascii_case(want)
    {
        return Err(EndpointFailure::new(
            crate::chain::FaultKind::ChainMismatch,
            format!(
                "serves another chain ({}…)",
                info.chain_id.get(..12).unwrap_or_default()
            ),
        ));
    }
    let acct: Account = match acct {
        Ok(v) => serde_json::from_value(v).map_err(|err| {
            EndpointFailure::new(
                crate::chain::FaultKind::Undecodable,
                format!("get_account: {err}"),
            )
        })?,
        // nodeos answers an unknown account with HTTP 500 and its error name.
        Err(f) if f.what.contains("unknown_key") || f.what.contains("3060002") => {
            return Err(EndpointFailure::new(
                crate::chain::FaultKind::Other,
                format!("there is no account {account} on {}", chain.name),
            ));
        }
        Err(f) => return Err(f),
    };
    if acct.account_name != account {
        return Err(EndpointFailure::inconsistent(format!(
            "answered get_account for {account} with the account {}",
            crate::safe::shorten(&acct.account_name)
        )));
    }
    let mut tokens = Vec::new();
    for (t, b) in chain.tokens.iter().zip(balances) {
        let list: Vec<String> = serde_json::from_value(b?).unwrap_or_default();
        tokens.push(TokenBalance {
            token: t.mint.clone().unwrap_or_default(),
            balance: balance(list.first().map(String::as_str), &t.symbol, t.decimals),
        });
    }
    // The chain's coin is the token of the same symbol (EOS on eosio.token).
    let native = balance(
        acct.core_liquid_balance.as_deref(),
        &chain.symbol,
        chain.decimals,
    );
    tokens.retain(|t| !(t.balance.symbol == chain.symbol && t.token == "eosio.token"));
    let cpu = acct.cpu_limit.as_ref().and_then(|l| int(&l.available));
    let net = acct.net_limit.as_ref().and_then(|l| int(&l.available));
    let low = cpu.is_some_and(|c| c < LOW_CPU_US) || net.is_some_and(|n| n < LOW_NET_BYTES);
    let congestion = Congestion {
        account_resources: Some(Box::new(crate::model::AccountResources {
            cpu_available_us: cpu,
            net_available_bytes: net,
            ram_free_bytes: acct
                .ram_quota
                .zip(acct.ram_usage)
                .map(|(q, u)| q.saturating_sub(u)),
            too_low: low,
        })),
        ..Congestion::new(if low {
            CongestionLevel::High
        } else {
            CongestionLevel::Low
        })
    };
    Ok(AddressFacts {
        address: account.to_string(),
        balance: Some(native),
        unconfirmed: None,
        tokens,
        nonce: None,
        pool: None,
        incoming_pending: Vec::new(),
        transfers: Vec::new(),
        history: History {
            assets: chain.tokens.iter().map(|t| t.symbol.clone()).collect(),
            native: true,
            ..History::new("hyperion get_actions")
        },
        head: Some(info.head_block_num),
        congestion: Some(congestion),
        observed_at: info
            .head_block_time
            .as_deref()
            .and_then(convert::unix)
            .unwrap_or_default(),
        held: None,
        moved_to: None,
    })
}

/// The configured tokens' transfers to and from `account` since `since`.
async fn transfers(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    account: &str,
    since: u64,
) -> Result<Vec<Transfer>, EndpointFailure> {
    let filter: Vec<String> = chain
        .tokens
        .iter()
        .filter_map(|t| t.mint.as_ref())
        .map(|c| format!("{c}:transfer"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let after = humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(since),
    );
    let path = format!(
        "/v2/history/get_actions?account={account}&filter={}&after={after}&limit={ACTIONS}&sort=desc",
        filter.join(",")
    );
    let a = client
        .rest(e, &path)
        .await
        .map_err(|err| EndpointFailure::from_error(&err))?;
    if a.status != 200 {
        return Err(EndpointFailure::new(
            crate::chain::FaultKind::Http,
            format!("get_actions: HTTP {}", a.status),
        ));
    }
    let got: GetActions = serde_json::from_slice(&a.body).map_err(|err| {
        EndpointFailure::new(
            crate::chain::FaultKind::Undecodable,
            format!("get_actions: {err}"),
        )
    })?;
    Ok(account_transfers(&got.actions, account, chain))
}

/// The transfer actions that move a configured token to or from `account`,
/// each once, newest first.
pub fn account_transfers(
    actions: &[super::wire::Action],
    account: &str,
    chain: &Chain,
) -> Vec<Transfer> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for a in actions {
        let Some((t, decimals)) = convert::transfer_with_precision(a) else {
            continue;
        };
        let direction = match (t.from == account, t.to == account) {
            (false, true) => Direction::In,
            (true, false) => Direction::Out,
            _ => continue,
        };
        let key = (
            a.trx_id.clone(),
            a.global_sequence,
            t.raw.clone(),
            t.to.clone(),
        );
        if !seen.insert(key) {
            continue;
        }
        let symbol = t.symbol.clone().unwrap_or_default();
        // The configured token: its contract, symbol and precision.
        let listed = chain
            .token_by_contract(&t.token, &symbol)
            .filter(|l| l.decimals == decimals);
        out.push(Transfer {
            hash: a.trx_id.clone().unwrap_or_default(),
            block: Some(a.block_num),
            time: a.timestamp.as_deref().and_then(convert::unix),
            direction,
            from: t.from.clone(),
            to: t.to.clone(),
            token: Some(t.token.clone()),
            symbol: t.symbol.clone(),
            raw: t.raw.parse().unwrap_or_default(),
            decimals: Some(decimals),
            listed: listed.is_some(),
            memo: t.memo.clone(),
        });
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.block));
    out
}
