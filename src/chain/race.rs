//! Asking a chain's endpoints: in order, racing the next one when the one
//! asked is slow or fails, until one finds the transaction or enough
//! trusted ones say they do not know it (the quorum for "not found", and
//! the lag rule that keeps a node far behind from testifying).

use futures_util::FutureExt;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::time::Duration;

use super::endpoint;
use super::outcome::{AddressOutcome, Answer, ChainOutcome, EndpointFailure, FaultKind};
use super::transport::{Endpoint, Hedge, RpcClient};
use crate::chain::spec::Chain;
use crate::model::address::AddressFacts;
use crate::model::{Congestion, TxFacts};

/// "Not found" needs this many endpoints to say so, where that many are
/// configured: one lagging or pruned node must not tell a customer their
/// money is gone.
pub const NOT_FOUND_QUORUM: usize = 2;

/// An endpoint whose head is more than this far behind the best head seen
/// is not trusted to say a transaction does not exist.
const LAG_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(30);

/// `LAG_TOLERANCE` in the chain's blocks (at least 2).
pub fn lag_tolerance(chain: &Chain) -> u64 {
    ((LAG_TOLERANCE.as_secs_f64() / chain.block_time_secs.max(0.001)).ceil() as u64).max(2)
}

/// Whether an endpoint at `head` is too far behind the `best` head seen
/// (more than `lag_tolerance` blocks) to be trusted to say a transaction
/// does not exist. Saturating: a head is whatever an endpoint answered.
pub fn is_lagging(chain: &Chain, head: u64, best: u64) -> bool {
    head.saturating_add(lag_tolerance(chain)) < best
}

/// What the endpoints of one chain said about a transaction.
pub struct Asked {
    /// The facts and the (redacted) endpoint that found them.
    pub found: Option<(Box<TxFacts>, String)>,
    /// The endpoints that answered "unknown", with their heads, in answer order.
    pub unknown: Vec<(Endpoint, Option<u64>)>,
    pub failures: Vec<EndpointFailure>,
    pub congestion: Option<Congestion>,
    /// How many endpoints could be asked (the quorum is at most this).
    pub configured: usize,
}

impl Asked {
    /// The "unknown" answers that count: from endpoints within
    /// `lag_tolerance` of the best head among them (an endpoint without a
    /// head cannot be judged and counts).
    fn trusted<'a>(
        &'a self,
        chain: &'a Chain,
    ) -> impl Iterator<Item = &'a (Endpoint, Option<u64>)> {
        let best = self.unknown.iter().filter_map(|(_, h)| *h).max();
        self.unknown.iter().filter(move |(_, h)| match (h, best) {
            (Some(h), Some(best)) => !is_lagging(chain, *h, best),
            _ => true,
        })
    }

    /// The verdict of the chain: found; not found when `NOT_FOUND_QUORUM`
    /// endpoints (or every configured one, when fewer) that are not behind
    /// the best head said so; otherwise unavailable, with why.
    pub fn outcome(mut self, chain: &Chain) -> (ChainOutcome, Vec<Endpoint>) {
        if let Some((facts, endpoint)) = self.found {
            let outcome = ChainOutcome::Found {
                facts,
                endpoint,
                failures: self.failures,
            };
            return (outcome, Vec::new());
        }
        let trusted: Vec<Endpoint> = self.trusted(chain).map(|(e, _)| e.clone()).collect();
        let best = self.unknown.iter().filter_map(|(_, h)| *h).max();
        for (e, head) in &self.unknown {
            if let (Some(h), Some(best)) = (head, best)
                && is_lagging(chain, *h, best)
            {
                self.failures.push(EndpointFailure {
                    endpoint: e.shown.clone(),
                    what: format!(
                        "is {} blocks behind the most up-to-date endpoint (head {h}, best {best}): its \"unknown transaction\" is not trusted",
                        best - h
                    ),
                    kind: FaultKind::Lagging,
                });
            }
        }
        let quorum = NOT_FOUND_QUORUM.min(self.configured);
        if trusted.len() >= quorum && !trusted.is_empty() {
            let outcome = ChainOutcome::NotFound {
                endpoints: trusted.iter().map(|e| e.shown.clone()).collect(),
                failures: self.failures,
                congestion: self.congestion,
                vanished: None,
                respent: None,
            };
            return (outcome, trusted);
        }
        if !trusted.is_empty() {
            self.failures.push(EndpointFailure::new(
                FaultKind::Other,
                format!(
                    "only {} of the {quorum} endpoints a \"not found\" needs said they do not know the transaction; the others failed or lag",
                    trusted.len()
                ),
            ));
        }
        let outcome = ChainOutcome::Unavailable {
            failures: self.failures,
        };
        (outcome, Vec::new())
    }
}

/// The soonest a lookup looks again at whether the endpoint it waits on has
/// stalled (`Hedge::Stalled`).
const STALL_RECHECK: Duration = Duration::from_millis(50);

/// Asks `endpoints` in order. The next one is asked as soon as `judge` lets
/// an answer pass (returns false) and, as the client's `Hedge` says, when
/// the one asked has not answered in a given time, or (batch) when the one
/// asked has gone quiet with
/// requests waiting on it (`Throttle::stalled`): a hung endpoint costs a
/// moment, not a timeout. Stops at the first answer `judge` keeps (true),
/// dropping the requests still running, or when every endpoint answered.
pub async fn race_in_turn<T, F, Fut>(
    client: &RpcClient,
    endpoints: &[Endpoint],
    mut ask: F,
    mut judge: impl FnMut(usize, Result<T, EndpointFailure>) -> bool,
) where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<T, EndpointFailure>>,
{
    if let [only] = endpoints {
        // One endpoint: nothing to race or hedge.
        judge(0, ask(only.clone()).await);
        return;
    }
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    let mut start = |next: &mut usize, running: &mut FuturesUnordered<_>| {
        if let Some(e) = endpoints.get(*next) {
            let i = *next;
            let answer = ask(e.clone());
            // Boxed: `FuturesUnordered` keeps a stub the size of its future
            // type, and an endpoint's answer is a large state machine —
            // thousands of lookups in a batch would each pay for it twice.
            // (`map`, not an async block: that would hold the future twice.)
            running.push(Box::pin(answer.map(move |a| (i, a))));
            *next += 1;
        }
    };
    loop {
        if running.is_empty() {
            if next == endpoints.len() {
                return;
            }
            start(&mut next, &mut running);
        }
        let more = next < endpoints.len();
        // After a time, or — the endpoint asked last (batch) — when it could
        // first have gone quiet for its patience.
        let (hedge, watched) = match client.hedge() {
            _ if !more => (None, None),
            Hedge::After(time) => (Some(time), None),
            Hedge::Stalled => (None, Some(&endpoints[next - 1])),
        };
        let check_at = watched.map_or(Duration::ZERO, |e| client.stalls_in(e).max(STALL_RECHECK));
        tokio::select! {
            Some((i, answer)) = running.next() => {
                if judge(i, answer) {
                    return;
                }
                start(&mut next, &mut running);
            }
            () = tokio::time::sleep(hedge.unwrap_or_default()), if hedge.is_some() => {
                start(&mut next, &mut running);
            }
            () = tokio::time::sleep(check_at), if watched.is_some() => {
                if let Some(e) = watched.filter(|e| client.stalls_in(e).is_zero()) {
                    // Given up on for now: it rests, so that the lookups
                    // after this one start elsewhere (it may still answer
                    // this one, and a proper answer ends the rest).
                    client.left_stalled(e);
                    start(&mut next, &mut running);
                }
            }
        }
    }
}

/// Asks the chain's endpoints (`race_in_turn`) until one finds the
/// transaction or enough trusted ones say they do not know it. Every family
/// uses this.
pub async fn ask_endpoints<F, Fut>(client: &RpcClient, chain: &Chain, ask: F) -> Asked
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, EndpointFailure>>,
{
    ask_these(client, chain, &chain.rpc, ask).await
}

/// `ask_endpoints` over another list of the chain's endpoints (Antelope's
/// history endpoints).
pub async fn ask_these<F, Fut>(client: &RpcClient, chain: &Chain, urls: &[String], ask: F) -> Asked
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, EndpointFailure>>,
{
    let endpoints = client.in_turn(
        &chain.key,
        urls.iter().map(|u| endpoint(chain, u)).collect(),
    );
    let quorum = NOT_FOUND_QUORUM.min(endpoints.len());
    let mut asked = Asked {
        found: None,
        unknown: Vec::new(),
        failures: Vec::new(),
        congestion: None,
        configured: endpoints.len(),
    };
    race_in_turn(client, &endpoints, ask, |i, answer| match answer {
        Ok(Answer::Found(facts)) => {
            client.judged(&endpoints[i], true);
            asked.found = Some((facts, endpoints[i].shown.clone()));
            true
        }
        // A node that cannot say where its chain is (no head, or block 0:
        // not synced) has nothing to compare the hash with.
        Ok(Answer::Unknown { head: None | Some(0), .. }) => {
            client.judged(&endpoints[i], false);
            asked.failures.push(EndpointFailure {
                endpoint: endpoints[i].shown.clone(),
                ..EndpointFailure::new(
                    FaultKind::Lagging,
                    "does not know the transaction, but gave no head block (or block 0): an unsynced node cannot say a transaction does not exist",
                )
            });
            false
        }
        Ok(Answer::Unknown { head, congestion }) => {
            client.judged(&endpoints[i], true);
            asked.congestion = asked.congestion.take().or(congestion);
            asked.unknown.push((endpoints[i].clone(), head));
            asked.trusted(chain).count() >= quorum
        }
        Err(failure) => {
            client.judged(&endpoints[i], false);
            asked.failures.push(EndpointFailure {
                endpoint: endpoints[i].shown.clone(),
                ..failure
            });
            false
        }
    })
    .await;
    asked
}

/// A "not found" of a transaction an earlier run saw pending, with what
/// became of it (`fate`, asked only then); any other outcome as it is.
pub async fn with_fate<Fut>(
    outcome: ChainOutcome,
    remembered: Option<&crate::model::Seen>,
    fate: impl FnOnce(crate::model::Seen) -> Fut,
) -> ChainOutcome
where
    Fut: std::future::Future<Output = crate::model::Fate>,
{
    match (outcome, remembered) {
        (
            ChainOutcome::NotFound {
                endpoints,
                failures,
                congestion,
                vanished: None,
                respent: None,
            },
            Some(seen),
        ) => ChainOutcome::NotFound {
            endpoints,
            failures,
            congestion,
            vanished: Some(Box::new(crate::model::Vanished {
                seen: seen.clone(),
                fate: fate(seen.clone()).await,
            })),
            respent: None,
        },
        (outcome, _) => outcome,
    }
}

/// A plain-message failure as an `EndpointFailure` (the endpoint is filled in later).
pub(crate) fn failed(what: String) -> EndpointFailure {
    EndpointFailure::new(FaultKind::Other, what)
}

/// Asks the chain's endpoints (`race_in_turn`) for an address until one
/// answers; failures are kept for the report. For the REST-style families.
pub async fn first_answer<F, Fut>(client: &RpcClient, chain: &Chain, mut ask: F) -> AddressOutcome
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<AddressFacts, String>>,
{
    let endpoints: Vec<Endpoint> = chain.rpc.iter().map(|u| endpoint(chain, u)).collect();
    let (found, failures) = first_of(client, &endpoints, |e| {
        let answer = ask(e);
        async move { answer.await.map_err(failed) }
    })
    .await;
    match found {
        Some((facts, i)) => AddressOutcome::Found {
            facts: Box::new(facts),
            endpoint: endpoints[i].shown.clone(),
            failures,
        },
        None => AddressOutcome::Unavailable { failures },
    }
}

/// The first proper answer of `endpoints` (`race_in_turn`) with the index
/// of the endpoint that gave it, and the failures before it.
pub async fn first_of<T, F, Fut>(
    client: &RpcClient,
    endpoints: &[Endpoint],
    ask: F,
) -> (Option<(T, usize)>, Vec<EndpointFailure>)
where
    F: FnMut(Endpoint) -> Fut,
    Fut: std::future::Future<Output = Result<T, EndpointFailure>>,
{
    let mut found = None;
    let mut failures = Vec::new();
    race_in_turn(client, endpoints, ask, |i, answer| match answer {
        Ok(t) => {
            client.judged(&endpoints[i], true);
            found = Some((t, i));
            true
        }
        Err(f) => {
            client.judged(&endpoints[i], false);
            failures.push(EndpointFailure {
                endpoint: endpoints[i].shown.clone(),
                ..f
            });
            false
        }
    })
    .await;
    (found, failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};

    #[test]
    fn lag_is_judged_in_the_chains_blocks_and_a_wild_head_cannot_overflow() {
        let cfg = parse(BUILTIN).unwrap();
        let eth = cfg.chain("eth").unwrap(); // 12 s blocks: 3 blocks of slack
        assert!(!is_lagging(eth, 97, 100));
        assert!(is_lagging(eth, 96, 100));
        let bsc = cfg.chain("bsc").unwrap(); // 0.45 s blocks: 67
        assert!(!is_lagging(bsc, 33, 100));
        assert!(is_lagging(bsc, 32, 100));
        assert!(!is_lagging(eth, u64::MAX, 100));
        assert!(is_lagging(eth, 0, u64::MAX));
    }
}
