//! How fast one endpoint may be asked: a pacing schedule per endpoint (calls
//! per second, a batched call counting as one, as providers count them) that
//! slows down when the endpoint says "too many requests" and recovers slowly
//! as it answers. Pure: the caller passes the clock in.

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

#[derive(Debug, Clone)]
pub struct Throttle {
    /// The configured rate (`None`: unlimited until the endpoint refuses).
    configured: Option<f64>,
    /// The rate in force now.
    rps: Option<f64>,
    /// No call may start before this.
    next_free: Option<Instant>,
    /// Refusals in a row, for the backoff when no Retry-After is given.
    refusals: u32,
}

impl Throttle {
    pub fn new(rps: Option<f64>) -> Self {
        Throttle {
            configured: rps,
            rps,
            next_free: None,
            refusals: 0,
        }
    }

    /// The rate in force now.
    pub fn rps(&self) -> Option<f64> {
        self.rps
    }

    /// Books `calls` calls: returns when they may be sent, and moves the
    /// schedule on by the time they are worth at the current rate.
    pub fn reserve(&mut self, now: Instant, calls: usize) -> Instant {
        let start = self.next_free.map_or(now, |t| t.max(now));
        if let Some(rps) = self.rps {
            let cost = Duration::from_secs_f64(calls.max(1) as f64 / rps);
            self.next_free = Some(start + cost);
        } else if self.next_free.is_some_and(|t| t <= now) {
            self.next_free = None;
        }
        start
    }

    /// The endpoint refused with a rate limit: keep away for `retry_after`
    /// (or a backoff that doubles with each refusal in a row) and halve the pace.
    /// Returns how long the caller should wait before trying again.
    pub fn refused(&mut self, now: Instant, retry_after: Option<Duration>) -> Duration {
        self.refusals = self.refusals.saturating_add(1);
        let wait = retry_after.unwrap_or_else(|| {
            DEFAULT_BACKOFF * 2u32.saturating_pow(self.refusals.saturating_sub(1).min(5))
        });
        self.rps = Some(self.rps.map_or(LEARNED_RPS, |r| (r / 2.0).max(MIN_RPS)));
        let until = now + wait;
        self.next_free = Some(self.next_free.map_or(until, |t| t.max(until)));
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

    #[test]
    fn calls_are_spaced_by_the_rate_and_a_batch_counts_each_call() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(10.0));
        assert_eq!(t.reserve(t0, 1), t0);
        assert_eq!(t.reserve(t0, 5), t0 + Duration::from_millis(100));
        // The 5-call batch is worth half a second.
        assert_eq!(t.reserve(t0, 1), t0 + Duration::from_millis(600));
        // Idle time is not banked as a burst.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(t.reserve(later, 1), later);
    }

    #[test]
    fn unlimited_endpoints_are_not_delayed_until_they_refuse() {
        let t0 = Instant::now();
        let mut t = Throttle::new(None);
        for _ in 0..100 {
            assert_eq!(t.reserve(t0, 50), t0);
        }
        let wait = t.refused(t0, Some(Duration::from_secs(2)));
        assert_eq!(wait, Duration::from_secs(2));
        assert_eq!(t.rps(), Some(LEARNED_RPS));
        assert_eq!(t.reserve(t0, 1), t0 + Duration::from_secs(2));
    }

    #[test]
    fn refusals_halve_the_pace_and_back_off_until_answers_come_back() {
        let t0 = Instant::now();
        let mut t = Throttle::new(Some(8.0));
        assert_eq!(t.refused(t0, None), Duration::from_secs(1));
        assert_eq!(t.refused(t0, None), Duration::from_secs(2));
        assert_eq!(t.refused(t0, None), Duration::from_secs(4));
        assert_eq!(t.rps(), Some(1.0));
        for _ in 0..10 {
            t.refused(t0, Some(Duration::ZERO));
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
            t.refused(t0, None),
            Duration::from_secs(1),
            "backoff restarts"
        );
    }
}
