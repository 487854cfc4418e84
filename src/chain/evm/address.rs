//! An EVM address: balances, nonces and pool in one batch, then its recent
//! token transfers from `eth_getLogs` (and, when the node hides per-sender
//! pool queries, the whole pool) in a second round; the symbol and decimals of
//! tokens not in chains.toml in a third, only when one turned up. Endpoints
//! are tried in order for the first batch; history chunks an endpoint cannot
//! serve move on to the next one (BSC's official endpoints refuse
//! `eth_getLogs`), and a chunk refused as too wide is split in two.

use alloy_primitives::{Address, U256, hex};
use futures_util::StreamExt;
use futures_util::stream;
use serde_json::json;

use super::convert::{self, TokenBook, TokenInfo};
use super::history::{self, Chunk};
use super::wire::{FeeHistory, LogEntry, PoolContent, PoolOfSender};
use super::{bytes_of, check_chain_id, fail, fate, token_info, token_info_calls};
use crate::chain::spec::Chain;
use crate::chain::transport::{Call, Endpoint, RpcClient, decode};
use crate::chain::{AddressOutcome, AddressScope, EndpointFailure};
use crate::model::address::{
    AddressFacts, Direction, History, PoolTx, SenderHistory, TokenBalance, Transfer,
};
use crate::model::{Amount, PendingFacts};

/// `eth_getLogs` calls per direction at most: the window shrinks to fit.
const MAX_LOG_CALLS: u64 = 40;
/// Calls per HTTP request, and requests in flight, when reading logs.
const LOGS_PER_BATCH: usize = 10;
const BATCHES_IN_FLIGHT: usize = 4;
/// Rounds of splitting and moving refused chunks before a gap is reported.
const MAX_LOG_ROUNDS: usize = 8;
/// Unknown tokens whose symbol and decimals are read.
const MAX_TOKEN_LOOKUPS: usize = 20;
/// Log calls for the payee history of one transaction's sender.
const PAYEE_LOG_CALLS: u64 = 4;

pub async fn lookup_address(
    client: &RpcClient,
    chain: &Chain,
    address: Address,
    scope: &AddressScope,
) -> AddressOutcome {
    let endpoints: Vec<Endpoint> = chain
        .rpc
        .iter()
        .map(|u| crate::chain::endpoint(chain, u))
        .collect();
    let (found, failures) = crate::chain::first_of(client, &endpoints, |e| async move {
        ask(client, &e, chain, address).await
    })
    .await;
    let Some((first, i)) = found else {
        return AddressOutcome::Unavailable { failures };
    };
    // The answering endpoint first, then the others, for history.
    let mut order = vec![endpoints[i].clone()];
    order.extend(endpoints.iter().skip(i + 1).cloned());
    order.extend(endpoints.iter().take(i).cloned());
    let facts = complete(client, chain, address, scope, first, &order).await;
    AddressOutcome::Found {
        facts: Box::new(facts),
        endpoint: endpoints[i].shown.clone(),
        failures,
    }
}

/// What the first batch told.
struct First {
    head: u64,
    balance: U256,
    nonce: crate::model::SenderNonce,
    tokens: Vec<TokenBalance>,
    network: PendingFacts,
    congestion: Option<crate::model::Congestion>,
    /// `txpool_contentFrom` answered.
    pool_of_sender: Option<PoolOfSender>,
}

async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    address: Address,
) -> Result<First, EndpointFailure> {
    let mut calls = vec![
        Call::new("eth_chainId", json!([])),
        Call::new("eth_blockNumber", json!([])),
        Call::new("eth_getBalance", json!([address, "latest"])),
    ];
    calls.extend(fate::nonce_calls(address));
    calls.push(Call::new(
        "eth_feeHistory",
        json!([
            format!("0x{:x}", convert::FEE_HISTORY_BLOCKS),
            "latest",
            convert::FEE_HISTORY_PERCENTILES
        ]),
    ));
    calls.push(Call::new("txpool_contentFrom", json!([address])));
    for t in &chain.tokens {
        calls.push(Call::new(
            "eth_call",
            json!([{"to": t.address, "data": history::balance_of_data(address)}, "latest"]),
        ));
    }
    let answers = client
        .batch(endpoint, &calls)
        .await
        .map_err(|e| fail(false, e.to_string()))?;
    check_chain_id(&answers[0], chain)?;
    let head: U256 =
        decode(&answers[1]).map_err(|e| fail(false, format!("eth_blockNumber: {e}")))?;
    let head =
        u64::try_from(head).map_err(|_| fail(false, "eth_blockNumber out of range".into()))?;
    let balance: U256 =
        decode(&answers[2]).map_err(|e| fail(false, format!("eth_getBalance: {e}")))?;
    let nonce = fate::sender_nonce(&answers[3], &answers[4]).map_err(|e| fail(false, e))?;
    let fee_history: Option<FeeHistory> = decode(&answers[5]).ok();
    let pool_of_sender: Option<PoolOfSender> = decode(&answers[6]).ok();
    let mut tokens = Vec::new();
    for (t, answer) in chain.tokens.iter().zip(&answers[7..]) {
        let raw = bytes_of(answer)
            .and_then(|b| history::decode_balance(&b))
            .ok_or_else(|| {
                fail(
                    false,
                    format!("balanceOf on {} ({}) gave no balance", t.symbol, t.address),
                )
            })?;
        tokens.push(TokenBalance {
            token: t.address.to_checksum(None),
            balance: Amount::new(raw, t.decimals, t.symbol.clone()),
        });
    }
    let network = convert::pending_facts_of_network(fee_history.as_ref());
    Ok(First {
        head,
        balance,
        nonce,
        tokens,
        network,
        congestion: fee_history.as_ref().and_then(convert::congestion),
        pool_of_sender,
    })
}

/// The second (and maybe third) round: history, the whole pool when the
/// per-sender query was refused, unknown tokens' names.
async fn complete(
    client: &RpcClient,
    chain: &Chain,
    address: Address,
    scope: &AddressScope,
    first: First,
    endpoints: &[Endpoint],
) -> AddressFacts {
    let (first_block, chunks) = history::chunks(
        first.head,
        scope.since_secs,
        chain.block_time_secs,
        chain.logs_block_range,
        MAX_LOG_CALLS,
        &[Direction::In, Direction::Out],
    );
    let whole_pool = async {
        if first.pool_of_sender.is_some() {
            return None;
        }
        let calls = [Call::new("txpool_content", json!([]))];
        let answers = client.batch(&endpoints[0], &calls).await.ok()?;
        decode::<PoolContent>(&answers[0]).ok()
    };
    let ((logs, gaps), pool_content) = futures_util::join!(
        read_logs(client, chain, endpoints, address, chunks),
        whole_pool
    );

    let mut book = convert::token_book(chain);
    let mut transfers: Vec<Transfer> = logs;
    let incoming_pending = pool_content
        .as_ref()
        .map(|c| history::incoming_from_pool(c, address, &book))
        .unwrap_or_default();
    let unknown: Vec<Address> = transfers
        .iter()
        .chain(&incoming_pending)
        .filter_map(|t| t.token.as_ref()?.parse::<Address>().ok())
        .filter(|t| !book.contains_key(t))
        .fold(Vec::new(), |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        });
    for (token, info) in token_names(client, &endpoints[0], &unknown).await {
        book.insert(token, info);
    }
    let mut incoming_pending = incoming_pending;
    for t in transfers.iter_mut().chain(incoming_pending.iter_mut()) {
        name_token(t, &book, chain);
    }
    history::sort_and_dedup(&mut transfers);

    let pool = history::own_pool(
        first.pool_of_sender.as_ref(),
        pool_content.as_ref(),
        address,
    )
    .map(|txs| {
        txs.into_iter()
            .map(|(nonce, tx)| PoolTx {
                hash: hex::encode_prefixed(tx.hash),
                nonce,
                to: tx.to.map(|a| a.to_checksum(None)),
                fees: history::pool_fees(&tx, first.network.clone(), Some(first.nonce)),
            })
            .collect()
    });

    let mut assets = vec!["all ERC-20 tokens".to_string()];
    assets.extend(chain.tokens.iter().map(|t| t.symbol.clone()));
    AddressFacts {
        address: address.to_checksum(None),
        held: None,
        moved_to: None,
        unconfirmed: None,
        balance: Some(Amount::new(
            first.balance,
            chain.decimals,
            chain.symbol.clone(),
        )),
        tokens: first.tokens,
        nonce: Some(first.nonce),
        pool,
        incoming_pending,
        transfers,
        history: History {
            from_block: Some(first_block),
            to_block: Some(first.head),
            // From genesis, the whole window asked for is covered; otherwise
            // what the blocks read span at the chain's block time.
            since: Some(scope.now.saturating_sub(if first_block == 0 {
                scope.since_secs
            } else {
                ((first.head.saturating_add(1).saturating_sub(first_block)) as f64
                    * chain.block_time_secs) as u64
            })),
            assets,
            native: false,
            gaps,
            ..History::new("eth_getLogs")
        },
        head: Some(first.head),
        congestion: first.congestion,
        observed_at: scope.now,
    }
}

/// Symbol, decimals and whether chains.toml lists the token.
fn name_token(t: &mut Transfer, book: &TokenBook, chain: &Chain) {
    let Some(token) = t.token.as_ref().and_then(|a| a.parse::<Address>().ok()) else {
        t.listed = true;
        t.symbol = Some(chain.symbol.clone());
        t.decimals = Some(chain.decimals);
        return;
    };
    t.listed = chain.token(&token).is_some();
    if let Some(info) = book.get(&token) {
        t.symbol = info.symbol.clone();
        t.decimals = info.decimals;
    }
}

/// `symbol()` and `decimals()` of tokens not in chains.toml, in one batch.
async fn token_names(
    client: &RpcClient,
    endpoint: &Endpoint,
    tokens: &[Address],
) -> Vec<(Address, TokenInfo)> {
    let tokens = &tokens[..tokens.len().min(MAX_TOKEN_LOOKUPS)];
    if tokens.is_empty() {
        return Vec::new();
    }
    let calls: Vec<Call> = tokens.iter().flat_map(|t| token_info_calls(*t)).collect();
    let Ok(answers) = client.batch(endpoint, &calls).await else {
        return Vec::new();
    };
    tokens
        .iter()
        .zip(answers.chunks(2))
        .map(|(t, a)| (*t, token_info(a.first(), a.get(1))))
        .collect()
}

/// A chunk waiting to be read, and the endpoint (index) to ask.
#[derive(Clone, Copy)]
struct Todo {
    chunk: Chunk,
    at: usize,
}

/// Reads every chunk, splitting those refused as too wide and moving those
/// an endpoint could not serve to the next one. Returns the transfers and,
/// for each range that no endpoint served, why.
async fn read_logs(
    client: &RpcClient,
    chain: &Chain,
    endpoints: &[Endpoint],
    address: Address,
    chunks: Vec<Chunk>,
) -> (Vec<Transfer>, Vec<String>) {
    let book = convert::token_book(chain);
    let mut todo: Vec<Todo> = chunks
        .into_iter()
        .map(|chunk| Todo { chunk, at: 0 })
        .collect();
    let mut transfers = Vec::new();
    let mut gaps = Vec::new();
    // Endpoints past the first must prove their chain id once.
    let mut trusted = vec![false; endpoints.len()];
    trusted[0] = true;
    for _ in 0..MAX_LOG_ROUNDS {
        if todo.is_empty() {
            break;
        }
        let mut groups: Vec<(usize, Vec<Todo>)> = Vec::new();
        for at in 0..endpoints.len() {
            let mine: Vec<Todo> = todo.iter().filter(|t| t.at == at).copied().collect();
            for part in mine.chunks(LOGS_PER_BATCH) {
                groups.push((at, part.to_vec()));
            }
        }
        todo.clear();
        let results: Vec<_> = stream::iter(groups)
            .map(|(at, part)| {
                let endpoint = &endpoints[at];
                let check = !trusted[at];
                async move {
                    let mut calls = Vec::new();
                    if check {
                        calls.push(Call::new("eth_chainId", json!([])));
                    }
                    calls.extend(
                        part.iter()
                            .map(|t| Call::new("eth_getLogs", json!([t.chunk.filter(address)]))),
                    );
                    (at, part, check, client.batch(endpoint, &calls).await)
                }
            })
            .buffer_unordered(BATCHES_IN_FLIGHT)
            .collect()
            .await;
        for (at, part, check, answer) in results {
            let next = |t: &Todo| Todo { at: t.at + 1, ..*t };
            let mut answers = match answer {
                Ok(a) => a,
                Err(e) => {
                    for t in &part {
                        retry_or_gap(next(t), endpoints, &mut todo, &mut gaps, &e.to_string());
                    }
                    continue;
                }
            };
            if check {
                let id = answers.remove(0);
                if let Err(f) = check_chain_id(&id, chain) {
                    for t in &part {
                        retry_or_gap(next(t), endpoints, &mut todo, &mut gaps, &f.what);
                    }
                    continue;
                }
                trusted[at] = true;
            }
            for (t, answer) in part.iter().zip(answers) {
                match decode::<Vec<LogEntry>>(&answer) {
                    Ok(logs) => transfers.extend(history::transfers(
                        &logs,
                        address,
                        t.chunk.direction,
                        &book,
                    )),
                    Err(e)
                        if history::too_wide(&e)
                            && let Some([a, b]) = t.chunk.halves() =>
                    {
                        todo.push(Todo { chunk: a, ..*t });
                        todo.push(Todo { chunk: b, ..*t });
                    }
                    Err(e) => {
                        retry_or_gap(next(t), endpoints, &mut todo, &mut gaps, &e.to_string())
                    }
                }
            }
        }
    }
    for t in todo {
        gaps.push(gap_text(&t.chunk, "not read within the retry budget"));
    }
    (transfers, gaps)
}

fn retry_or_gap(
    t: Todo,
    endpoints: &[Endpoint],
    todo: &mut Vec<Todo>,
    gaps: &mut Vec<String>,
    why: &str,
) {
    if t.at < endpoints.len() {
        todo.push(t);
    } else {
        gaps.push(gap_text(&t.chunk, why));
    }
}

fn gap_text(c: &Chunk, why: &str) -> String {
    let dir = match c.direction {
        Direction::In => "incoming",
        Direction::Out => "outgoing",
    };
    format!("{dir} transfers in blocks {}–{}: {why}", c.from, c.to)
}

/// The sender's token transfers in and out over the last blocks up to
/// `head`, in one batch of `eth_getLogs` on the endpoint that answered:
/// the evidence for spotting a look-alike recipient. `None` when the
/// endpoint could not say.
pub async fn payees(
    client: &RpcClient,
    chain: &Chain,
    endpoint: &str,
    sender: Address,
    head: u64,
) -> Option<SenderHistory> {
    let endpoint = chain
        .rpc
        .iter()
        .map(|u| crate::chain::endpoint(chain, u))
        .find(|e| e.shown == endpoint)?;
    let (first, chunks) = history::chunks(
        head,
        u64::MAX / 2,
        1.0,
        chain.logs_block_range,
        PAYEE_LOG_CALLS,
        &[Direction::Out, Direction::In],
    );
    let calls: Vec<Call> = chunks
        .iter()
        .map(|c| Call::new("eth_getLogs", json!([c.filter(sender)])))
        .collect();
    let answers = client.batch(&endpoint, &calls).await.ok()?;
    let book = convert::token_book(chain);
    let mut transfers = Vec::new();
    for (chunk, answer) in chunks.iter().zip(&answers) {
        let logs: Vec<LogEntry> = decode(answer).ok()?;
        transfers.extend(history::transfers(&logs, sender, chunk.direction, &book));
    }
    for t in &mut transfers {
        name_token(t, &book, chain);
    }
    history::sort_and_dedup(&mut transfers);
    Some(SenderHistory {
        transfers,
        from_block: first,
        to_block: head,
    })
}
