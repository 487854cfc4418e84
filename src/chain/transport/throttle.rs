//! How fast one endpoint may be asked: a sliding window per endpoint that
//! lets no more than `rps` calls start within any second (a call inside a
//! JSON-RPC batch counts as one, as providers count them), slows down when
//! the endpoint says "too many requests", and recovers slowly as it answers;
//! and whether it is resting — after a rate limit, after lookups it
//! failed, or while it has gone quiet with requests waiting on it — so
//! that a batch asks the others first (`RpcClient::in_turn`).
//! Pure: the caller passes the clock in.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// After a rate limit on an endpoint with no configured `rps`, it is paced
/// at this many calls per second (then halved on each further refusal).
pub const LEARNED_RPS: f64 = 20.0;
/// The slowest an endpoint is ever paced.
pub const MIN_RPS: f64 = 0.5;
/// How long to stay away after a refusal that names no Retry-After.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);
/// Each answer lets the pace grow back by this factor, up to the configured rate.
const RECOVERY: f64 = 1.05;
/// How long an endpoint rests after a failed lookup, doubled with each
/// failure in a row up to `FAILING_REST_MAX`.
pub const FAILING_REST: Duration = Duration::from_secs(1);
/// The longest rest: a dead endpoint is still tried about once a minute.
pub const FAILING_REST_MAX: Duration = Duration::from_secs(60);
/// An endpoint that has given no reply for this long while requests wait on
/// it is stalled (`Throttle::stalled`) — or for three times its usual reply
/// time, when that is longer: `check` gives an endpoint the same 1.5 s
/// before it asks the next one too.
pub const STALL_AFTER: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone)]
pub struct Throttle {
    /// The configured rate (`None`: unlimited until the endpoint refuses).
    configured: Option<f64>,
    /// The rate in force now.
    rps: Option<f64>,
    /// Requests booked within the last window: when they start, how many calls.
    booked: VecDeque<(Instant, f64)>,
    /// No request may start before this (a refusal's wait).
    not_before: Option<Instant>,
    /// Refusals in a row, for the backoff when no Retry-After is given.
    refusals: u32,
    /// The HTTP status of the last refusal.
    refused_with: u16,
    /// The span the budget is counted over, in seconds (`rps_window`).
    window: Option<f64>,
    /// Lookups failed in a row (rate limits aside), and the rest they earned.
    failures: u32,
    failing_until: Option<Instant>,
    /// While one lookup probes the endpoint after its rest ran out: the
    /// others keep it last until that lookup's answer (or this moment).
    probing_until: Option<Instant>,
    /// Requests sent and not yet replied to (nor failed, nor dropped).
    out: u32,
    /// While `out > 0`: since when the endpoint has shown no sign of life
    /// (the first request out, or its last reply since).
    quiet_since: Option<Instant>,
    /// How long its replies usually take (a moving average).
    usual: Option<Duration>,
}

impl Throttle {
    pub fn new(rps: Option<f64>) -> Self {
        Throttle {
            configured: rps,
            rps,
            booked: VecDeque::new(),
            not_before: None,
            refusals: 0,
            refused_with: 429,
            window: None,
            failures: 0,
            failing_until: None,
            probing_until: None,
            out: 0,
            quiet_since: None,
            usual: None,
        }
    }

    /// A pace counted over `window` seconds: `rps × window` calls may start
    /// within any such span (a provider's budget, "50,000 units per 5
    /// minutes"), so a lookup's calls go at once while a long batch keeps to
    /// the budget.
    pub fn with_window(rps: Option<f64>, window: Option<f64>) -> Self {
        Throttle {
            window,
            ..Throttle::new(rps)
        }
    }

    /// While a refusal's wait runs: the refusal's HTTP status and the time left.
    pub fn benched(&self, now: Instant) -> Option<(u16, Duration)> {
        self.not_before
            .filter(|t| *t > now)
            .map(|t| (self.refused_with, t - now))
    }

    /// Asked after the others for now: resting after a rate limit, or
    /// after failed lookups.
    pub fn resting(&self, now: Instant) -> bool {
        self.benched(now).is_some()
            || self.failing_until.is_some_and(|t| t > now)
            || self.probing_until.is_some_and(|t| t > now)
            || self.stalled(now)
    }

    /// A request left for the endpoint.
    pub fn sent(&mut self, now: Instant) {
        if self.out == 0 {
            self.quiet_since = Some(now);
        }
        self.out = self.out.saturating_add(1);
    }

    /// The endpoint replied (any HTTP status) to a request sent `took` ago.
    pub fn replied(&mut self, now: Instant, took: Duration) {
        self.out = self.out.saturating_sub(1);
        self.quiet_since = (self.out > 0).then_some(now);
        self.usual = Some(
            self.usual
                .map_or(took, |u| u.saturating_mul(7).saturating_add(took) / 8),
        );
    }

    /// A request ended with no reply (no connection, a timeout) or was
    /// dropped unanswered.
    pub fn unanswered(&mut self) {
        self.out = self.out.saturating_sub(1);
        if self.out == 0 {
            self.quiet_since = None;
        }
    }

    /// Requests wait on the endpoint and it has given no reply for
    /// `STALL_AFTER`, or three times its usual reply time if longer: hung,
    /// or in trouble. A busy endpoint that keeps replying is not stalled,
    /// however long its queue.
    pub fn stalled(&self, now: Instant) -> bool {
        self.stalls_in(now).is_zero()
    }

    /// How long until the endpoint is stalled if no reply comes (zero: it
    /// is); with nothing out, the whole patience — a request sent now could
    /// stall no sooner.
    pub fn stalls_in(&self, now: Instant) -> Duration {
        let patience = self
            .usual
            .map_or(STALL_AFTER, |u| STALL_AFTER.max(u.saturating_mul(3)));
        match self.quiet_since.filter(|_| self.out > 0) {
            Some(t) => patience.saturating_sub(now.saturating_duration_since(t)),
            None => patience,
        }
    }

    /// The endpoint comes first for a lookup. One that failed and whose
    /// rest has run out is that lookup's alone to try: the others keep it
    /// last until its answer is judged, or until `until` (the lookup may be
    /// dropped) — a hung endpoint then holds up one lookup per rest, not
    /// every one whose turn it is.
    pub fn placed_first(&mut self, now: Instant, until: Instant) {
        if self.failures > 0 && !self.resting(now) {
            self.probing_until = Some(until);
        }
    }

    /// A lookup got no usable answer from the endpoint (down, an error page,
    /// an answer that contradicts itself, a node with no head): it rests
    /// `FAILING_REST`, doubled with each failure in a row. It is still asked
    /// when the others fail or a second opinion is needed.
    pub fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        let rest = FAILING_REST
            .saturating_mul(2u32.saturating_pow(self.failures.saturating_sub(1).min(16)))
            .min(FAILING_REST_MAX);
        self.failing_until = now.checked_add(rest);
        self.probing_until = None;
    }

    /// Lookups left the endpoint because it stalled: one failure per
    /// stall, however many lookups were waiting on it (each of them
    /// failing it would rest a merely slow endpoint a minute at once).
    pub fn left_stalled(&mut self, now: Instant) {
        if self.failing_until.is_none_or(|t| t <= now) {
            self.failed(now);
        }
    }

    /// A lookup got a proper answer from the endpoint: it is not failing.
    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.failing_until = None;
        self.probing_until = None;
    }

    /// The rate in force now.
    pub fn rps(&self) -> Option<f64> {
        self.rps
    }

    /// Books a request of `calls` calls: returns when it may start, the
    /// earliest moment at or after `now` (and after every earlier booking)
    /// at which the window still has room for it.
    pub fn reserve(&mut self, now: Instant, calls: usize) -> Instant {
        let t = self.earliest(now, calls);
        if let Some(window) = self.window_and_capacity().map(|(w, _)| w) {
            // Bookings never go back in time: what left the window by `t`
            // can no longer count against any request.
            while self.booked.front().is_some_and(|&(at, _)| at + window <= t) {
                self.booked.pop_front();
            }
            self.booked.push_back((t, calls.max(1) as f64));
        }
        t
    }

    /// The span the pace is counted over and the calls it lets start
    /// within it (`None`: unpaced).
    fn window_and_capacity(&self) -> Option<(Duration, f64)> {
        let rps = self.rps?;
        // Below one call a second the window widens so that it holds one call.
        Some(
            if let Some(w) = self.window.filter(|w| w.is_finite() && *w >= 1.0) {
                let w = w.min(86_400.0);
                (Duration::from_secs_f64(w), (rps * w).max(1.0))
            } else if rps >= 1.0 {
                (Duration::from_secs(1), rps)
            } else {
                // chains.toml keeps rps ≥ 0.1; a wild value still cannot panic.
                let window = Duration::try_from_secs_f64(1.0 / rps.max(MIN_RPS / 8.0));
                (window.unwrap_or(Duration::from_secs(16)), 1.0)
            },
        )
    }

    /// When a request of `calls` calls could start, booking nothing: a
    /// request still gathering calls stays open until then.
    pub fn earliest(&self, now: Instant, calls: usize) -> Instant {
        let mut t = now;
        if let Some(nb) = self.not_before {
            t = t.max(nb);
        }
        if let Some(&(last, _)) = self.booked.back() {
            t = t.max(last);
        }
        let Some((window, capacity)) = self.window_and_capacity() else {
            return t;
        };
        let calls = calls.max(1) as f64;
        // The bookings still in the window at `t` start at `first`.
        let mut first = 0;
        loop {
            while self
                .booked
                .get(first)
                .is_some_and(|&(at, _)| at + window <= t)
            {
                first += 1;
            }
            let used: f64 = self.booked.range(first..).map(|&(_, n)| n).sum();
            // A request larger than the window is let through alone.
            if used + calls <= capacity || first == self.booked.len() {
                break;
            }
            t = self.booked[first].0 + window;
        }
        t
    }

    /// The endpoint refused with a rate limit: keep away for `retry_after`
    /// (or a backoff that doubles with each refusal in a row) and halve the
    /// pace. Returns how long the caller should wait before trying again.
    pub fn refused(
        &mut self,
        now: Instant,
        status: u16,
        retry_after: Option<Duration>,
    ) -> Duration {
        self.refusals = self.refusals.saturating_add(1);
        self.refused_with = status;
        let wait = retry_after.unwrap_or_else(|| {
            DEFAULT_BACKOFF * 2u32.saturating_pow(self.refusals.saturating_sub(1).min(5))
        });
        self.rps = Some(self.rps.map_or(LEARNED_RPS, |r| (r / 2.0).max(MIN_RPS)));
        let until = now.checked_add(wait).unwrap_or(now);
        self.not_before = Some(self.not_before.map_or(until, |t| t.max(until)));
        wait
    }

    /// The endpoint answered: the pace grows back towards the configured rate.
    pub fn answered(&mut self) {
        self.refusals = 0;
        if let Some(r) = self.rps {
            let grown = r * RECOVERY;
            self.rps = Some(match self.configured {
                Some(c) => grown.min(c),
                None => grown,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn no_more_than_rps_calls_start_within_any_second() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(10.0));
        // A batch of 6 and one of 4 fill the first second; the next waits.
        assert_eq!(t.reserve(t0, 6), t0);
        assert_eq!(t.reserve(t0, 4), t0);
        assert_eq!(t.reserve(t0, 1), t0 + ms(1000));
        // That second has room for 9 more beside it.
        assert_eq!(t.reserve(t0, 9), t0 + ms(1000));
        assert_eq!(t.reserve(t0, 3), t0 + ms(2000));
        // Idle time is not banked as a burst beyond one window.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(t.reserve(later, 10), later);
        assert_eq!(t.reserve(later, 1), later + ms(1000));
    }

    #[test]
    fn bookings_never_go_back_in_time() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(2.0));
        let a = t.reserve(t0, 2);
        let b = t.reserve(t0, 1);
        let c = t.reserve(t0, 1);
        assert!(a <= b && b <= c, "{a:?} {b:?} {c:?}");
        assert_eq!(c, t0 + ms(1000));
    }

    #[test]
    fn the_earliest_start_books_nothing() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(10.0));
        t.reserve(t0, 8);
        // 4 more calls do not fit in this second; asking twice books nothing.
        assert_eq!(t.earliest(t0, 4), t0 + ms(1000));
        assert_eq!(t.earliest(t0, 4), t0 + ms(1000));
        assert_eq!(t.earliest(t0, 2), t0, "2 calls still fit");
        assert_eq!(t.reserve(t0, 4), t0 + ms(1000));
        // Unpaced: always now.
        let mut t = Throttle::new(None);
        t.reserve(t0, 500);
        assert_eq!(t.earliest(t0, 500), t0);
    }

    #[test]
    fn a_budget_window_lets_a_lookup_go_at_once_and_keeps_a_batch_to_the_budget() {
        let t0 = Instant::now();
        // 0.66 a second over 300 s: 198 calls in any 5 minutes.
        let mut t = Throttle::with_window(Some(0.66), Some(300.0));
        assert_eq!(t.reserve(t0, 1), t0);
        assert_eq!(
            t.reserve(t0, 1),
            t0,
            "a lookup's second call is not spread out"
        );
        for _ in 0..196 {
            assert_eq!(t.reserve(t0, 1), t0);
        }
        assert_eq!(t.reserve(t0, 1), t0 + Duration::from_secs(300));
    }

    #[test]
    fn slow_rates_widen_the_window() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(0.5));
        assert_eq!(t.reserve(t0, 1), t0);
        assert_eq!(t.reserve(t0, 1), t0 + ms(2000));
    }

    #[test]
    fn unlimited_endpoints_are_not_delayed_until_they_refuse() {
        let t0 = Instant::now();
        let mut t = Throttle::new(None);
        for _ in 0..100 {
            assert_eq!(t.reserve(t0, 50), t0);
        }
        let wait = t.refused(t0, 429, Some(Duration::from_secs(2)));
        assert_eq!(wait, Duration::from_secs(2));
        assert_eq!(t.rps(), Some(LEARNED_RPS));
        assert_eq!(t.reserve(t0, 1), t0 + Duration::from_secs(2));
        assert_eq!(t.benched(t0), Some((429, Duration::from_secs(2))));
        assert_eq!(t.benched(t0 + Duration::from_secs(2)), None);
    }

    #[test]
    fn refusals_halve_the_pace_and_back_off_until_answers_come_back() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(8.0));
        assert_eq!(t.refused(t0, 429, None), Duration::from_secs(1));
        assert_eq!(t.refused(t0, 429, None), Duration::from_secs(2));
        assert_eq!(t.refused(t0, 429, None), Duration::from_secs(4));
        assert_eq!(t.rps(), Some(1.0));
        for _ in 0..10 {
            t.refused(t0, 429, Some(Duration::ZERO));
        }
        assert_eq!(t.rps(), Some(MIN_RPS));
        for _ in 0..1000 {
            t.answered();
        }
        assert_eq!(
            t.rps(),
            Some(8.0),
            "recovers to the configured rate, not beyond"
        );
        assert_eq!(
            t.refused(t0, 429, None),
            Duration::from_secs(1),
            "backoff restarts"
        );
    }

    #[test]
    fn failed_lookups_rest_an_endpoint_longer_each_time_until_one_succeeds() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(10.0));
        assert!(!t.resting(t0));
        t.failed(t0);
        assert!(t.resting(t0 + ms(999)) && !t.resting(t0 + ms(1000)));
        t.failed(t0);
        assert!(
            t.resting(t0 + ms(1999)) && !t.resting(t0 + ms(2000)),
            "doubled"
        );
        for _ in 0..40 {
            t.failed(t0);
        }
        assert!(t.resting(t0 + FAILING_REST_MAX - ms(1)));
        assert!(
            !t.resting(t0 + FAILING_REST_MAX),
            "never longer than the cap"
        );
        t.succeeded();
        assert!(!t.resting(t0), "a proper answer ends the rest");
        t.failed(t0);
        assert!(!t.resting(t0 + ms(1000)), "and the doubling starts again");
        // Its pace is not touched: a failure is not a rate limit.
        assert_eq!(t.rps(), Some(10.0));
        assert_eq!(t.reserve(t0, 1), t0);
    }

    #[test]
    fn an_endpoint_silent_with_requests_out_is_stalled_until_it_replies() {
        let t0 = Instant::now();
        let mut t = Throttle::new(None);
        assert!(!t.stalled(t0 + ms(60_000)), "nothing out: not stalled");
        t.sent(t0);
        t.sent(t0 + ms(1000));
        assert!(!t.stalled(t0 + ms(1499)));
        assert_eq!(t.stalls_in(t0 + ms(1200)), ms(300));
        // Quiet since the first request, not the last one sent.
        assert!(t.stalled(t0 + ms(1500)));
        assert_eq!(t.stalls_in(t0 + ms(9000)), Duration::ZERO);
        assert!(t.resting(t0 + ms(1500)), "a stalled endpoint is asked last");
        // A reply is a sign of life: quiet counts again from it.
        t.replied(t0 + ms(1600), ms(1600));
        assert!(!t.stalled(t0 + ms(2000)));
        // The usual reply time (1.6 s) sets the patience: three times it.
        assert!(!t.stalled(t0 + ms(1600 + 4700)));
        assert!(t.stalled(t0 + ms(1600 + 4800)));
        // The lookups waiting on it leave it: it rests 1 s, once for them all.
        t.left_stalled(t0 + ms(6400));
        t.left_stalled(t0 + ms(6400));
        t.left_stalled(t0 + ms(6500));
        assert_eq!(t.failures, 1);
        // Nothing out any more: not stalled, however long the silence.
        t.unanswered();
        assert!(!t.stalled(t0 + ms(60_000)));
        assert!(!t.resting(t0 + ms(60_000)));
        // A fast endpoint still gets the 1.5 s floor.
        let mut t = Throttle::new(None);
        t.sent(t0);
        t.replied(t0 + ms(10), ms(10));
        t.sent(t0 + ms(20));
        assert!(!t.stalled(t0 + ms(1519)));
        assert!(t.stalled(t0 + ms(1520)));
        // Replies never drive the count below zero.
        t.replied(t0 + ms(30), ms(10));
        t.replied(t0 + ms(40), ms(10));
        t.unanswered();
        assert!(!t.stalled(t0 + ms(60_000)));
    }

    #[test]
    fn after_its_rest_a_failed_endpoint_is_one_lookups_to_try() {
        let t0 = Instant::now();
        let mut t = Throttle::new(None);
        // A healthy endpoint placed first stays open to every lookup.
        t.placed_first(t0, t0 + ms(20_000));
        assert!(!t.resting(t0));
        t.failed(t0);
        let back = t0 + FAILING_REST;
        assert!(!t.resting(back));
        t.placed_first(back, back + ms(20_000));
        assert!(t.resting(back + ms(1)), "the others keep it last");
        assert!(!t.resting(back + ms(20_000)), "unless the probe never ends");
        t.succeeded();
        assert!(!t.resting(back + ms(1)), "its proper answer opens it");
        t.failed(back);
        t.placed_first(back + FAILING_REST, back + ms(20_000));
        t.failed(back + FAILING_REST + ms(5));
        assert!(
            t.resting(back + FAILING_REST + ms(5) + FAILING_REST),
            "a failed probe rests it longer (2 s)"
        );
    }
}
