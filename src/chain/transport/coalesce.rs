//! Many lookups, one HTTP request: the JSON-RPC calls that concurrent
//! lookups make to the same endpoint within a moment are gathered into one
//! batch (up to the endpoint's cap), identical calls (`eth_chainId`,
//! `eth_blockNumber`, `eth_feeHistory`) are sent once, and each lookup gets
//! back exactly the answers to its own calls. The grouping is pure; the
//! client (`rpc.rs`) decides when a group leaves.

use std::collections::HashMap;

use tokio::sync::oneshot;

use super::error::{CallResult, EndpointError};
use super::jsonrpc::Call;

/// What one lookup is waiting for.
pub type Reply = Result<Vec<CallResult>, EndpointError>;

struct Waiter {
    /// Where each of its calls sits in the group's batch.
    slots: Vec<usize>,
    reply: oneshot::Sender<Reply>,
}

/// The calls gathered for one endpoint, not yet sent.
pub struct Group {
    pub id: u64,
    /// When the last lookup joined (the group waits for stragglers while they come).
    pub last_joined: std::time::Instant,
    calls: Vec<Call>,
    index: HashMap<String, usize>,
    waiters: Vec<Waiter>,
}

fn key(call: &Call) -> String {
    format!("{}{}", call.method, call.params)
}

impl Group {
    pub fn new(id: u64) -> Self {
        Group {
            id,
            last_joined: std::time::Instant::now(),
            calls: Vec::new(),
            index: HashMap::new(),
            waiters: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }

    /// Distinct calls in the batch.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// How many distinct calls `calls` would add.
    pub fn added_by(&self, calls: &[Call]) -> usize {
        let mut seen = std::collections::HashSet::new();
        calls
            .iter()
            .map(key)
            .filter(|k| !self.index.contains_key(k) && seen.insert(k.clone()))
            .count()
    }

    /// Adds one lookup's calls; its answers go to `reply`.
    pub fn add(&mut self, calls: &[Call], reply: oneshot::Sender<Reply>) {
        self.last_joined = std::time::Instant::now();
        let slots = calls
            .iter()
            .map(|c| {
                *self.index.entry(key(c)).or_insert_with(|| {
                    self.calls.push(c.clone());
                    self.calls.len() - 1
                })
            })
            .collect();
        self.waiters.push(Waiter { slots, reply });
    }

    /// The batch to send.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// Hands each lookup its own answers (or the endpoint's failure).
    /// A lookup that stopped waiting is skipped.
    pub fn answer(self, reply: Reply) {
        let mut results = match reply {
            Ok(results) => results,
            Err(e) => {
                for waiter in self.waiters {
                    let _ = waiter.reply.send(Err(e.clone()));
                }
                return;
            }
        };
        // Each answer goes to its last reader and is copied only for the
        // others (the head, the chain id): a batch's answers are large.
        let mut readers = vec![0usize; results.len()];
        for &slot in self.waiters.iter().flat_map(|w| &w.slots) {
            if let Some(n) = readers.get_mut(slot) {
                *n += 1;
            }
        }
        for waiter in self.waiters {
            let own = waiter
                .slots
                .iter()
                .map(|&i| match (results.get_mut(i), readers.get_mut(i)) {
                    (Some(result), Some(n)) => {
                        *n -= 1;
                        if *n == 0 {
                            std::mem::replace(result, Err(super::error::CallError::Missing))
                        } else {
                            result.clone()
                        }
                    }
                    _ => Err(super::error::CallError::Missing),
                })
                .collect();
            let _ = waiter.reply.send(Ok(own));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn call(method: &'static str, p: &str) -> Call {
        Call::new(method, json!([p]))
    }

    #[test]
    fn identical_calls_are_sent_once_and_each_lookup_gets_its_own_answers() {
        let mut g = Group::new(1);
        let a = [
            Call::new("eth_chainId", json!([])),
            call("eth_getTransactionByHash", "0xa"),
        ];
        let b = [
            Call::new("eth_chainId", json!([])),
            call("eth_getTransactionByHash", "0xb"),
        ];
        assert_eq!(g.added_by(&a), 2);
        let (ta, mut ra) = oneshot::channel();
        g.add(&a, ta);
        assert_eq!(g.added_by(&b), 1);
        let (tb, mut rb) = oneshot::channel();
        g.add(&b, tb);
        assert_eq!(g.len(), 3);
        let methods: Vec<_> = g.calls().iter().map(|c| c.method).collect();
        assert_eq!(
            methods,
            [
                "eth_chainId",
                "eth_getTransactionByHash",
                "eth_getTransactionByHash"
            ]
        );
        g.answer(Ok(vec![Ok(json!("0x1")), Ok(json!("A")), Ok(Value::Null)]));
        assert_eq!(
            ra.try_recv().unwrap().unwrap(),
            vec![Ok(json!("0x1")), Ok(json!("A"))]
        );
        assert_eq!(
            rb.try_recv().unwrap().unwrap(),
            vec![Ok(json!("0x1")), Ok(Value::Null)]
        );
    }

    #[test]
    fn a_failed_request_fails_every_lookup_in_it_and_gone_lookups_are_skipped() {
        let mut g = Group::new(1);
        let (ta, mut ra) = oneshot::channel();
        g.add(&[call("m", "1")], ta);
        let (tb, rb) = oneshot::channel();
        g.add(&[call("m", "2")], tb);
        drop(rb);
        let e = EndpointError::Connect("refused".into());
        g.answer(Err(e.clone()));
        assert_eq!(ra.try_recv().unwrap(), Err(e));
    }

    #[test]
    fn a_short_answer_leaves_the_missing_calls_missing() {
        let mut g = Group::new(1);
        let (ta, mut ra) = oneshot::channel();
        g.add(&[call("m", "1"), call("m", "2")], ta);
        g.answer(Ok(vec![Ok(json!(1))]));
        assert_eq!(
            ra.try_recv().unwrap().unwrap(),
            vec![Ok(json!(1)), Err(super::super::error::CallError::Missing)]
        );
    }
}
