//! What became of a transaction seen pending before that the network no
//! longer knows. The evidence is the sender's nonce: once the chain's
//! confirmed nonce has passed it, another transaction used it (replaced) —
//! found by narrowing down, with the sender's historical transaction counts,
//! the block where the count passed it; while a pooled transaction holds it,
//! it was replaced by that one; otherwise it is free (dropped: safe to send
//! again).

use alloy_primitives::{Address, B256, U256, hex};
use serde_json::json;

use super::wire::BlockWithTransactions;
use crate::chain::transport::{Call, CallResult, Endpoint, RpcClient, decode};
use crate::model::{Fate, Seen, SenderNonce};

/// Block numbers probed per request while narrowing down the replacement.
const PROBES_PER_ROUND: u64 = 16;
/// 16 probes per round cover 16^8 ≈ 4 billion blocks in 8 rounds.
const MAX_ROUNDS: usize = 8;

/// `eth_getTransactionCount` at "latest" and "pending".
pub fn nonce_calls(sender: Address) -> [Call; 2] {
    [
        Call::new("eth_getTransactionCount", json!([sender, "latest"])),
        Call::new("eth_getTransactionCount", json!([sender, "pending"])),
    ]
}

pub fn sender_nonce(latest: &CallResult, pending: &CallResult) -> Result<SenderNonce, String> {
    let count = |r: &CallResult, tag: &str| {
        decode::<U256>(r)
            .map_err(|e| format!("eth_getTransactionCount({tag}): {e}"))
            .and_then(|n| u64::try_from(n).map_err(|_| "nonce out of range".to_string()))
    };
    let latest = count(latest, "latest")?;
    // Some nodes answer "pending" from a pool that lags the chain: never below latest.
    let pending = count(pending, "pending")?.max(latest);
    Ok(SenderNonce { latest, pending })
}

pub async fn fate(client: &RpcClient, endpoint: &Endpoint, seen: &Seen) -> Fate {
    let Ok(sender) = seen.from.parse::<Address>() else {
        return Fate::Unchecked {
            why: format!("the remembered sender {:?} is not an address", seen.from),
        };
    };
    let mut calls = nonce_calls(sender).to_vec();
    calls.push(Call::new("eth_blockNumber", json!([])));
    let answers = match client.batch(endpoint, &calls).await {
        Ok(a) => a,
        Err(e) => {
            return Fate::Unchecked {
                why: format!("{} {e}", endpoint.shown),
            };
        }
    };
    let nonce = match sender_nonce(&answers[0], &answers[1]) {
        Ok(n) => n,
        Err(e) => {
            return Fate::Unchecked {
                why: format!("{} {e}", endpoint.shown),
            };
        }
    };
    if nonce.latest > seen.nonce {
        let head = decode::<U256>(&answers[2])
            .ok()
            .and_then(|h| u64::try_from(h).ok());
        let search = match head {
            Some(head) => {
                let from = seen.head_at_first_seen.unwrap_or(0).min(head);
                find_nonce_user(client, endpoint, sender, seen.nonce, from, head).await
            }
            None => Err("the endpoint did not say its head block".to_string()),
        };
        let (by, block, search_note) = match search {
            Ok(Some((hash, block))) => (Some(hex::encode_prefixed(hash)), Some(block), None),
            Ok(None) => (None, None, Some("no transaction of the sender with this nonce was found in the block where the nonce was used".to_string())),
            Err(e) => (None, None, Some(e)),
        };
        Fate::Replaced {
            by,
            block,
            in_pool: false,
            nonce,
            search_note,
        }
    } else if nonce.pending > seen.nonce {
        Fate::Replaced {
            by: None,
            block: None,
            in_pool: true,
            nonce,
            search_note: None,
        }
    } else {
        Fate::Dropped { nonce }
    }
}

/// The transaction (and its block) in which `sender` used `nonce`, searched
/// in `(lo, hi]`: the transaction count is below or equal to `nonce` at `lo`
/// and above it at `hi`. Each round asks the count at up to 16 blocks in one
/// batch and keeps the sub-range where it passed the nonce; the block found
/// is then read whole. Fails when the endpoint keeps no state that old.
async fn find_nonce_user(
    client: &RpcClient,
    endpoint: &Endpoint,
    sender: Address,
    nonce: u64,
    mut lo: u64,
    mut hi: u64,
) -> Result<Option<(B256, u64)>, String> {
    let mut rounds = 0;
    while hi.saturating_sub(lo) > 1 {
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err("the search for the replacing transaction took too many rounds".into());
        }
        let probes = probes(lo, hi);
        let calls: Vec<Call> = probes
            .iter()
            .map(|b| {
                Call::new(
                    "eth_getTransactionCount",
                    json!([sender, format!("0x{b:x}")]),
                )
            })
            .collect();
        let answers = client
            .batch(endpoint, &calls)
            .await
            .map_err(|e| format!("{} {e}", endpoint.shown))?;
        for (block, answer) in probes.iter().zip(&answers) {
            let count: U256 = decode(answer).map_err(|e| {
                format!(
                    "{} has no account state for block {block} ({e}); an archive endpoint can tell",
                    endpoint.shown
                )
            })?;
            if count > U256::from(nonce) {
                hi = *block;
                break;
            }
            lo = *block;
        }
    }
    let block = Call::new("eth_getBlockByNumber", json!([format!("0x{hi:x}"), true]));
    let answer = client
        .batch(endpoint, &[block])
        .await
        .map_err(|e| format!("{} {e}", endpoint.shown))?;
    let block: Option<BlockWithTransactions> = decode(&answer[0])
        .map_err(|e| format!("{} eth_getBlockByNumber({hi}): {e}", endpoint.shown))?;
    let found = block
        .into_iter()
        .flat_map(|b| b.transactions)
        .find(|t| t.from == sender && t.nonce == U256::from(nonce));
    Ok(found.map(|t| (t.hash, hi)))
}

/// Up to `PROBES_PER_ROUND` block numbers evenly spread over `(lo, hi)`,
/// ending with `hi`, ascending.
fn probes(lo: u64, hi: u64) -> Vec<u64> {
    // Saturating: `lo` and `hi` come from an endpoint's heads.
    let span = hi.saturating_sub(lo);
    let step = span.div_ceil(PROBES_PER_ROUND).max(1);
    let mut v: Vec<u64> = (1..PROBES_PER_ROUND)
        .map(|i| lo.saturating_add(i.saturating_mul(step)))
        .take_while(|b| *b < hi)
        .collect();
    v.push(hi);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::chain::transport::answered as ok;

    #[test]
    fn probes_spread_over_the_range_and_end_at_hi() {
        assert_eq!(probes(10, 12), [11, 12]);
        assert_eq!(probes(u64::MAX - 1, u64::MAX), [u64::MAX], "issue 18");
        assert_eq!(probes(5, 3), [3], "a range upside down asks its end only");
        assert_eq!(probes(0, 16), (1..=16).collect::<Vec<_>>());
        let p = probes(1000, 8200);
        assert_eq!(p.len(), 16);
        assert_eq!(p[0], 1450);
        assert_eq!(*p.last().unwrap(), 8200);
        assert!(p.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn rounds_suffice_for_any_chain_height() {
        // Each round divides the range by at least 16 until it is one block.
        let mut span: u64 = 4_000_000_000;
        let mut rounds = 0;
        while span > 1 {
            span = span.div_ceil(PROBES_PER_ROUND);
            rounds += 1;
        }
        assert!(rounds <= MAX_ROUNDS, "{rounds}");
    }

    #[test]
    fn pending_nonce_is_never_below_latest() {
        let n = sender_nonce(&ok(json!("0x5")), &ok(json!("0x3"))).unwrap();
        assert_eq!(
            n,
            SenderNonce {
                latest: 5,
                pending: 5
            }
        );
        assert!(sender_nonce(&ok(json!(null)), &ok(json!("0x3"))).is_err());
    }
}
