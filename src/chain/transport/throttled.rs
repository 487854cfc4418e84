//! The client's side of each endpoint's `Throttle`: the order a lookup asks
//! a chain's endpoints in, what lookups made of their answers, the requests
//! out to an endpoint (so that one gone quiet is seen), and when a request
//! could start. The throttle itself is pure; this is where the clock and
//! the shared map come in.

use std::time::{Duration, Instant};

use super::RpcClient;
use super::endpoint::Endpoint;
use super::throttle::Throttle;

impl RpcClient {
    /// The order a lookup asks `endpoints` in: as configured, or (spreading
    /// the load) starting at the next one in turn for `chain`, those resting
    /// after a rate limit or failed lookups last.
    pub fn in_turn(&self, chain: &str, mut endpoints: Vec<Endpoint>) -> Vec<Endpoint> {
        if !self.options.spread_load || endpoints.len() < 2 {
            return endpoints;
        }
        let turn = {
            let mut turns = self.shared.turns.lock().unwrap_or_else(|e| e.into_inner());
            let t = turns.entry(chain.to_string()).or_insert(0);
            *t = t.wrapping_add(1);
            *t - 1
        };
        let n = endpoints.len();
        endpoints.rotate_left(turn % n);
        let now = Instant::now();
        endpoints.sort_by_key(|e| self.with_throttle(e, |t| t.resting(now)));
        // One back from a rest is tried by this lookup alone (its request
        // ends within the timeout, or the lookup is gone by twice that).
        if let Some(first) = endpoints.first() {
            let until = now + self.timeout * 2;
            self.with_throttle(first, |t| t.placed_first(now, until));
        }
        endpoints
    }

    /// How long until `endpoint` would be stalled (`Throttle::stalls_in`;
    /// zero: it has gone quiet with requests waiting on it, and a batch's
    /// lookup waiting on it asks the next endpoint too,
    /// `Hedge::Stalled`).
    pub fn stalls_in(&self, endpoint: &Endpoint) -> Duration {
        self.with_throttle(endpoint, |t| t.stalls_in(Instant::now()))
    }

    /// Lookups left `endpoint` because it stalled (`Throttle::left_stalled`).
    pub fn left_stalled(&self, endpoint: &Endpoint) {
        if self.options.spread_load {
            self.with_throttle(endpoint, |t| t.left_stalled(Instant::now()));
        }
    }

    /// What a lookup made of `endpoint`'s answer (the judges of
    /// `race::race_in_turn`), when the load is spread: no usable answer —
    /// a failure, or "unknown" from a node that gives no head — rests it
    /// (`Throttle::failed`), a proper answer ends that.
    pub fn judged(&self, endpoint: &Endpoint, usable: bool) {
        if !self.options.spread_load {
            return;
        }
        if usable {
            self.with_throttle(endpoint, Throttle::succeeded);
        } else {
            self.with_throttle(endpoint, |t| t.failed(Instant::now()));
        }
    }

    /// When a request of `calls` calls to `endpoint` could start, booking
    /// nothing (`Throttle::earliest`).
    pub(super) fn earliest_start(
        &self,
        endpoint: &Endpoint,
        now: Instant,
        calls: usize,
    ) -> Instant {
        self.with_throttle(endpoint, |t| t.earliest(now, calls))
    }

    pub(super) fn with_throttle<T>(
        &self,
        endpoint: &Endpoint,
        f: impl FnOnce(&mut Throttle) -> T,
    ) -> T {
        let mut throttles = self
            .shared
            .throttles
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let throttle = throttles
            .entry(endpoint.url.clone())
            .or_insert_with(|| Throttle::with_window(endpoint.limits.rps, endpoint.limits.window));
        f(throttle)
    }
}

/// A request out to an endpoint, counted by its throttle until a reply
/// comes (`replied`: its status line, whatever it says) or it ends without
/// one — an error, a timeout, or the lookup dropping it — so that an
/// endpoint gone quiet is seen (`Throttle::stalled`).
pub(super) struct Outstanding<'a> {
    client: &'a RpcClient,
    endpoint: &'a Endpoint,
    sent: Instant,
    pub(super) replied: bool,
}

impl<'a> Outstanding<'a> {
    pub(super) fn sent(client: &'a RpcClient, endpoint: &'a Endpoint) -> Self {
        let sent = Instant::now();
        client.with_throttle(endpoint, |t| t.sent(sent));
        Outstanding {
            client,
            endpoint,
            sent,
            replied: false,
        }
    }

    pub(super) fn replied(&mut self) {
        if !std::mem::replace(&mut self.replied, true) {
            let now = Instant::now();
            let took = now.saturating_duration_since(self.sent);
            self.client
                .with_throttle(self.endpoint, |t| t.replied(now, took));
        }
    }
}

impl Drop for Outstanding<'_> {
    fn drop(&mut self) {
        if !self.replied {
            self.client
                .with_throttle(self.endpoint, Throttle::unanswered);
        }
    }
}
