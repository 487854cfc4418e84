//! Many lookups, one HTTP request: the JSON-RPC calls that concurrent
//! lookups make to the same endpoint within a moment are gathered into one
//! batch (up to the endpoint's cap), identical calls (`eth_chainId`,
//! `eth_blockNumber`, `eth_feeHistory`) are sent once, calls that take a
//! list (Solana's `getSignatureStatuses`, up to 256 signatures) are merged
//! into one, and each lookup gets back exactly the answers to its own
//! calls. The grouping (`Group`) is pure and tested alone; the client's
//! part below decides when a group leaves.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::oneshot;

use super::RpcClient;
use super::endpoint::Endpoint;
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::{CallError, CallResult, EndpointError, Json};
use super::jsonrpc::Call;

/// What one lookup is waiting for.
pub type Reply = Result<Vec<CallResult>, EndpointError>;

struct Waiter {
    /// Where each of its calls sits in the group's batch.
    slots: Vec<Slot>,
    reply: oneshot::Sender<Reply>,
}

/// Where one lookup's call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Call `i` of the batch, its own or shared whole.
    Whole(usize),
    /// Items `start..start + len` of merged call `i`'s list.
    Part {
        call: usize,
        start: usize,
        len: usize,
    },
}

/// Methods whose first parameter is a list answered item by item, in
/// order, as `{context, value: [..]}`, and how many items one call takes.
/// `getSignatureStatuses`: Solana's RPC refuses more than 256
/// (`MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS`, "Too many inputs provided").
const MERGEABLE: &[(&str, usize)] = &[("getSignatureStatuses", 256)];

/// A call whose list may be merged with others': the limit, its items and
/// what it asks after the list (the key of the calls it merges with).
fn mergeable(call: &Call) -> Option<(usize, Merged, String)> {
    let (_, limit) = MERGEABLE.iter().find(|(m, _)| *m == call.method)?;
    let mut params = call.params_list()?;
    if !params.first()?.is_array() {
        return None;
    }
    let rest = params.split_off(1);
    let Value::Array(items) = params.pop()? else {
        return None;
    };
    let key = format!("{}{}", call.method, Value::from(rest.clone()));
    Some((*limit, Merged { items, rest }, key))
}

/// A merged call still taking items: the items so far, and the parameters
/// after the list.
struct Merged {
    items: Vec<Value>,
    rest: Vec<Value>,
}

/// The calls gathered for one endpoint, not yet sent.
pub struct Group {
    pub id: u64,
    calls: Vec<Call>,
    /// Where each distinct call sits in `calls` (a call is its own key).
    /// Hashed with foldhash (randomly seeded), not SipHash: every lookup's
    /// calls go through it, and a group never holds more than `max_batch`.
    index: HashMap<Call, usize, foldhash::fast::RandomState>,
    /// The merged call still taking items, per merge key.
    merging: HashMap<String, usize>,
    /// The merged calls, by their place in `calls`.
    merged: HashMap<usize, Merged>,
    waiters: Vec<Waiter>,
}

impl Group {
    pub fn new(id: u64) -> Self {
        Group {
            id,
            calls: Vec::new(),
            index: HashMap::default(),
            merging: HashMap::new(),
            merged: HashMap::new(),
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

    /// How many distinct calls `calls` would add (at most: a list call may
    /// join a merged one).
    pub fn added_by(&self, calls: &[Call]) -> usize {
        calls
            .iter()
            .enumerate()
            .filter(|&(i, c)| !self.index.contains_key(c) && !calls[..i].contains(c))
            .count()
    }

    /// Adds one lookup's calls; its answers go to `reply`.
    pub fn add(&mut self, calls: &[Call], reply: oneshot::Sender<Reply>) {
        let slots = calls.iter().map(|c| self.place(c)).collect();
        self.waiters.push(Waiter { slots, reply });
    }

    fn place(&mut self, c: &Call) -> Slot {
        if let Some((limit, own, key)) = mergeable(c) {
            let len = own.items.len();
            if let Some(&i) = self.merging.get(&key)
                && let Some(list) = self.merged.get_mut(&i)
                && list.items.len() + len <= limit
            {
                let start = list.items.len();
                list.items.extend(own.items);
                return Slot::Part {
                    call: i,
                    start,
                    len,
                };
            }
            let i = self.calls.len();
            self.calls.push(c.clone());
            self.merged.insert(i, own);
            self.merging.insert(key, i);
            return Slot::Part {
                call: i,
                start: 0,
                len,
            };
        }
        if let Some(&i) = self.index.get(c) {
            return Slot::Whole(i);
        }
        let i = self.calls.len();
        self.calls.push(c.clone());
        self.index.insert(c.clone(), i);
        Slot::Whole(i)
    }

    /// The batch to send (the merged calls written out with all their items).
    pub fn calls(&mut self) -> &[Call] {
        for (&i, list) in &self.merged {
            let mut params = vec![Value::from(list.items.clone())];
            params.extend(list.rest.iter().cloned());
            self.calls[i] = Call::new(self.calls[i].method, params);
        }
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
        // The merged calls' answers, each read once for all their lookups.
        let merged: HashMap<usize, CallResult> = self
            .merged
            .keys()
            .filter_map(|&i| Some((i, results.get(i)?.clone())))
            .collect();
        let lists: HashMap<usize, Listed> = merged
            .iter()
            .filter_map(|(&i, r)| Some((i, serde_json::from_str(r.as_ref().ok()?.text()).ok()?)))
            .collect();
        let mut readers = vec![0usize; results.len()];
        for slot in self.waiters.iter().flat_map(|w| &w.slots) {
            if let Slot::Whole(i) = slot
                && let Some(n) = readers.get_mut(*i)
            {
                *n += 1;
            }
        }
        for waiter in self.waiters {
            let own = waiter
                .slots
                .iter()
                .map(|slot| match *slot {
                    Slot::Whole(i) => match (results.get_mut(i), readers.get_mut(i)) {
                        (Some(result), Some(n)) => {
                            *n -= 1;
                            if *n == 0 {
                                std::mem::replace(result, Err(CallError::Missing))
                            } else {
                                result.clone()
                            }
                        }
                        _ => Err(CallError::Missing),
                    },
                    Slot::Part { call, start, len } => match merged.get(&call) {
                        Some(result) => {
                            let asked = self.merged.get(&call).map_or(0, |l| l.items.len());
                            split(result, lists.get(&call), asked, start, len)
                        }
                        None => Err(CallError::Missing),
                    },
                })
                .collect();
            let _ = waiter.reply.send(Ok(own));
        }
    }
}

/// A merged call's answer, read without copying: its `context` and the
/// entries of its `value` list.
#[derive(serde::Deserialize, serde::Serialize)]
struct Listed<'a> {
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    context: Option<&'a RawValue>,
    #[serde(borrow)]
    value: Vec<&'a RawValue>,
}

/// One lookup's share of a merged call's answer (`list`, when it is one):
/// the same `context`, its own items of `value`. An answer whose list is
/// not one item per item asked (`asked`) is not split — an entry missing in
/// the middle would hand one lookup another's status: the lookup gets it
/// whole, and its own check (one entry per signature asked) refuses it.
fn split(
    result: &CallResult,
    list: Option<&Listed>,
    asked: usize,
    start: usize,
    len: usize,
) -> CallResult {
    let answer = result.as_ref().map_err(Clone::clone)?;
    match list.and_then(|l| Some((l, l.value.get(start..start + len)?))) {
        Some((list, own)) if list.value.len() == asked => {
            let mine = Listed {
                context: list.context,
                value: own.to_vec(),
            };
            serde_json::to_string(&mine)
                .map(|text| std::sync::Arc::new(Json::from_text(text)))
                .map_err(|e| CallError::Decode(e.to_string()))
        }
        _ => Ok(answer.clone()),
    }
}

/// The client's side: when a group opens, and when it leaves.
impl RpcClient {
    /// Puts `calls` in the endpoint's open group and waits for its answer.
    /// The group leaves when it is full, or once it stops growing: from a
    /// task of its own, so a lookup that is dropped never strands the others.
    pub(super) async fn coalesced(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
        linger: Duration,
    ) -> Result<Vec<CallResult>, EndpointError> {
        let cap = endpoint.batch_cap();
        let (tx, rx) = oneshot::channel::<Reply>();
        let mut full = Vec::new();
        {
            let mut groups = self.shared.groups.lock().unwrap_or_else(|e| e.into_inner());
            let group = groups
                .entry(endpoint.url.clone())
                .or_insert_with(|| self.new_group());
            if !group.is_empty() && group.len() + group.added_by(calls) > cap {
                full.push(std::mem::replace(group, self.new_group()));
            }
            if group.is_empty() {
                let (client, endpoint, id) = (self.clone(), endpoint.clone(), group.id);
                tokio::spawn(async move {
                    if client.gathered(&endpoint.url, id, linger).await
                        && client.paced_open(&endpoint, id).await
                        && let Some(group) = client.take_group(&endpoint.url, id)
                    {
                        client.send_group(&endpoint, group).await;
                    }
                });
            }
            group.add(calls, tx);
            if group.len() >= cap {
                full.push(std::mem::replace(group, self.new_group()));
            }
        }
        for group in full {
            let (client, endpoint) = (self.clone(), endpoint.clone());
            tokio::spawn(async move { client.send_group(&endpoint, group).await });
        }
        rx.await.unwrap_or_else(|_| {
            Err(EndpointError::Transport(
                "the shared request was abandoned".into(),
            ))
        })
    }

    fn new_group(&self) -> Group {
        Group::new(self.shared.next_group.fetch_add(1, Ordering::Relaxed))
    }

    /// Waits while group `id` keeps growing: the lookups that are ready to
    /// run (started together, or woken by the same answer) add their calls
    /// within a few turns of the scheduler, so the group waits no fixed time
    /// on an idle endpoint, and at most `linger` while lookups keep coming.
    /// False when the group has left already (it was full).
    async fn gathered(&self, url: &str, id: u64, linger: Duration) -> bool {
        /// Turns without a new call after which no more are coming.
        const STILL_TURNS: u32 = 3;
        // Where lookups arrive one by one (`serve`), also this long without one.
        let quiet = self.options.coalesce_quiet;
        let opened = tokio::time::Instant::now();
        let (mut size, mut still) = (0, 0);
        while opened.elapsed() < linger {
            if still < STILL_TURNS {
                tokio::task::yield_now().await;
            } else if !quiet.is_zero() {
                tokio::time::sleep(quiet).await;
            }
            let Some(now) = self.open_group(url, id, |g| g.waiters.len()) else {
                return false;
            };
            if now != size {
                (size, still) = (now, 0);
            } else if still < STILL_TURNS {
                still += 1;
            } else {
                break;
            }
        }
        true
    }

    /// Keeps group `id` open while the endpoint's pace would hold its
    /// request back anyway: the lookups arriving meanwhile join it (up to
    /// the cap, when it leaves full), so a paced endpoint gets requests as
    /// large as its pace allows, not a queue of small ones. False when the
    /// group has left already (it was full).
    async fn paced_open(&self, endpoint: &Endpoint, id: u64) -> bool {
        loop {
            let Some(calls) = self.open_group(&endpoint.url, id, Group::len) else {
                return false;
            };
            let now = std::time::Instant::now();
            let at = self.earliest_start(endpoint, now, calls);
            if at <= now {
                return true;
            }
            tokio::time::sleep_until(at.into()).await;
        }
    }

    /// What `f` reads of group `id` (its calls, its lookups), while it is
    /// still the endpoint's open group.
    fn open_group<T>(&self, url: &str, id: u64, f: impl FnOnce(&Group) -> T) -> Option<T> {
        let groups = self.shared.groups.lock().unwrap_or_else(|e| e.into_inner());
        groups.get(url).filter(|g| g.id == id).map(f)
    }

    /// The endpoint's open group, if it is still group `id` and has calls.
    fn take_group(&self, url: &str, id: u64) -> Option<Group> {
        let mut groups = self.shared.groups.lock().unwrap_or_else(|e| e.into_inner());
        let group = groups.get_mut(url)?;
        (group.id == id && !group.is_empty()).then(|| std::mem::replace(group, self.new_group()))
    }

    async fn send_group(&self, endpoint: &Endpoint, mut group: Group) {
        let reply = self.batch_now(endpoint, group.calls()).await;
        group.answer(reply);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    use crate::chain::transport::answered as ok;

    /// A lookup joins the group, as `coalesced` adds it.
    fn add(g: &mut Group, calls: &[Call], reply: oneshot::Sender<Reply>) {
        g.add(calls, reply);
    }

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
        add(&mut g, &a, ta);
        assert_eq!(g.added_by(&b), 1);
        let (tb, mut rb) = oneshot::channel();
        add(&mut g, &b, tb);
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
        g.answer(Ok(vec![ok(json!("0x1")), ok(json!("A")), ok(Value::Null)]));
        assert_eq!(
            ra.try_recv().unwrap().unwrap(),
            vec![ok(json!("0x1")), ok(json!("A"))]
        );
        assert_eq!(
            rb.try_recv().unwrap().unwrap(),
            vec![ok(json!("0x1")), ok(Value::Null)]
        );
    }

    #[test]
    fn a_failed_request_fails_every_lookup_in_it_and_gone_lookups_are_skipped() {
        let mut g = Group::new(1);
        let (ta, mut ra) = oneshot::channel();
        add(&mut g, &[call("m", "1")], ta);
        let (tb, rb) = oneshot::channel();
        add(&mut g, &[call("m", "2")], tb);
        drop(rb);
        let e = EndpointError::Connect("refused".into());
        g.answer(Err(e.clone()));
        assert_eq!(ra.try_recv().unwrap(), Err(e));
    }

    fn statuses(sigs: &[&str]) -> Call {
        Call::new(
            "getSignatureStatuses",
            json!([sigs, {"searchTransactionHistory": true}]),
        )
    }

    #[test]
    fn list_calls_are_merged_and_each_lookup_gets_its_own_items() {
        let mut g = Group::new(1);
        let (ta, mut ra) = oneshot::channel();
        add(
            &mut g,
            &[statuses(&["A"]), Call::new("getSlot", json!([]))],
            ta,
        );
        let (tb, mut rb) = oneshot::channel();
        add(
            &mut g,
            &[statuses(&["B"]), Call::new("getSlot", json!([]))],
            tb,
        );
        // Other options: a call of its own.
        let (tc, mut rc) = oneshot::channel();
        add(
            &mut g,
            &[Call::new("getSignatureStatuses", json!([["C"]]))],
            tc,
        );
        assert_eq!(g.len(), 3);
        assert_eq!(
            g.calls()[0],
            statuses(&["A", "B"]),
            "one call with both signatures"
        );
        let ctx = json!({"slot": 9});
        g.answer(Ok(vec![
            ok(json!({"context": ctx, "value": [{"slot": 1}, null]})),
            ok(json!(9)),
            ok(json!({"context": ctx, "value": [{"slot": 3}]})),
        ]));
        assert_eq!(
            ra.try_recv().unwrap().unwrap(),
            vec![
                ok(json!({"context": ctx, "value": [{"slot": 1}]})),
                ok(json!(9))
            ]
        );
        assert_eq!(
            rb.try_recv().unwrap().unwrap(),
            vec![ok(json!({"context": ctx, "value": [null]})), ok(json!(9))]
        );
        assert_eq!(
            rc.try_recv().unwrap().unwrap(),
            vec![ok(json!({"context": ctx, "value": [{"slot": 3}]}))]
        );
    }

    #[test]
    fn a_merged_answer_with_an_entry_missing_is_not_split_and_the_limit_holds() {
        let mut g = Group::new(1);
        let (ta, mut ra) = oneshot::channel();
        add(&mut g, &[statuses(&["A"])], ta);
        let (tb, _rb) = oneshot::channel();
        add(&mut g, &[statuses(&["B"])], tb);
        // Two asked, one answered: which one is unknown, so nobody is given it as theirs.
        let short = json!({"context": {"slot": 9}, "value": [{"slot": 1}]});
        g.answer(Ok(vec![ok(short.clone())]));
        assert_eq!(ra.try_recv().unwrap().unwrap(), vec![ok(short)]);

        let mut g = Group::new(2);
        let many: Vec<String> = (0..256).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let (t, _r) = oneshot::channel();
        add(&mut g, &[statuses(&many)], t);
        let (t, _r) = oneshot::channel();
        add(&mut g, &[statuses(&["one more"])], t);
        assert_eq!(g.len(), 2, "a 257th signature starts another call");
    }

    #[test]
    fn a_short_answer_leaves_the_missing_calls_missing() {
        let mut g = Group::new(1);
        let (ta, mut ra) = oneshot::channel();
        add(&mut g, &[call("m", "1"), call("m", "2")], ta);
        g.answer(Ok(vec![ok(json!(1))]));
        assert_eq!(
            ra.try_recv().unwrap().unwrap(),
            vec![ok(json!(1)), Err(super::CallError::Missing)]
        );
    }
}
