//! A TRON address over TronGrid's indexed v1 API, in one parallel round:
//! `GET /v1/accounts/:address` (TRX and TRC-20 balances),
//! `/v1/accounts/:address/transactions/trc20` and
//! `/v1/accounts/:address/transactions` (TRX transfers), both from the start
//! of the window, newest first, one page of `PAGE` each. A full node without
//! the v1 API (java-tron answers 404 for `/v1`) cannot show history, so the
//! next endpoint is asked.

use alloy_primitives::{Address, U256};

use super::address::{from_base58, from_hex, to_base58};
use super::wire::{TransferContract, V1Account, V1List, V1Transaction, V1Trc20Transfer};
use crate::chain::spec::Chain;
use crate::chain::transport::{Endpoint, GetAnswer, RpcClient, snippet};
use crate::chain::{AddressOutcome, AddressScope, first_answer};
use crate::model::Amount;
use crate::model::address::{AddressFacts, Direction, History, TokenBalance, Transfer};

/// Items per page (TronGrid's maximum is 200).
const PAGE: usize = 200;

pub async fn lookup_address(
    client: &RpcClient,
    chain: &Chain,
    address: Address,
    scope: &AddressScope,
) -> AddressOutcome {
    first_answer(client, chain, |e| async move {
        ask(client, &e, chain, address, scope).await
    })
    .await
}

async fn get<T: serde::de::DeserializeOwned>(
    client: &RpcClient,
    endpoint: &Endpoint,
    path: &str,
) -> Result<V1List<T>, String> {
    let shown = path.split('?').next().unwrap_or(path);
    match client
        .get(endpoint, path)
        .await
        .map_err(|e| e.to_string())?
    {
        GetAnswer::Body(b) => {
            let list: V1List<T> = serde_json::from_slice(&b)
                .map_err(|e| format!("{shown}: not a TronGrid v1 answer ({e}): {}", snippet(&b)))?;
            if !list.success {
                return Err(format!("{shown}: answered success=false: {}", snippet(&b)));
            }
            Ok(list)
        }
        GetAnswer::NotFound(_) => Err(format!(
            "has no TronGrid v1 API ({shown} is 404): address history needs api.trongrid.io or another TronGrid"
        )),
    }
}

async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    address: Address,
    scope: &AddressScope,
) -> Result<AddressFacts, String> {
    let base58 = to_base58(&address);
    let since = scope.now.saturating_sub(scope.since_secs);
    let window = format!(
        "limit={PAGE}&min_timestamp={}&order_by=block_timestamp,desc",
        since * 1000
    );
    let paths = [
        format!("/v1/accounts/{base58}"),
        format!("/v1/accounts/{base58}/transactions/trc20?{window}"),
        format!("/v1/accounts/{base58}/transactions?{window}"),
    ];
    let (account, trc20, native) = tokio::join!(
        get::<V1Account>(client, endpoint, &paths[0]),
        get::<V1Trc20Transfer>(client, endpoint, &paths[1]),
        get::<V1Transaction>(client, endpoint, &paths[2]),
    );
    let (account, trc20, native) = (account?, trc20?, native?);
    let mut history = History {
        since: Some(since),
        assets: vec![chain.symbol.clone(), "all TRC-20 tokens".to_string()],
        native: true,
        ..History::new("trongrid v1")
    };
    for (what, len) in [("TRC-20", trc20.data.len()), ("TRX", native.data.len())] {
        if len >= PAGE {
            history.truncated = true;
            history.gaps.push(format!(
                "more than {PAGE} {what} transactions in the window: older ones were not read"
            ));
        }
    }
    let mut transfers = trc20_transfers(&trc20.data, &base58, chain);
    transfers.extend(trx_transfers(&native.data, &base58, chain));
    transfers.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.hash.cmp(&b.hash)));
    let account = account.data.into_iter().next();
    Ok(AddressFacts {
        address: base58,
        unconfirmed: None,
        balance: Some(Amount::new(
            U256::from(account.as_ref().map_or(0, |a| a.balance.max(0) as u64)),
            chain.decimals,
            chain.symbol.clone(),
        )),
        tokens: token_balances(account.as_ref(), chain),
        nonce: None,
        pool: None,
        incoming_pending: Vec::new(),
        transfers,
        history,
        head: None,
        congestion: None,
        observed_at: scope.now,
        held: None,
        moved_to: None,
    })
}

/// The configured tokens' balances (zero when the account holds none).
fn token_balances(account: Option<&V1Account>, chain: &Chain) -> Vec<TokenBalance> {
    chain
        .tokens
        .iter()
        .map(|t| {
            let contract = to_base58(&t.address);
            let raw = account
                .into_iter()
                .flat_map(|a| &a.trc20)
                .find_map(|m| m.get(&contract))
                .and_then(|v| U256::from_str_radix(v, 10).ok())
                .unwrap_or_default();
            TokenBalance {
                token: contract,
                balance: Amount::new(raw, t.decimals, t.symbol.clone()),
            }
        })
        .collect()
}

pub fn trc20_transfers(items: &[V1Trc20Transfer], address: &str, chain: &Chain) -> Vec<Transfer> {
    items
        .iter()
        .filter(|t| t.kind.as_deref().is_none_or(|k| k == "Transfer"))
        .filter_map(|t| {
            let direction = if t.to == address {
                Direction::In
            } else if t.from == address {
                Direction::Out
            } else {
                return None;
            };
            let listed = from_base58(&t.token_info.address)
                .ok()
                .and_then(|a| chain.token(&a));
            Some(Transfer {
                memo: None,
                hash: t.transaction_id.clone(),
                block: None,
                time: Some(t.block_timestamp / 1000),
                direction,
                from: t.from.clone(),
                to: t.to.clone(),
                token: Some(t.token_info.address.clone()),
                // A listed token's own name; an unlisted one's claim about itself.
                symbol: listed
                    .map(|l| l.symbol.clone())
                    .or(t.token_info.symbol.clone()),
                raw: U256::from_str_radix(&t.value, 10).ok()?,
                decimals: listed.map(|l| l.decimals).or(t.token_info.decimals),
                listed: listed.is_some(),
            })
        })
        .collect()
}

/// TRX moved by `TransferContract`s that succeeded.
pub fn trx_transfers(items: &[V1Transaction], address: &str, chain: &Chain) -> Vec<Transfer> {
    items
        .iter()
        .filter(|t| {
            t.ret
                .first()
                .and_then(|r| r.contract_ret.as_deref())
                .is_none_or(|r| r == "SUCCESS")
        })
        .filter_map(|t| {
            let contract = t.raw_data.as_ref()?.contract.first()?;
            if contract.kind != "TransferContract" {
                return None;
            }
            let c: TransferContract =
                serde_json::from_value(contract.parameter.value.clone()).ok()?;
            let from = to_base58(&from_hex(&c.owner_address)?);
            let to = to_base58(&from_hex(&c.to_address)?);
            let direction = if to == address {
                Direction::In
            } else if from == address {
                Direction::Out
            } else {
                return None;
            };
            Some(Transfer {
                memo: None,
                hash: t.tx_id.clone(),
                block: t.block_number,
                time: t.block_timestamp.map(|ms| ms / 1000),
                direction,
                from,
                to,
                token: None,
                symbol: Some(chain.symbol.clone()),
                raw: U256::from(c.amount.max(0) as u64),
                decimals: Some(chain.decimals),
                listed: true,
            })
        })
        .collect()
}
