//! An Aptos account over the node REST API: its sequence number
//! (`/accounts/{a}`), its APT and configured token balances
//! (`/accounts/{a}/balance/{asset}`: a coin type or a fungible asset's
//! metadata address, the primary store's balance), all at once; then the
//! last transactions it *sent* (`/accounts/{a}/transactions?start=…`), read
//! into transfers out. The node lists only what an account sent: incoming
//! transfers need an indexer, so the history says so (a gap), and an
//! `--expect` that finds nothing reads "could not tell", never "nothing
//! arrived".

use alloy_primitives::U256;

use super::convert::{self, Ledger};
use super::wire::{ApiError, Balance, Transaction};
use crate::chain::spec::Chain;
use crate::chain::transport::{Endpoint, RpcClient};
use crate::chain::{AddressOutcome, AddressScope, first_answer};
use crate::model::address::{AddressFacts, Direction, History, TokenBalance, Transfer};
use crate::model::{Amount, SenderNonce};

/// Sent transactions read, newest first.
pub const SENT: u64 = 25;

/// The gap every Aptos history has.
pub const INCOMING_GAP: &str = "incoming transfers: the Aptos node API lists only the transactions an account sent, so transfers to it need an indexer";

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

async fn get(
    client: &RpcClient,
    e: &Endpoint,
    path: &str,
) -> Result<crate::chain::transport::RestAnswer, String> {
    client
        .rest(e, path)
        .await
        .map_err(|err| format!("GET {path}: {err}"))
}

async fn ask(
    client: &RpcClient,
    e: &Endpoint,
    chain: &Chain,
    address: &str,
    scope: &AddressScope,
) -> Result<AddressFacts, String> {
    let account = format!("/accounts/{address}");
    let assets: Vec<(String, Option<&crate::chain::spec::Token>)> =
        std::iter::once((convert::APT_COIN.to_string(), None))
            .chain(
                chain
                    .tokens
                    .iter()
                    .map(|t| (t.mint.clone().unwrap_or_default(), Some(t))),
            )
            .collect();
    let balance_paths: Vec<String> = assets
        .iter()
        .map(|(id, _)| format!("{account}/balance/{id}"))
        .collect();
    let (head, balances) = futures_util::join!(
        get(client, e, &account),
        futures_util::future::join_all(balance_paths.iter().map(|p| get(client, e, p)))
    );
    let head = head?;
    let ledger = match super::ledger_from_headers(&head) {
        Some(l) => l,
        None => super::ledger_info(client, e).await.map_err(|f| f.what)?,
    };
    if ledger.chain_id != chain.chain_id.unwrap_or(super::MAINNET_CHAIN_ID) {
        return Err(format!(
            "serves Aptos chain id {}, not {}'s",
            ledger.chain_id, chain.key
        ));
    }
    let sequence = match head.status {
        200 => {
            serde_json::from_slice::<super::wire::Account>(&head.body)
                .map_err(|err| format!("GET {account}: {err}"))?
                .sequence_number
        }
        404 if error_code(&head.body).as_deref() == Some("account_not_found") => 0,
        s => return Err(format!("GET {account}: HTTP {s}")),
    };
    let mut amounts = Vec::new();
    for ((path, answer), (_, token)) in balance_paths.iter().zip(balances).zip(&assets) {
        let a = answer?;
        let raw = match a.status {
            200 => {
                serde_json::from_slice::<Balance>(&a.body)
                    .map_err(|err| format!("GET {path}: {err}"))?
                    .0
            }
            // No store of that asset (or no account): nothing held.
            404 => 0,
            s => return Err(format!("GET {path}: HTTP {s}")),
        };
        let (decimals, symbol) = token.map_or((chain.decimals, chain.symbol.clone()), |t| {
            (t.decimals, t.symbol.clone())
        });
        amounts.push(Amount::new(U256::from(raw), decimals, symbol));
    }
    let mut amounts = amounts.into_iter();
    let balance = amounts.next();
    let tokens: Vec<TokenBalance> = chain
        .tokens
        .iter()
        .zip(amounts)
        .map(|(t, balance)| TokenBalance {
            token: t.mint.clone().unwrap_or_default(),
            balance,
        })
        .collect();

    let since = scope.now.saturating_sub(scope.since_secs);
    let mut history = History {
        since: Some(since),
        assets: std::iter::once(chain.symbol.clone())
            .chain(chain.tokens.iter().map(|t| t.symbol.clone()))
            .collect(),
        native: true,
        incoming: false,
        gaps: vec![INCOMING_GAP.to_string()],
        ..History::new("aptos sent transactions")
    };
    let mut transfers = Vec::new();
    if sequence > 0 {
        match sent_list(client, e, address, sequence).await? {
            Ok((sent, start)) => {
                history.truncated = start > 0;
                transfers = sent_transfers(&sent, address, &ledger, chain, since);
            }
            Err(gap) => history.gaps.push(gap),
        }
    }
    // `--expect … --from SENDER`: what that sender sent is readable, so a
    // payment from it is found (or shown absent) without an indexer.
    if let Some(sender) = scope
        .sender
        .as_deref()
        .and_then(convert::normalize)
        .filter(|s| s != address)
    {
        let next = super::sequence_number(client, e, &sender)
            .await
            .map_err(|f| f.what)?;
        let (sent, start) = match sent_list(client, e, &sender, next).await? {
            Ok(list) => list,
            Err(gap) => {
                history.gaps.push(gap);
                (Vec::new(), 0)
            }
        };
        let received: Vec<Transfer> = sent_transfers(&sent, &sender, &ledger, chain, since)
            .into_iter()
            .filter(|t| t.to == address)
            .map(|t| Transfer {
                memo: None,
                direction: Direction::In,
                ..t
            })
            .collect();
        // The sender's list covers the window when it starts at its first
        // transaction or reaches back past the window's start.
        let covered = start == 0
            || sent
                .first()
                .and_then(|t| t.timestamp)
                .is_some_and(|t| t / 1_000_000 < since);
        if covered {
            history.gaps.retain(|g| g != INCOMING_GAP);
            history.source = format!("{} and {sender}'s sent transactions", history.source);
        } else {
            history.gaps.push(format!(
                "{sender}'s transactions older than its last {SENT} were not read"
            ));
        }
        transfers.extend(received);
        transfers.sort_by_key(|t| std::cmp::Reverse(t.block));
    }
    Ok(AddressFacts {
        address: address.to_string(),
        balance,
        unconfirmed: None,
        tokens,
        nonce: Some(SenderNonce {
            latest: sequence,
            pending: sequence,
        }),
        pool: None,
        incoming_pending: Vec::new(),
        transfers,
        history,
        head: ledger.block_height.or(Some(ledger.version)),
        congestion: None,
        observed_at: ledger.timestamp_us / 1_000_000,
        held: None,
        moved_to: None,
    })
}

/// The last `SENT` transactions `account` sent (its next sequence number
/// is `next`), oldest first, with the sequence number the list starts at;
/// `Ok(Err(gap))` when the node did not give them.
async fn sent_list(
    client: &RpcClient,
    e: &Endpoint,
    account: &str,
    next: u64,
) -> Result<Result<(Vec<Transaction>, u64), String>, String> {
    let start = next.saturating_sub(SENT);
    let path = format!("/accounts/{account}/transactions?start={start}&limit={SENT}");
    let a = get(client, e, &path).await?;
    if a.status != 200 {
        return Ok(Err(format!("{path}: HTTP {}", a.status)));
    }
    let sent: Vec<Transaction> =
        serde_json::from_slice(&a.body).map_err(|err| format!("GET {path}: {err}"))?;
    Ok(Ok((sent, start)))
}

fn error_code(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<ApiError>(body).ok()?.error_code
}

/// The transfers out of `address` in the transactions it sent (succeeded,
/// inside the window), newest first. Only the account's own transactions
/// count: a node answering with another sender's is not believed.
pub fn sent_transfers(
    sent: &[Transaction],
    address: &str,
    ledger: &Ledger,
    chain: &Chain,
    since: u64,
) -> Vec<Transfer> {
    let mut out = Vec::new();
    for tx in sent.iter().rev() {
        if tx.kind != "user_transaction"
            || tx.success != Some(true)
            || tx.sender.as_deref().and_then(convert::normalize).as_deref() != Some(address)
            || tx.version.is_none_or(|v| v > ledger.version)
        {
            continue;
        }
        let time = tx.timestamp.map(|t| t / 1_000_000);
        if time.is_some_and(|t| t < since) {
            continue;
        }
        let facts = convert::tx_facts(tx, ledger, None, chain);
        let base = |to: String,
                    token: Option<String>,
                    symbol: Option<String>,
                    raw: U256,
                    decimals: Option<u8>,
                    listed: bool| Transfer {
            memo: None,
            hash: facts.hash.clone(),
            block: tx.version,
            time,
            direction: Direction::Out,
            from: address.to_string(),
            to,
            token,
            symbol,
            raw,
            decimals,
            listed,
        };
        if let Some(to) = facts.to.as_ref().filter(|_| !facts.value.raw.is_zero()) {
            out.push(base(
                to.clone(),
                None,
                Some(chain.symbol.clone()),
                facts.value.raw,
                Some(chain.decimals),
                true,
            ));
        }
        for t in facts.token_transfers.iter().filter(|t| t.from == address) {
            let listed = chain.token_by_mint(&t.token).is_some() || convert::is_apt(&t.token);
            let decimals = t.amount.as_ref().and_then(|_| {
                chain
                    .token_by_mint(&t.token)
                    .map(|c| c.decimals)
                    .or(convert::is_apt(&t.token).then_some(chain.decimals))
            });
            out.push(base(
                t.to.clone(),
                (!convert::is_apt(&t.token)).then(|| t.token.clone()),
                t.symbol.clone(),
                t.raw.parse().unwrap_or_default(),
                decimals,
                listed,
            ));
        }
    }
    out
}
