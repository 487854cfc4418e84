//! How a client treats rate limits, concurrent lookups and shared facts:
//! `Options`, and its presets — one lookup at a time (`check`, `watch`)
//! and many at once (`batch`, `case check`; `serve` as they do, its
//! lookups arriving one by one).

use std::time::Duration;

/// How the client treats rate limits and concurrent batches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Gather the batches that concurrent lookups send to one endpoint into
    /// one HTTP request while they keep coming, for at most this long
    /// (`None`: every batch goes alone).
    pub coalesce: Option<Duration>,
    /// A shared request also waits until no lookup has joined it for this
    /// long (`serve`: agents' queries arrive one by one from the network);
    /// zero where the lookups are all at hand (`batch`: it leaves as soon
    /// as the lookups ready to run have joined).
    pub coalesce_quiet: Duration,
    /// How many times a request refused with 429/503 is sent again (after
    /// the wait the endpoint asked for) before the endpoint counts as failed.
    pub rate_limit_retries: u32,
    /// A refusal asking for a longer wait than this fails at once.
    pub max_retry_wait: Duration,
    /// When a lookup asks the next endpoint too, before the one it asked
    /// has answered.
    pub hedge: Hedge,
    /// Keep what is not the transaction's (a head, prices, fee estimates)
    /// per endpoint for a block time, for every lookup to share (batch).
    pub share_facts: bool,
    /// Start each lookup at the next endpoint of its chain in turn (batch):
    /// every endpoint works at its own pace; one resting after a rate
    /// limit is asked last.
    pub spread_load: bool,
}

impl Options {
    /// One lookup at a time, as `check` and `watch` do: a rate-limited
    /// endpoint is left for the next one at once, and its wait is kept.
    pub const INTERACTIVE: Options = Options {
        coalesce: None,
        coalesce_quiet: Duration::ZERO,
        rate_limit_retries: 0,
        max_retry_wait: Duration::ZERO,
        hedge: Hedge::After(Duration::from_millis(1500)),
        share_facts: false,
        spread_load: false,
    };

    /// Many lookups at once, as `batch` and `case check` do: their calls
    /// to one endpoint share requests (gathered while they keep coming, at
    /// most `COALESCE_WINDOW`), rate limits are waited out (5 times, at most 120 s
    /// each), facts that are not a transaction's own are asked once, and
    /// the lookups are spread over every endpoint of a chain.
    pub const BATCH: Options = Options {
        coalesce: Some(COALESCE_WINDOW),
        coalesce_quiet: Duration::ZERO,
        rate_limit_retries: 5,
        max_retry_wait: Duration::from_secs(120),
        hedge: Hedge::Stalled,
        share_facts: true,
        spread_load: true,
    };

    /// `batch`'s, for `serve`'s many agents: their queries come one by one,
    /// so a shared request also waits for 1 ms without a newcomer.
    pub const SERVE: Options = Options {
        coalesce_quiet: Duration::from_millis(1),
        ..Options::BATCH
    };
}

/// When a lookup asks the next endpoint too, before the one it asked has
/// answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hedge {
    /// When the one asked has not answered within this (`check`, `watch`):
    /// a hung endpoint costs a moment, not a timeout.
    After(Duration),
    /// Only when the one asked has gone quiet with requests out to it
    /// (`Throttle::stalled`: no reply for 1.5 s, or three times its usual
    /// reply time) — `batch`, `serve`, `case check` keep their load where
    /// the limits are, on endpoints that are merely slow or paced, while a
    /// hung one costs the lookups waiting on it a moment, not a timeout.
    Stalled,
}

/// The longest a shared request gathers calls while lookups keep joining it
/// (it leaves sooner when full, or once it stops growing).
pub const COALESCE_WINDOW: Duration = Duration::from_millis(10);
