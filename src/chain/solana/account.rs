//! A Solana address over JSON-RPC, in three batches: the SOL balance, the
//! address's token accounts (`getTokenAccountsByOwner`, jsonParsed), its
//! signatures and the slot; then the signatures of its token accounts —
//! a token transfer to an existing token account does not name the wallet,
//! so the wallet's own signatures miss it; then the transactions of the
//! signatures inside the window (`getTransaction`, jsonParsed), read into
//! SOL and token transfers by owner.

use std::collections::BTreeSet;

use alloy_primitives::U256;
use serde_json::json;

use super::convert;
use super::wire::{KeyedTokenAccount, SignatureInfo, Transaction, WithContext};
use crate::chain::spec::Chain;
use crate::chain::transport::{Call, Endpoint, RpcClient, decode};
use crate::chain::{AddressOutcome, AddressScope, first_answer};
use crate::model::Amount;
use crate::model::address::{AddressFacts, Direction, History, TokenBalance, Transfer};

const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
/// Signatures asked per address (the wallet and each token account).
const SIGNATURES: usize = 25;
/// Token accounts whose signatures are read: the configured mints first.
const MAX_TOKEN_ACCOUNTS: usize = 6;
/// Transactions read, newest first.
const MAX_TRANSACTIONS: usize = 40;

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

fn signatures_call(address: &str) -> Call {
    Call::new(
        "getSignaturesForAddress",
        json!([address, {"limit": SIGNATURES, "commitment": "confirmed"}]),
    )
}

async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    address: &str,
    scope: &AddressScope,
) -> Result<AddressFacts, String> {
    let calls = [
        Call::new("getBalance", json!([address, {"commitment": "confirmed"}])),
        Call::new(
            "getTokenAccountsByOwner",
            json!([address, {"programId": TOKEN_PROGRAM}, {"encoding": "jsonParsed", "commitment": "confirmed"}]),
        ),
        signatures_call(address),
        Call::new("getSlot", json!([{"commitment": "confirmed"}])),
    ];
    let answers = client
        .batch(endpoint, &calls)
        .await
        .map_err(|e| e.to_string())?;
    let balance: WithContext<u64> = decode(&answers[0]).map_err(|e| format!("getBalance: {e}"))?;
    let accounts: WithContext<Vec<KeyedTokenAccount>> =
        decode(&answers[1]).map_err(|e| format!("getTokenAccountsByOwner: {e}"))?;
    let own: Vec<SignatureInfo> =
        decode(&answers[2]).map_err(|e| format!("getSignaturesForAddress: {e}"))?;
    let head: Option<u64> = decode(&answers[3]).ok();

    let since = scope.now.saturating_sub(scope.since_secs);
    let mut history = History {
        since: Some(since),
        assets: vec![chain.symbol.clone(), "all SPL tokens".to_string()],
        native: true,
        ..History::new("getSignaturesForAddress")
    };
    // Configured mints first: their accounts are the ones that matter most.
    let mut token_accounts: Vec<&KeyedTokenAccount> = accounts.value.iter().collect();
    token_accounts.sort_by_key(|a| {
        chain
            .token_by_mint(&a.account.data.parsed.info.mint)
            .is_none()
    });
    if token_accounts.len() > MAX_TOKEN_ACCOUNTS {
        history.gaps.push(format!(
            "the address has {} token accounts; the history of {} was read",
            token_accounts.len(),
            MAX_TOKEN_ACCOUNTS
        ));
        token_accounts.truncate(MAX_TOKEN_ACCOUNTS);
    }
    let mut lists = vec![(address.to_string(), own)];
    if !token_accounts.is_empty() {
        let calls: Vec<Call> = token_accounts
            .iter()
            .map(|a| signatures_call(&a.pubkey))
            .collect();
        let answers = client
            .batch(endpoint, &calls)
            .await
            .map_err(|e| e.to_string())?;
        for (a, answer) in token_accounts.iter().zip(&answers) {
            let list: Vec<SignatureInfo> = decode(answer)
                .map_err(|e| format!("getSignaturesForAddress({}): {e}", a.pubkey))?;
            lists.push((a.pubkey.clone(), list));
        }
    }
    let wanted = in_window(&lists, since, &mut history);
    let mut transfers = Vec::new();
    if !wanted.is_empty() {
        let calls: Vec<Call> = wanted
            .iter()
            .map(|s| {
                Call::new(
                    "getTransaction",
                    json!([s, {"encoding": "jsonParsed", "maxSupportedTransactionVersion": 0, "commitment": "confirmed"}]),
                )
            })
            .collect();
        let answers = client
            .batch(endpoint, &calls)
            .await
            .map_err(|e| e.to_string())?;
        for (signature, answer) in wanted.iter().zip(&answers) {
            match decode::<Option<Transaction>>(answer) {
                Ok(Some(tx)) => transfers.extend(transfers_of(&tx, address, chain)),
                Ok(None) => history.gaps.push(format!(
                    "transaction {signature}: the endpoint no longer has it"
                )),
                Err(e) => history.gaps.push(format!("transaction {signature}: {e}")),
            }
        }
    }
    transfers.sort_by(|a, b| b.block.cmp(&a.block).then_with(|| a.hash.cmp(&b.hash)));
    history.to_block = head;
    Ok(AddressFacts {
        address: address.to_string(),
        unconfirmed: None,
        balance: Some(Amount::new(
            U256::from(balance.value),
            chain.decimals,
            chain.symbol.clone(),
        )),
        tokens: token_balances(&accounts.value, chain),
        nonce: None,
        pool: None,
        incoming_pending: Vec::new(),
        transfers,
        history,
        head,
        congestion: None,
        observed_at: scope.now,
        held: None,
        moved_to: None,
    })
}

/// The configured mints' balances, summed over the address's token accounts.
fn token_balances(accounts: &[KeyedTokenAccount], chain: &Chain) -> Vec<TokenBalance> {
    chain
        .tokens
        .iter()
        .filter_map(|t| {
            let mint = t.mint.clone()?;
            let raw: U256 = accounts
                .iter()
                .map(|a| &a.account.data.parsed.info)
                .filter(|i| i.mint == mint)
                .filter_map(|i| U256::from_str_radix(&i.token_amount.amount, 10).ok())
                .fold(U256::ZERO, |a, b| a.saturating_add(b));
            Some(TokenBalance {
                token: mint,
                balance: Amount::new(raw, t.decimals, t.symbol.clone()),
            })
        })
        .collect()
}

/// Successful signatures inside the window, newest first, each once; a list
/// that is full while still inside the window means older ones were not read.
pub fn in_window(
    lists: &[(String, Vec<SignatureInfo>)],
    since: u64,
    history: &mut History,
) -> Vec<String> {
    let mut all: Vec<&SignatureInfo> = Vec::new();
    for (account, list) in lists {
        let inside: Vec<&SignatureInfo> = list
            .iter()
            .filter(|s| s.block_time.is_none_or(|t| t >= since as i64))
            .collect();
        if list.len() >= SIGNATURES && inside.len() == list.len() {
            history.truncated = true;
            history.gaps.push(format!(
                "{account}: more than {SIGNATURES} transactions in the window; older ones were not read"
            ));
        }
        all.extend(inside.into_iter().filter(|s| s.err.is_none()));
    }
    all.sort_by_key(|s| std::cmp::Reverse(s.slot));
    let mut seen = BTreeSet::new();
    let mut out: Vec<String> = all
        .into_iter()
        .filter(|s| seen.insert(s.signature.clone()))
        .map(|s| s.signature.clone())
        .collect();
    if out.len() > MAX_TRANSACTIONS {
        history.truncated = true;
        history.gaps.push(format!(
            "more than {MAX_TRANSACTIONS} transactions in the window; the newest {MAX_TRANSACTIONS} were read"
        ));
        out.truncate(MAX_TRANSACTIONS);
    }
    out
}

/// SOL (system transfers) and tokens (balances before and after, by owner)
/// that moved to or from `address` in a successful transaction.
pub fn transfers_of(tx: &Transaction, address: &str, chain: &Chain) -> Vec<Transfer> {
    let Some(meta) = tx.meta.as_ref().filter(|m| m.err.is_none()) else {
        return Vec::new();
    };
    let hash = tx
        .transaction
        .signatures
        .first()
        .cloned()
        .unwrap_or_default();
    let time = tx.block_time.and_then(|t| u64::try_from(t).ok());
    let base = |direction, from: &str, to: &str| Transfer {
        memo: None,
        hash: hash.clone(),
        block: Some(tx.slot),
        time,
        direction,
        from: from.to_string(),
        to: to.to_string(),
        token: None,
        symbol: Some(chain.symbol.clone()),
        raw: U256::ZERO,
        decimals: Some(chain.decimals),
        listed: true,
    };
    let direction = |from: &str, to: &str| {
        if to == address {
            Some(Direction::In)
        } else if from == address {
            Some(Direction::Out)
        } else {
            None
        }
    };
    let mut out = Vec::new();
    for (from, to, lamports) in convert::sol_transfers(&tx.transaction.message.instructions) {
        if let Some(d) = direction(&from, &to) {
            out.push(Transfer {
                memo: None,
                raw: U256::from(lamports),
                ..base(d, &from, &to)
            });
        }
    }
    let keys: Vec<&str> = tx
        .transaction
        .message
        .account_keys
        .iter()
        .map(|k| k.pubkey.as_str())
        .collect();
    let pre = meta.pre_token_balances.as_deref().unwrap_or_default();
    let post = meta.post_token_balances.as_deref().unwrap_or_default();
    for t in convert::token_transfers(pre, post, &keys, chain) {
        let Some(d) = direction(&t.from, &t.to) else {
            continue;
        };
        let listed = chain.token_by_mint(&t.token);
        let decimals = listed.map(|l| l.decimals).or_else(|| {
            post.iter()
                .chain(pre)
                .find(|b| b.mint == t.token)
                .map(|b| b.ui_token_amount.decimals)
        });
        out.push(Transfer {
            memo: None,
            token: Some(t.token.clone()),
            symbol: t.symbol.clone(),
            raw: U256::from_str_radix(&t.raw, 10).unwrap_or_default(),
            decimals,
            listed: listed.is_some(),
            ..base(d, &t.from, &t.to)
        });
    }
    out
}
