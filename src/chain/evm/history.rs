//! An EVM address's recent token transfers and pooled transactions, from
//! what a node offers without an explorer: `eth_getLogs` filtered on the
//! ERC-20 `Transfer` topic with the address as sender or recipient (every
//! token, so a fake token sent by a poisoner shows too), over a window of
//! blocks split into ranges the endpoint accepts; and the node's txpool.
//! Pure: the requests are built and the answers read here, sent elsewhere.

use alloy_primitives::{Address, U256, hex};
use alloy_sol_types::SolEvent;
use serde_json::{Value, json};

use super::convert::{self, TokenBook};
use super::wire::{LogEntry, PoolContent, PoolOfSender, Transaction};
use crate::chain::transport::CallError;
use crate::model::address::{Direction, Transfer};
use crate::model::{PendingFacts, SenderNonce};

/// A range of blocks, both ends included, read for one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub direction: Direction,
    pub from: u64,
    pub to: u64,
}

impl Chunk {
    pub fn span(&self) -> u64 {
        self.to - self.from + 1
    }

    /// Two halves, for an endpoint that refused the whole.
    pub fn halves(&self) -> Option<[Chunk; 2]> {
        (self.span() > 1).then(|| {
            let mid = self.from + self.span() / 2 - 1;
            [
                Chunk { to: mid, ..*self },
                Chunk {
                    from: mid + 1,
                    ..*self
                },
            ]
        })
    }

    /// The `eth_getLogs` filter: every ERC-20 `Transfer` with `address` as
    /// the sender (topic 1) or the recipient (topic 2).
    pub fn filter(&self, address: Address) -> Value {
        let topic = Value::String(hex::encode_prefixed(address.into_word()));
        let transfer = Value::String(hex::encode_prefixed(convert::Transfer::SIGNATURE_HASH));
        let topics = match self.direction {
            Direction::Out => json!([transfer, topic]),
            Direction::In => json!([transfer, null, topic]),
        };
        json!({
            "fromBlock": format!("0x{:x}", self.from),
            "toBlock": format!("0x{:x}", self.to),
            "topics": topics,
        })
    }
}

/// The first block of a window of `secs` ending at `head`, at the chain's
/// block time, and the chunks to read it in, newest first, at most
/// `max_calls` per direction (the window shrinks to fit them).
pub fn chunks(
    head: u64,
    secs: u64,
    block_time: f64,
    range: u64,
    max_calls: u64,
    directions: &[Direction],
) -> (u64, Vec<Chunk>) {
    let wanted = ((secs as f64 / block_time).ceil() as u64).max(1);
    // Saturating: a head is whatever an endpoint answered (u64::MAX too),
    // and the chunks stay at most `max_calls` per direction.
    let range = range.max(1);
    let blocks = wanted
        .min(range.saturating_mul(max_calls))
        .min(head.saturating_add(1));
    let first = head.saturating_add(1) - blocks;
    let mut out = Vec::new();
    for &direction in directions {
        let mut to = head;
        loop {
            let from = to.saturating_sub(range - 1).max(first);
            out.push(Chunk {
                direction,
                from,
                to,
            });
            if from == first {
                break;
            }
            to = from - 1;
        }
    }
    (first, out)
}

/// An `eth_getLogs` error that says the request was too wide (block range
/// or result count), so halving it may succeed. Providers word it in many
/// ways: "block range is too wide", "query returned more than 10000
/// results", "exceed maximum block range: 5000", "Log response size exceeded".
pub fn too_wide(e: &CallError) -> bool {
    let CallError::Rpc { message, code, .. } = e else {
        return false;
    };
    let m = message.to_ascii_lowercase();
    *code == -32005
        || [
            "range",
            "too many",
            "too large",
            "more than",
            "exceed",
            "limit",
            "size",
        ]
        .iter()
        .any(|w| m.contains(w))
}

/// The transfers among `logs` (the answer to `chunk`'s filter), with symbols
/// and decimals from `book` for the tokens it knows.
pub fn transfers(
    logs: &[LogEntry],
    address: Address,
    direction: Direction,
    book: &TokenBook,
) -> Vec<Transfer> {
    logs.iter()
        .filter(|l| !l.removed && convert::is_erc20_transfer(&l.log))
        .filter_map(|l| {
            let from = Address::from_word(l.log.topics[1]);
            let to = Address::from_word(l.log.topics[2]);
            let ours = match direction {
                Direction::In => to == address,
                Direction::Out => from == address,
            };
            if !ours {
                return None;
            }
            let info = book.get(&l.log.address);
            Some(Transfer {
                memo: None,
                hash: l
                    .transaction_hash
                    .map(hex::encode_prefixed)
                    .unwrap_or_default(),
                block: l.block_number.and_then(|b| u64::try_from(b).ok()),
                time: l.timestamp(),
                direction,
                from: from.to_checksum(None),
                to: to.to_checksum(None),
                token: Some(l.log.address.to_checksum(None)),
                symbol: info.and_then(|i| i.symbol.clone()),
                raw: U256::from_be_slice(&l.log.data),
                decimals: info.and_then(|i| i.decimals),
                listed: false,
            })
        })
        .collect()
}

/// Newest first; a transfer read twice (overlapping retries) kept once.
pub fn sort_and_dedup(transfers: &mut Vec<Transfer>) {
    transfers.sort_by(|a, b| {
        b.block
            .cmp(&a.block)
            .then_with(|| a.hash.cmp(&b.hash))
            .then_with(|| (a.direction as u8).cmp(&(b.direction as u8)))
    });
    transfers.dedup();
}

fn nonce_of(key: &str, tx: &Transaction) -> u64 {
    key.parse()
        .ok()
        .or_else(|| u64::try_from(tx.nonce).ok())
        .unwrap_or_default()
}

/// The address's pooled transactions from either txpool answer, by nonce.
pub fn own_pool(
    from: Option<&PoolOfSender>,
    all: Option<&PoolContent>,
    address: Address,
) -> Option<Vec<(u64, Transaction)>> {
    let maps: Vec<&std::collections::BTreeMap<String, Transaction>> = match (from, all) {
        (Some(p), _) => vec![&p.pending, &p.queued],
        (None, Some(c)) => [c.pending.get(&address), c.queued.get(&address)]
            .into_iter()
            .flatten()
            .collect(),
        (None, None) => return None,
    };
    let mut txs: Vec<(u64, Transaction)> = maps
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, tx)| (nonce_of(k, tx), tx.clone())))
        .filter(|(_, tx)| tx.from == address)
        .collect();
    txs.sort_by_key(|(n, _)| *n);
    txs.dedup_by_key(|(n, _)| *n);
    Some(txs)
}

/// Fee facts of a pooled transaction, with the network's prices and the
/// sender's nonces, so `diagnose::pending` can say why it waits.
pub fn pool_fees(
    tx: &Transaction,
    mut network: PendingFacts,
    nonce: Option<SenderNonce>,
) -> PendingFacts {
    let eip1559 = tx.max_fee_per_gas.is_some();
    network.max_fee_per_gas = tx.max_fee_per_gas;
    network.max_priority_fee_per_gas = tx.max_priority_fee_per_gas.filter(|_| eip1559);
    network.gas_price = if eip1559 { None } else { tx.gas_price };
    network.sender_nonce = nonce;
    network
}

/// Transfers to `address` still in the pool (native value, or an ERC-20
/// `transfer`/`transferFrom` naming it), from the full pool content.
pub fn incoming_from_pool(
    content: &PoolContent,
    address: Address,
    book: &TokenBook,
) -> Vec<Transfer> {
    let mut out = Vec::new();
    for tx in content
        .pending
        .values()
        .chain(content.queued.values())
        .flat_map(|m| m.values())
    {
        let base = |to: Address, token: Option<Address>, raw: U256| {
            let info = token.and_then(|t| book.get(&t));
            Transfer {
                memo: None,
                hash: hex::encode_prefixed(tx.hash),
                block: None,
                time: None,
                direction: Direction::In,
                from: tx.from.to_checksum(None),
                to: to.to_checksum(None),
                token: token.map(|t| t.to_checksum(None)),
                symbol: info.and_then(|i| i.symbol.clone()),
                raw,
                decimals: info.and_then(|i| i.decimals),
                listed: false,
            }
        };
        if tx.to == Some(address) && !tx.value.is_zero() {
            out.push(base(address, None, tx.value));
        }
        if let Some(to) = tx.to
            && let Some((from, recipient, amount)) =
                convert::decode_transfer_input(tx.from, &tx.input)
            && recipient == address
        {
            let mut t = base(recipient, Some(to), amount);
            t.from = from.to_checksum(None);
            out.push(t);
        }
    }
    out
}

/// `balanceOf(address)` call data.
pub fn balance_of_data(address: Address) -> String {
    use alloy_sol_types::SolCall;
    hex::encode_prefixed(convert::balanceOfCall { account: address }.abi_encode())
}

pub fn decode_balance(data: &[u8]) -> Option<U256> {
    (data.len() == 32).then(|| U256::from_be_slice(data))
}

#[cfg(test)]
mod tests {
    use super::super::wire::Log;
    use super::*;
    use alloy_primitives::B256;

    #[test]
    fn chunks_cover_the_window_newest_first() {
        let (first, c) = chunks(10_000, 24 * 3600, 12.0, 5_000, 50, &[Direction::In]);
        assert_eq!(first, 10_000 - 7_200 + 1);
        assert_eq!(
            c.iter().map(|c| (c.from, c.to)).collect::<Vec<_>>(),
            [(5_001, 10_000), (2_801, 5_000)]
        );
        // A young chain: the window starts at genesis.
        let (first, c) = chunks(10, 3600, 1.0, 4, 50, &[Direction::In, Direction::Out]);
        assert_eq!(first, 0);
        assert_eq!(c.len(), 6);
        assert_eq!((c[2].from, c[2].to), (0, 2));
        // Too many calls: the window shrinks to what they cover.
        let (first, c) = chunks(1_000_000, 24 * 3600, 0.25, 1_000, 3, &[Direction::Out]);
        assert_eq!((first, c.len()), (997_001, 3));
        // Issue 18: a head of u64::MAX made `head + 1` wrap and the chunk
        // list grow without end.
        let (first, c) = chunks(u64::MAX, 24 * 3600, 12.0, 5_000, 50, &[Direction::In]);
        assert_eq!((first, c.len()), (u64::MAX - 7_200, 2));
    }

    #[test]
    fn halves_split_a_refused_range() {
        let c = Chunk {
            direction: Direction::In,
            from: 10,
            to: 19,
        };
        let [a, b] = c.halves().unwrap();
        assert_eq!((a.from, a.to, b.from, b.to), (10, 14, 15, 19));
        let one = Chunk {
            from: 5,
            to: 5,
            ..c
        };
        assert!(one.halves().is_none());
    }

    #[test]
    fn provider_range_errors_are_recognised() {
        let e = |code: i64, m: &str| CallError::Rpc {
            code,
            message: m.into(),
            data: None,
        };
        assert!(too_wide(&e(-32000, "block range is too wide")));
        assert!(too_wide(&e(
            -32005,
            "query returned more than 10000 results"
        )));
        assert!(too_wide(&e(-32602, "exceed maximum block range: 5000")));
        assert!(!too_wide(&e(
            -32601,
            "the method eth_getLogs does not exist/is not available"
        )));
        assert!(!too_wide(&CallError::Missing));
    }

    #[test]
    fn transfer_logs_become_transfers_in_and_out() {
        let me: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            .parse()
            .unwrap();
        let other: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse()
            .unwrap();
        let token: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            .parse()
            .unwrap();
        let log = |from: Address, to: Address, v: u64| LogEntry {
            log: Log {
                address: token,
                topics: vec![
                    convert::Transfer::SIGNATURE_HASH,
                    from.into_word(),
                    to.into_word(),
                ],
                data: U256::from(v).to_be_bytes::<32>().to_vec().into(),
            },
            block_number: Some(U256::from(7)),
            transaction_hash: Some(B256::repeat_byte(1)),
            log_index: Some(U256::ZERO),
            block_timestamp: Some(json!("0x6b03171c")),
            removed: false,
        };
        let mut book = TokenBook::new();
        book.insert(
            token,
            convert::TokenInfo {
                symbol: Some("USDT".into()),
                decimals: Some(6),
            },
        );
        let got = transfers(
            &[log(other, me, 100_000_000), log(me, other, 5)],
            me,
            Direction::In,
            &book,
        );
        assert_eq!(got.len(), 1, "an outgoing log is not an incoming transfer");
        assert_eq!(got[0].amount().as_deref(), Some("100"));
        assert_eq!(got[0].display(), "100 USDT");
        assert_eq!((got[0].block, got[0].time), (Some(7), Some(0x6b03171c)));
        assert_eq!(got[0].from, other.to_checksum(None));
    }
}
