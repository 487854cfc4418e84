//! A Bitcoin-style address over Esplora: `GET /address/:address` (funded
//! and spent totals), `GET /address/:address/txs` (up to 50 mempool and the
//! newest 25 confirmed transactions) and the tip, in one parallel round;
//! older confirmed pages (`/address/:address/txs/chain/:last_seen_txid`, 25
//! each) only while the window asked for reaches further back.

use alloy_primitives::U256;

use super::wire::{AddressInfo, Tx};
use super::{decode, tip};
use crate::chain::spec::Chain;
use crate::chain::transport::{Endpoint, GetAnswer, RpcClient};
use crate::chain::{AddressOutcome, AddressScope, first_answer};
use crate::model::Amount;
use crate::model::address::{AddressFacts, Direction, History, Transfer, Unconfirmed};

/// Esplora's page of confirmed transactions.
const PAGE: usize = 25;
/// Older pages read at most, after the first.
const MAX_EXTRA_PAGES: usize = 4;

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

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &RpcClient,
    endpoint: &Endpoint,
    path: &str,
) -> Result<T, String> {
    match client
        .get(endpoint, path)
        .await
        .map_err(|e| e.to_string())?
    {
        GetAnswer::Body(b) => decode(&b, path),
        GetAnswer::NotFound(text) => Err(format!("answered {path} with HTTP 404 ({text})")),
    }
}

async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    address: &str,
    scope: &AddressScope,
) -> Result<AddressFacts, String> {
    let info_path = format!("/address/{address}");
    let txs_path = format!("/address/{address}/txs");
    let (tip, info, txs) = tokio::join!(
        tip(client, endpoint),
        get_json::<AddressInfo>(client, endpoint, &info_path),
        get_json::<Vec<Tx>>(client, endpoint, &txs_path),
    );
    let (tip, info, mut txs) = (tip?, info?, txs?);
    let since = scope.now.saturating_sub(scope.since_secs);
    let mut history = History {
        since: Some(since),
        assets: vec![chain.symbol.clone()],
        native: true,
        to_block: Some(tip),
        ..History::new("esplora")
    };
    let mut page = confirmed(&txs).count();
    let mut extra = 0;
    while page == PAGE && reaches_back(&txs, since) {
        if extra == MAX_EXTRA_PAGES {
            history.truncated = true;
            history.gaps.push(format!(
                "transactions older than {} were not read (more than {} in the window)",
                oldest(&txs)
                    .map(|t| humantime::format_rfc3339_seconds(
                        std::time::UNIX_EPOCH + std::time::Duration::from_secs(t)
                    )
                    .to_string())
                    .unwrap_or_default(),
                txs.len()
            ));
            break;
        }
        let last = confirmed(&txs)
            .last()
            .map(|t| t.txid.clone())
            .unwrap_or_default();
        let more: Vec<Tx> = get_json(
            client,
            endpoint,
            &format!("/address/{address}/txs/chain/{last}"),
        )
        .await?;
        page = more.len();
        txs.extend(more);
        extra += 1;
    }
    let (incoming_pending, transfers) = split_pending(transfers(&txs, address, chain, since));
    history.from_block = confirmed(&txs)
        .filter(|t| t.status.block_time.is_some_and(|bt| bt >= since))
        .filter_map(|t| t.status.block_height)
        .min();
    let (c, m) = (&info.chain_stats, &info.mempool_stats);
    let amount = |sats: u64| Amount::new(U256::from(sats), chain.decimals, chain.symbol.clone());
    // Coins a mempool transaction is spending are not the customer's to
    // count on any more (issue 18): the balance is confirmed + mempool.
    let confirmed = c.funded_txo_sum.saturating_sub(c.spent_txo_sum);
    let settled = confirmed
        .saturating_add(m.funded_txo_sum)
        .saturating_sub(m.spent_txo_sum);
    let unconfirmed = (m.funded_txo_sum > 0 || m.spent_txo_sum > 0).then(|| Unconfirmed {
        confirmed: amount(confirmed),
        outgoing: amount(m.spent_txo_sum),
        incoming: amount(m.funded_txo_sum),
    });
    Ok(AddressFacts {
        address: info.address.clone(),
        balance: Some(amount(settled)),
        unconfirmed,
        tokens: Vec::new(),
        nonce: None,
        pool: None,
        incoming_pending,
        transfers,
        history,
        head: Some(tip),
        congestion: None,
        observed_at: scope.now,
        held: None,
        moved_to: None,
    })
}

fn confirmed(txs: &[Tx]) -> impl Iterator<Item = &Tx> {
    txs.iter().filter(|t| t.status.confirmed)
}

fn oldest(txs: &[Tx]) -> Option<u64> {
    confirmed(txs).filter_map(|t| t.status.block_time).min()
}

/// The last page read is still inside the window: older pages may be too.
fn reaches_back(txs: &[Tx], since: u64) -> bool {
    oldest(txs).is_some_and(|t| t >= since)
}

/// Unconfirmed incoming transfers apart; the rest newest first.
fn split_pending(all: Vec<Transfer>) -> (Vec<Transfer>, Vec<Transfer>) {
    all.into_iter()
        .partition(|t| t.block.is_none() && t.direction == Direction::In)
}

/// What each transaction did to `address`: coins in (outputs to it beyond
/// what its own inputs spent) or out (what went to other addresses); a
/// transaction that only moves the address's coins back to itself is left
/// out. Confirmed ones older than `since` are dropped.
pub fn transfers(txs: &[Tx], address: &str, chain: &Chain, since: u64) -> Vec<Transfer> {
    let mut out = Vec::new();
    for tx in txs {
        if tx.status.confirmed && tx.status.block_time.is_some_and(|t| t < since) {
            continue;
        }
        let ours = |a: &Option<String>| a.as_deref() == Some(address);
        let received: u64 = tx
            .vout
            .iter()
            .filter(|o| ours(&o.scriptpubkey_address))
            .map(|o| o.value)
            .fold(0, u64::saturating_add);
        let spent: u64 = tx
            .vin
            .iter()
            .filter_map(|i| i.prevout.as_ref())
            .filter(|p| ours(&p.scriptpubkey_address))
            .map(|p| p.value)
            .fold(0, u64::saturating_add);
        let others = tx
            .vout
            .iter()
            .filter(|o| !ours(&o.scriptpubkey_address) && o.value > 0);
        let (direction, from, to, raw) = if received > spent {
            let from = tx
                .vin
                .iter()
                .find_map(|i| i.prevout.as_ref()?.scriptpubkey_address.clone())
                .unwrap_or_else(|| "coinbase".to_string());
            (Direction::In, from, address.to_string(), received - spent)
        } else if spent > 0 {
            let sent: u64 = others.clone().map(|o| o.value).fold(0, u64::saturating_add);
            let Some(main) = others.max_by_key(|o| o.value) else {
                continue;
            };
            let to = main
                .scriptpubkey_address
                .clone()
                .unwrap_or_else(|| main.scriptpubkey_type.clone());
            (Direction::Out, address.to_string(), to, sent)
        } else {
            continue;
        };
        out.push(Transfer {
            memo: None,
            hash: tx.txid.clone(),
            block: tx.status.block_height,
            time: tx.status.block_time,
            direction,
            from,
            to,
            token: None,
            symbol: Some(chain.symbol.clone()),
            raw: U256::from(raw),
            decimals: Some(chain.decimals),
            listed: true,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Chain {
        crate::config::parse(crate::config::BUILTIN)
            .unwrap()
            .chain("btc")
            .unwrap()
            .clone()
    }

    fn tx(json: &str) -> Tx {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn received_and_sent_are_net_of_change() {
        let me = "bc1qme";
        let pay_me = tx(
            r#"{"txid":"aa","vin":[{"txid":"00","vout":0,"prevout":{"scriptpubkey_address":"bc1qpayer","scriptpubkey_type":"v0_p2wpkh","value":50000},"is_coinbase":false,"sequence":4294967293}],"vout":[{"scriptpubkey_address":"bc1qme","scriptpubkey_type":"v0_p2wpkh","value":30000},{"scriptpubkey_address":"bc1qpayer","scriptpubkey_type":"v0_p2wpkh","value":19000}],"weight":561,"fee":1000,"status":{"confirmed":true,"block_height":800000,"block_time":1700000000}}"#,
        );
        let i_pay = tx(
            r#"{"txid":"bb","vin":[{"txid":"aa","vout":0,"prevout":{"scriptpubkey_address":"bc1qme","scriptpubkey_type":"v0_p2wpkh","value":30000},"is_coinbase":false,"sequence":4294967293}],"vout":[{"scriptpubkey_address":"bc1qshop","scriptpubkey_type":"v0_p2wpkh","value":20000},{"scriptpubkey_address":"bc1qme","scriptpubkey_type":"v0_p2wpkh","value":9000}],"weight":561,"fee":1000,"status":{"confirmed":false}}"#,
        );
        let t = transfers(&[i_pay, pay_me], me, &chain(), 0);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].direction, t[0].to.as_str(), t[0].raw),
            (Direction::Out, "bc1qshop", U256::from(20_000))
        );
        assert_eq!(t[0].block, None);
        assert_eq!(
            (t[1].direction, t[1].from.as_str(), t[1].raw),
            (Direction::In, "bc1qpayer", U256::from(30_000))
        );
        assert_eq!(t[1].amount().as_deref(), Some("0.0003"));
        // Older than the window: dropped.
        let t = transfers(&[pay_me_again()], me, &chain(), 1_800_000_000);
        assert!(t.is_empty());
    }

    fn pay_me_again() -> Tx {
        tx(
            r#"{"txid":"cc","vin":[],"vout":[{"scriptpubkey_address":"bc1qme","scriptpubkey_type":"v0_p2wpkh","value":1}],"weight":400,"fee":0,"status":{"confirmed":true,"block_height":1,"block_time":1231006505}}"#,
        )
    }
}
