//! Solana RPC answers → chain-neutral facts. Pure.

use std::collections::BTreeMap;

use alloy_primitives::U256;
use serde_json::Value;

use super::wire::{PrioritizationFee, SignatureStatus, TokenBalance, Transaction};
use crate::chain::spec::Chain;
use crate::model::{
    Amount, BalanceChange, ComputeUnitPrices, Congestion, CongestionLevel, Failure, FailureKind,
    FamilyFacts, Fee, InstructionFailure, SolanaFacts, TokenTransfer, Trust, TxFacts, format_units,
};

/// Every signature pays this many lamports (the base fee).
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

const SYSTEM_PROGRAM: &str = "11111111111111111111111111111111";
const TOKEN_PROGRAMS: [&str; 2] = [
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
    "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb",
];

fn lamports(n: u64, chain: &Chain) -> Amount {
    Amount::new(U256::from(n), chain.decimals, chain.symbol.clone())
}

/// The facts of a transaction `getTransaction` returned. `status` is its
/// `getSignatureStatuses` entry (for the commitment), `head` the current slot.
pub fn tx_facts(
    tx: &Transaction,
    status: Option<&SignatureStatus>,
    head: Option<u64>,
    chain: &Chain,
) -> TxFacts {
    let keys: Vec<&str> = tx
        .transaction
        .message
        .account_keys
        .iter()
        .map(|k| k.pubkey.as_str())
        .collect();
    let fee_payer = keys.first().copied().unwrap_or_default().to_string();
    let meta = tx.meta.as_ref();
    let fee = meta.map_or(0, |m| m.fee);
    let base_fee = LAMPORTS_PER_SIGNATURE * tx.transaction.signatures.len() as u64;
    let transfers = sol_transfers(&tx.transaction.message.instructions);
    let moved: u64 = transfers.iter().map(|t| t.2).sum();
    let to = match transfers.as_slice() {
        [(_, to, _)] => Some(to.clone()),
        _ => None,
    };
    let token_transfers = meta.map_or_else(Vec::new, |m| {
        token_transfers(
            m.pre_token_balances.as_deref().unwrap_or_default(),
            m.post_token_balances.as_deref().unwrap_or_default(),
            &keys,
            chain,
        )
    });
    let intended_transfer = if token_transfers.is_empty() {
        meta.and_then(|m| {
            intended_token_transfer(
                &tx.transaction.message.instructions,
                m.pre_token_balances.as_deref().unwrap_or_default(),
                &keys,
                chain,
            )
        })
    } else {
        None
    };
    let err = meta.and_then(|m| m.err.as_ref());
    let instruction_error =
        err.and_then(|e| instruction_failure(e, &tx.transaction.message.instructions));
    let failure = err.map(|e| {
        failure(
            e,
            instruction_error.as_ref(),
            meta.and_then(|m| m.log_messages.as_deref()),
        )
    });
    let balance_changes = meta.map_or_else(Vec::new, |m| {
        m.pre_balances
            .iter()
            .zip(&m.post_balances)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| BalanceChange {
                account: keys.get(i).copied().unwrap_or("?").to_string(),
                before: a.to_string(),
                after: b.to_string(),
                change: if b >= a {
                    (b - a).to_string()
                } else {
                    format!("-{}", a - b)
                },
            })
            .collect()
    });
    let commitment = status
        .and_then(|s| s.confirmation_status.clone())
        .unwrap_or_else(|| "confirmed".to_string());
    TxFacts {
        hash: tx
            .transaction
            .signatures
            .first()
            .cloned()
            .unwrap_or_default(),
        from: fee_payer,
        to,
        nonce: None,
        value: lamports(moved, chain),
        block: Some(tx.slot),
        head,
        succeeded: Some(err.is_none()),
        fee: Some(Fee::flat(lamports(fee, chain))),
        token_transfers,
        intended_transfer,
        failure,
        contract_created: None,
        congestion: None,
        solidified: Some(commitment == "finalized"),
        expires_at_ms: None,
        observed_at_ms: None,
        family: FamilyFacts::Solana(Box::new(SolanaFacts {
            commitment,
            base_fee: base_fee.min(fee),
            priority_fee: fee.saturating_sub(base_fee),
            compute_units: meta.and_then(|m| m.compute_units_consumed),
            balance_changes,
            instruction_error,
        })),
        payees: None,
        tokens_unread: 0,
    }
}

/// Facts from the status alone: the node has seen the signature at a
/// commitment too low for `getTransaction` (processed).
pub fn status_facts(
    signature: &str,
    status: &SignatureStatus,
    head: Option<u64>,
    chain: &Chain,
) -> TxFacts {
    let commitment = status
        .confirmation_status
        .clone()
        .unwrap_or_else(|| "processed".to_string());
    TxFacts {
        hash: signature.to_string(),
        from: String::new(),
        to: None,
        nonce: None,
        value: lamports(0, chain),
        block: Some(status.slot),
        head,
        succeeded: Some(status.err.is_none()),
        fee: None,
        token_transfers: vec![],
        intended_transfer: None,
        failure: status.err.as_ref().map(|e| failure(e, None, None)),
        contract_created: None,
        congestion: None,
        solidified: Some(commitment == "finalized"),
        expires_at_ms: None,
        observed_at_ms: None,
        family: FamilyFacts::Solana(Box::new(SolanaFacts {
            commitment,
            base_fee: 0,
            priority_fee: 0,
            compute_units: None,
            balance_changes: vec![],
            instruction_error: status
                .err
                .as_ref()
                .and_then(|e| instruction_failure(e, &[])),
        })),
        payees: None,
        tokens_unread: 0,
    }
}

/// System-program transfers among the top-level instructions: (from, to, lamports).
pub fn sol_transfers(instructions: &[Value]) -> Vec<(String, String, u64)> {
    instructions
        .iter()
        .filter(|i| i["program"] == "system")
        .filter(|i| {
            matches!(
                i["parsed"]["type"].as_str(),
                Some("transfer" | "transferWithSeed")
            )
        })
        .filter_map(|i| {
            let info = &i["parsed"]["info"];
            Some((
                info["source"].as_str()?.to_string(),
                info["destination"].as_str()?.to_string(),
                info["lamports"].as_u64()?,
            ))
        })
        .collect()
}

/// One token account's balance before and after, its owner and decimals.
type Holding = (u128, u128, Option<String>, u8);

/// Token movements from the balances before and after, by owner: each
/// account that gained is paid by the account of the same mint that lost
/// the most. Owners (wallets), not token accounts, are reported.
pub fn token_transfers(
    pre: &[TokenBalance],
    post: &[TokenBalance],
    keys: &[&str],
    chain: &Chain,
) -> Vec<TokenTransfer> {
    // (mint, account index) → (before, after, owner, decimals)
    let mut accounts: BTreeMap<(String, usize), Holding> = BTreeMap::new();
    for (balances, after) in [(pre, false), (post, true)] {
        for b in balances {
            let amount: u128 = b.ui_token_amount.amount.parse().unwrap_or(0);
            let e = accounts
                .entry((b.mint.clone(), b.account_index))
                .or_insert((0, 0, b.owner.clone(), b.ui_token_amount.decimals));
            if after {
                e.1 = amount;
            } else {
                e.0 = amount;
            }
            if e.2.is_none() {
                e.2 = b.owner.clone();
            }
        }
    }
    let who = |index: usize, owner: &Option<String>| {
        owner
            .clone()
            .unwrap_or_else(|| keys.get(index).copied().unwrap_or("?").to_string())
    };
    let mut out = Vec::new();
    let mints: Vec<String> = accounts.keys().map(|(m, _)| m.clone()).collect();
    let mut seen = Vec::new();
    for mint in mints {
        if seen.contains(&mint) {
            continue;
        }
        seen.push(mint.clone());
        let of_mint: Vec<(usize, &Holding)> = accounts
            .iter()
            .filter(|((m, _), _)| *m == mint)
            .map(|((_, i), v)| (*i, v))
            .collect();
        let sender = of_mint
            .iter()
            .filter(|(_, (a, b, _, _))| b < a)
            .max_by_key(|(_, (a, b, _, _))| a - b);
        for (index, (before, after, owner, decimals)) in &of_mint {
            if after <= before {
                continue;
            }
            let raw = after - before;
            let token = chain.token_by_mint(&mint);
            let decimals = token.map_or(*decimals, |t| t.decimals);
            out.push(TokenTransfer {
                memo: None,
                token: mint.clone(),
                symbol: token.map(|t| t.symbol.clone()),
                from: sender.map_or_else(String::new, |(i, (_, _, o, _))| who(*i, o)),
                to: who(*index, owner),
                raw: raw.to_string(),
                amount: Some(format_units(U256::from(raw), decimals)),
                trust: Trust::Unchecked,
            });
        }
    }
    out
}

/// The token transfer an instruction asked for (`transfer` or
/// `transferChecked` of the Token program), with owners looked up in the
/// balances: what a failed transaction tried to send.
fn intended_token_transfer(
    instructions: &[Value],
    balances: &[TokenBalance],
    keys: &[&str],
    chain: &Chain,
) -> Option<TokenTransfer> {
    let ix = instructions.iter().find(|i| {
        i["program"] == "spl-token"
            && matches!(
                i["parsed"]["type"].as_str(),
                Some("transfer" | "transferChecked")
            )
    })?;
    let info = &ix["parsed"]["info"];
    let owner_of = |account: &str| {
        let index = keys.iter().position(|k| *k == account)?;
        balances.iter().find(|b| b.account_index == index)
    };
    let source = info["source"].as_str()?;
    let destination = info["destination"].as_str()?;
    let raw = info["tokenAmount"]["amount"]
        .as_str()
        .or(info["amount"].as_str())?
        .to_string();
    let mint = info["mint"]
        .as_str()
        .map(str::to_string)
        .or_else(|| owner_of(source).map(|b| b.mint.clone()))?;
    let token = chain.token_by_mint(&mint);
    let decimals = token
        .map(|t| t.decimals)
        .or_else(|| owner_of(source).map(|b| b.ui_token_amount.decimals));
    let owner = |account: &str| {
        owner_of(account)
            .and_then(|b| b.owner.clone())
            .unwrap_or_else(|| account.to_string())
    };
    Some(TokenTransfer {
        memo: None,
        token: mint.clone(),
        symbol: token.map(|t| t.symbol.clone()),
        from: owner(source),
        to: owner(destination),
        amount: decimals.and_then(|d| Some(format_units(raw.parse().ok()?, d))),
        trust: Trust::Unchecked,
        raw,
    })
}

/// `{"InstructionError": [index, detail]}` → which instruction and why.
fn instruction_failure(err: &Value, instructions: &[Value]) -> Option<InstructionFailure> {
    let [index, detail] = err.get("InstructionError")?.as_array()?.as_slice() else {
        return None;
    };
    let index = index.as_u64()?;
    let custom_code = detail.get("Custom").and_then(Value::as_u64);
    let error = match (detail.as_str(), custom_code) {
        (Some(s), _) => s.to_string(),
        (None, Some(code)) => format!("Custom({code})"),
        _ => detail.to_string(),
    };
    Some(InstructionFailure {
        index,
        program: instructions
            .get(index as usize)
            .and_then(|i| i["programId"].as_str())
            .map(str::to_string),
        error,
        custom_code,
    })
}

/// The failure in words: insufficient funds named as such (the runtime's
/// own errors, and custom error 1 of the System and Token programs), else
/// the failing instruction with its error and the program's last log line.
fn failure(err: &Value, ix: Option<&InstructionFailure>, logs: Option<&[String]>) -> Failure {
    let top = err.as_str().or_else(|| {
        err.as_object()
            .and_then(|o| o.keys().next())
            .map(String::as_str)
    });
    let insufficient = matches!(
        top,
        Some("InsufficientFundsForFee" | "InsufficientFundsForRent")
    ) || ix.is_some_and(|ix| {
        ix.error == "InsufficientFunds"
            || (ix.custom_code == Some(1)
                && ix
                    .program
                    .as_deref()
                    .is_some_and(|p| p == SYSTEM_PROGRAM || TOKEN_PROGRAMS.contains(&p)))
    });
    // The program's own words ("Program log: Error: …") before the runtime's.
    let log = logs.and_then(|l| {
        let last = |needle: &str| l.iter().rev().find(|line| line.contains(needle)).cloned();
        last("Error:").or_else(|| last("failed:"))
    });
    let message = match ix {
        Some(ix) => {
            let program = ix.program.as_deref().map(program_name).unwrap_or_default();
            let what = match ix.custom_code {
                Some(code) => format!("custom program error {code} (0x{code:x})"),
                None => ix.error.clone(),
            };
            let mut m = format!("instruction {}{program} failed: {what}", ix.index);
            if let Some(log) = log {
                m.push_str(&format!(" — {log}"));
            }
            m
        }
        None => top.unwrap_or("unknown error").to_string(),
    };
    Failure {
        message: Some(message),
        kind: if insufficient {
            FailureKind::InsufficientFunds
        } else {
            FailureKind::InstructionError
        },
        data: Some(err.to_string()),
    }
}

/// " (Token program)" for the well-known programs, else " (program X)".
fn program_name(id: &str) -> String {
    match id {
        SYSTEM_PROGRAM => " (System program)".into(),
        p if TOKEN_PROGRAMS.contains(&p) => " (Token program)".into(),
        "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL" => {
            " (Associated Token Account program)".into()
        }
        "ComputeBudget111111111111111111111111111111" => " (Compute Budget program)".into(),
        other => format!(" (program {other})"),
    }
}

/// Recent slots' compute-unit prices and the level they mean: a median at
/// most 10,000 micro-lamports per CU is quiet, 100,000 ordinary, 1,000,000
/// busy, more a fee spike.
pub fn congestion(fees: &[PrioritizationFee]) -> Option<Congestion> {
    if fees.is_empty() {
        return None;
    }
    let mut v: Vec<u64> = fees.iter().map(|f| f.prioritization_fee).collect();
    v.sort_unstable();
    let at = |p: usize| v[((v.len() - 1) * p).div_ceil(100)];
    let prices = ComputeUnitPrices {
        median: at(50),
        p75: at(75),
        p90: at(90),
        slots_sampled: v.len(),
    };
    let level = match prices.median {
        0..=10_000 => CongestionLevel::Low,
        10_001..=100_000 => CongestionLevel::Normal,
        100_001..=1_000_000 => CongestionLevel::High,
        _ => CongestionLevel::Extreme,
    };
    Some(Congestion {
        blocks_sampled: v.len(),
        compute_unit_price: Some(prices),
        ..Congestion::new(level)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_errors_name_insufficient_funds() {
        let ix = vec![json!({"programId": TOKEN_PROGRAMS[0], "accounts": [], "data": ""})];
        let err = json!({"InstructionError": [0, {"Custom": 1}]});
        let f = instruction_failure(&err, &ix).unwrap();
        assert_eq!(
            (f.index, f.custom_code, f.error.as_str()),
            (0, Some(1), "Custom(1)")
        );
        let logs = vec!["Program log: Error: insufficient funds".to_string()];
        let found = failure(&err, Some(&f), Some(&logs));
        assert_eq!(found.kind, FailureKind::InsufficientFunds);
        assert_eq!(
            found.message.unwrap(),
            "instruction 0 (Token program) failed: custom program error 1 (0x1) — Program log: Error: insufficient funds"
        );
        // The same code from another program means something else.
        let other = vec![json!({"programId": "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"})];
        let f = instruction_failure(&json!({"InstructionError": [0, {"Custom": 6001}]}), &other)
            .unwrap();
        let found = failure(
            &json!({"InstructionError": [0, {"Custom": 6001}]}),
            Some(&f),
            None,
        );
        assert_eq!(found.kind, FailureKind::InstructionError);
        assert!(
            found
                .message
                .unwrap()
                .contains("custom program error 6001 (0x1771)")
        );
        assert_eq!(
            failure(&json!("InsufficientFundsForFee"), None, None).kind,
            FailureKind::InsufficientFunds
        );
    }

    #[test]
    fn percentiles_of_recent_prices() {
        let fees: Vec<PrioritizationFee> = (0..150)
            .map(|i| PrioritizationFee {
                slot: i,
                prioritization_fee: if i < 60 { 0 } else { i * 1000 },
            })
            .collect();
        let c = congestion(&fees).unwrap();
        let p = c.compute_unit_price.unwrap();
        assert_eq!(p.slots_sampled, 150);
        assert!(p.median > 0 && p.median <= p.p75 && p.p75 <= p.p90);
        assert!(congestion(&[]).is_none());
    }
}
