//! The shared HTTP + JSON-RPC client. One `batch` call is one HTTP request;
//! answers are matched to calls by id, not by order, and a call whose id is
//! missing fails alone. Endpoint-level failures (transport, timeout, HTTP
//! status, rate limit, a body that is not JSON-RPC, a body over the size cap)
//! are one typed error so the caller can move to the next endpoint and say
//! why. URLs are only ever shown redacted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::coalesce::{Group, Reply};
use super::throttle::Throttle;
use crate::config::Limits;
use crate::log::Log;

/// The longest wait a `Retry-After` header can ask for; a larger one is
/// read as this (a lookup's own deadline bounds it further).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Bodies larger than this are refused: no honest answer to our calls is near it.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// An RPC endpoint: the URL used for requests and the redacted form shown to people.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    url: String,
    pub shown: String,
    /// Extra request headers (an API key): sent, never shown.
    headers: Vec<(String, String)>,
    /// What of the URL and headers is secret: hidden wherever an error
    /// body or message of this endpoint echoes it.
    secrets: Vec<String>,
    limits: Limits,
}

impl Endpoint {
    pub fn new(url: &str) -> Self {
        Endpoint {
            url: url.to_string(),
            shown: redact_url(url),
            headers: Vec::new(),
            secrets: url_secrets(url),
            limits: Limits::default(),
        }
    }

    /// `text` (an error body, a node's message) with every secret of this
    /// endpoint replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    }

    /// Sets the endpoint's pace and batch cap (chains.toml `rps`, `max_batch`).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The most calls one HTTP request carries: the configured cap, and
    /// never more than a second's worth of calls at the endpoint's pace.
    pub fn batch_cap(&self) -> usize {
        let by_rate = self
            .limits
            .rps
            .map_or(usize::MAX, |r| (r.floor() as usize).max(1));
        self.limits.max_batch.min(by_rate).max(1)
    }

    /// Adds a header sent with every request to this endpoint.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        if !value.is_empty() {
            // Longest first, so a key that contains another is hidden whole.
            self.secrets.push(value.to_string());
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
        self
    }

    /// The URL's host, lower-case ("" when it has none).
    pub fn host(&self) -> String {
        url::Url::parse(&self.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default()
    }
}

/// One JSON-RPC call of a batch.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: &'static str,
    pub params: Value,
}

impl Call {
    pub fn new(method: &'static str, params: Value) -> Self {
        Call { method, params }
    }
}

/// Why an endpoint as a whole gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("could not connect ({0})")]
    Connect(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("rate limited (HTTP {status}{})", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("HTTP {status}: {snippet}")]
    Http { status: u16, snippet: String },
    #[error("the answer is not JSON-RPC ({detail}): {snippet}")]
    Undecodable { detail: String, snippet: String },
    #[error("the answer is larger than {} MiB", MAX_BODY_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the batch was refused: {0}")]
    BatchRefused(String),
    #[error("transport error ({0})")]
    Transport(String),
    #[error("the node answered with an error: {0}")]
    NodeError(String),
    #[error(
        "redirected (HTTP {status}) to {to}: not followed, so that no key goes to another host"
    )]
    Redirected { status: u16, to: String },
    #[error("the answer contradicts itself: {0}")]
    Inconsistent(String),
}

impl EndpointError {
    /// The same error with the endpoint's secrets hidden in its text.
    fn scrubbed(self, e: &Endpoint) -> Self {
        match self {
            EndpointError::Connect(s) => EndpointError::Connect(e.scrub(&s)),
            EndpointError::Http { status, snippet } => EndpointError::Http {
                status,
                snippet: e.scrub(&snippet),
            },
            EndpointError::Undecodable { detail, snippet } => EndpointError::Undecodable {
                detail: e.scrub(&detail),
                snippet: e.scrub(&snippet),
            },
            EndpointError::BatchRefused(s) => EndpointError::BatchRefused(e.scrub(&s)),
            EndpointError::Transport(s) => EndpointError::Transport(e.scrub(&s)),
            EndpointError::NodeError(s) => EndpointError::NodeError(e.scrub(&s)),
            EndpointError::Inconsistent(s) => EndpointError::Inconsistent(e.scrub(&s)),
            other => other,
        }
    }

    pub fn kind(&self) -> super::FaultKind {
        use super::FaultKind as K;
        match self {
            EndpointError::Connect(_) => K::Connect,
            EndpointError::Timeout(_) => K::Timeout,
            EndpointError::RateLimited { .. } => K::RateLimited,
            EndpointError::Http { .. } => K::Http,
            EndpointError::Undecodable { .. } | EndpointError::BatchRefused(_) => K::Undecodable,
            EndpointError::TooLarge => K::TooLarge,
            EndpointError::Transport(_) => K::Other,
            EndpointError::NodeError(_) => K::NodeError,
            EndpointError::Redirected { .. } => K::Redirected,
            EndpointError::Inconsistent(_) => K::Inconsistent,
        }
    }
}

/// Why one call of a batch has no usable result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("JSON-RPC error {code}: {message}")]
    Rpc {
        code: i64,
        message: String,
        data: Option<Value>,
    },
    #[error("the batch answer has no response with this call's id")]
    Missing,
    #[error("unexpected result ({0})")]
    Decode(String),
}

impl CallError {
    fn scrubbed(self, e: &Endpoint) -> Self {
        match self {
            CallError::Rpc {
                code,
                message,
                data,
            } => CallError::Rpc {
                code,
                message: e.scrub(&message),
                data,
            },
            CallError::Decode(s) => CallError::Decode(e.scrub(&s)),
            other => other,
        }
    }
}

pub type CallResult = Result<Value, CallError>;

/// Decodes one call's result into a wire type; `null` stays representable via `Option`.
pub fn decode<T: serde::de::DeserializeOwned>(result: &CallResult) -> Result<T, CallError> {
    let value = result.as_ref().map_err(Clone::clone)?;
    serde_json::from_value(value.clone()).map_err(|e| CallError::Decode(e.to_string()))
}

/// What a REST GET answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetAnswer {
    Body(Vec<u8>),
    /// HTTP 404, with the start of the body (e.g. Esplora's "Transaction not found").
    NotFound(String),
}

/// How the client treats rate limits and concurrent batches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Gather the batches that concurrent lookups send to one endpoint within
    /// this moment into one HTTP request (`None`: every batch goes alone).
    pub coalesce: Option<Duration>,
    /// How many times a request refused with 429/503 is sent again (after
    /// the wait the endpoint asked for) before the endpoint counts as failed.
    pub rate_limit_retries: u32,
    /// A refusal asking for a longer wait than this fails at once.
    pub max_retry_wait: Duration,
    /// When the endpoint asked has not answered within this, a lookup asks
    /// the next one too (`None`: strictly one after another, as batch does
    /// to keep its load on the first endpoint).
    pub hedge_after: Option<Duration>,
}

impl Options {
    /// One lookup at a time, as `check` and `watch` do: a rate-limited
    /// endpoint is left for the next one at once, and its wait is kept.
    pub const INTERACTIVE: Options = Options {
        coalesce: None,
        rate_limit_retries: 0,
        max_retry_wait: Duration::ZERO,
        hedge_after: Some(Duration::from_millis(1500)),
    };
}

/// Counters over the client's life, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTTP requests sent (each retry counts).
    pub requests: u64,
    /// Requests an endpoint refused with a rate limit.
    pub rate_limited: u64,
}

/// State every clone of a client shares: one pace and one open batch per endpoint.
#[derive(Debug, Default)]
struct Shared {
    throttles: Mutex<HashMap<String, Throttle>>,
    groups: Mutex<HashMap<String, Group>>,
    next_group: AtomicU64,
    requests: AtomicU64,
    rate_limited: AtomicU64,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Group({} calls)", self.len())
    }
}

#[derive(Debug, Clone)]
pub struct RpcClient {
    http: reqwest::Client,
    timeout: Duration,
    log: Log,
    options: Options,
    shared: Arc<Shared>,
}

impl RpcClient {
    pub fn new(timeout: Duration, log: Log) -> anyhow::Result<Self> {
        Self::with_options(timeout, log, Options::INTERACTIVE)
    }

    pub fn with_options(timeout: Duration, log: Log, options: Options) -> anyhow::Result<Self> {
        // No redirect is followed (a key in a header or the URL would go to
        // the other host with it) and no Referer is ever sent.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("txdoctor/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(RpcClient {
            http,
            timeout,
            log,
            options,
            shared: Arc::default(),
        })
    }

    /// See `Options::hedge_after`.
    pub fn hedge_after(&self) -> Option<Duration> {
        self.options.hedge_after
    }

    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.shared.requests.load(Ordering::Relaxed),
            rate_limited: self.shared.rate_limited.load(Ordering::Relaxed),
        }
    }

    /// Sends `calls` as JSON-RPC and returns one result per call, in the
    /// order of `calls`: one HTTP request, or several when the calls exceed
    /// the endpoint's batch cap. When the client coalesces, the calls may
    /// share a request with other lookups' calls.
    pub async fn batch(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
    ) -> Result<Vec<CallResult>, EndpointError> {
        let answers = match self.options.coalesce {
            Some(linger) if !calls.is_empty() && calls.len() < endpoint.batch_cap() => {
                self.coalesced(endpoint, calls, linger).await
            }
            _ => self.batch_now(endpoint, calls).await,
        };
        // An endpoint may echo its URL (and the key in its path) in an error.
        match answers {
            Ok(results) => Ok(results
                .into_iter()
                .map(|r| r.map_err(|e| e.scrubbed(endpoint)))
                .collect()),
            Err(e) => Err(e.scrubbed(endpoint)),
        }
    }

    /// Puts `calls` in the endpoint's open group and waits for its answer.
    /// The group leaves when it is full or `linger` after it opened, from a
    /// task of its own: a lookup that is dropped never strands the others.
    async fn coalesced(
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
                    // The group leaves once no lookup has joined for `linger`
                    // (lookups started together arrive together, even on a
                    // busy machine), and at the latest after 8 × `linger`.
                    let opened = tokio::time::Instant::now();
                    loop {
                        tokio::time::sleep(linger).await;
                        let quiet = client.quiet_for(&endpoint.url, id, linger);
                        if quiet || opened.elapsed() >= linger * 8 {
                            break;
                        }
                    }
                    if let Some(group) = client.take_group(&endpoint.url, id) {
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

    /// The endpoint's open group, if it is still group `id` and has calls.
    /// Whether group `id` (still open) has had no lookup join for `linger`;
    /// true when it has already left.
    fn quiet_for(&self, url: &str, id: u64, linger: Duration) -> bool {
        let groups = self.shared.groups.lock().unwrap_or_else(|e| e.into_inner());
        groups
            .get(url)
            .is_none_or(|g| g.id != id || g.last_joined.elapsed() >= linger)
    }

    fn take_group(&self, url: &str, id: u64) -> Option<Group> {
        let mut groups = self.shared.groups.lock().unwrap_or_else(|e| e.into_inner());
        let group = groups.get_mut(url)?;
        (group.id == id && !group.is_empty()).then(|| std::mem::replace(group, self.new_group()))
    }

    async fn send_group(&self, endpoint: &Endpoint, group: Group) {
        let reply = self.batch_now(endpoint, group.calls()).await;
        group.answer(reply);
    }

    /// Sends `calls` now, split into requests of at most the endpoint's cap
    /// that go out together. The endpoint fails as a whole only when every
    /// request failed; otherwise the calls of a failed request fail alone.
    async fn batch_now(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
    ) -> Result<Vec<CallResult>, EndpointError> {
        let cap = endpoint.batch_cap();
        if calls.len() <= cap {
            return self.one_request(endpoint, calls).await;
        }
        let parts = futures_util::future::join_all(
            calls
                .chunks(cap)
                .map(|part| self.one_request(endpoint, part)),
        )
        .await;
        merge_parts(calls.chunks(cap).map(<[Call]>::len).zip(parts))
    }

    /// One HTTP request carrying `calls` as a JSON-RPC batch.
    async fn one_request(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
    ) -> Result<Vec<CallResult>, EndpointError> {
        let body: Vec<Value> = calls
            .iter()
            .enumerate()
            .map(|(i, c)| request(i + 1, c))
            .collect();
        let outcome = self
            .logged(
                endpoint,
                calls,
                "batch",
                self.send(endpoint, &json!(body), calls.len()),
            )
            .await
            .and_then(|v| match_by_id(v, calls.len()));
        match outcome {
            // Some public endpoints refuse batches but answer single calls:
            // send them one by one, concurrently, so the wait stays one round trip.
            Err(EndpointError::BatchRefused(_)) if calls.len() > 1 => {
                self.one_by_one(endpoint, calls).await
            }
            other => other,
        }
    }

    async fn one_by_one(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
    ) -> Result<Vec<CallResult>, EndpointError> {
        let answers = futures_util::future::join_all(calls.iter().map(|c| async move {
            let answer = self
                .logged(
                    endpoint,
                    std::slice::from_ref(c),
                    "single call",
                    self.send(endpoint, &request(1, c), 1),
                )
                .await?;
            match_by_id(answer, 1)
        }))
        .await;
        merge_parts(answers.into_iter().map(|a| (1, a)))
    }

    /// One REST call: POST `body` as JSON to `path` under the endpoint's URL
    /// (the TRON full-node API). The same failures as a batch, plus TRON's
    /// habit of reporting errors as `{"Error": "…"}` with HTTP 200.
    pub async fn post(
        &self,
        endpoint: &Endpoint,
        path: &'static str,
        body: &Value,
    ) -> Result<Value, EndpointError> {
        let url = format!("{}{path}", endpoint.url.trim_end_matches('/'));
        let started = std::time::Instant::now();
        let outcome = self.send_to(endpoint, &url, body, 1).await.and_then(|v| {
            match v.get("Error").and_then(Value::as_str) {
                Some(e) => Err(EndpointError::NodeError(e.chars().take(200).collect())),
                None => Ok(v),
            }
        });
        let outcome = outcome.map_err(|e| e.scrubbed(endpoint));
        let ms = started.elapsed().as_millis();
        match &outcome {
            Ok(_) => self.log.verbose(format_args!(
                "{} POST {path} answered in {ms} ms",
                endpoint.shown
            )),
            Err(e) => self.log.verbose(format_args!(
                "{} POST {path} failed after {ms} ms: {e}",
                endpoint.shown
            )),
        }
        outcome
    }

    /// Runs one HTTP exchange and logs it with `-v`.
    async fn logged(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
        what: &str,
        exchange: impl std::future::Future<Output = Result<Value, EndpointError>>,
    ) -> Result<Value, EndpointError> {
        let methods = method_list(calls);
        let started = std::time::Instant::now();
        let outcome = exchange.await;
        let ms = started.elapsed().as_millis();
        match &outcome {
            Ok(_) => self.log.verbose(format_args!(
                "{} {what} [{methods}] answered in {ms} ms",
                endpoint.shown,
            )),
            Err(e) => self.log.verbose(format_args!(
                "{} {what} [{methods}] failed after {ms} ms: {e}",
                endpoint.shown,
            )),
        }
        outcome
    }

    async fn send(
        &self,
        endpoint: &Endpoint,
        body: &Value,
        calls: usize,
    ) -> Result<Value, EndpointError> {
        self.send_to(endpoint, &endpoint.url, body, calls).await
    }

    /// POSTs `body` (worth `calls` calls) to `url` on `endpoint`.
    async fn send_to(
        &self,
        endpoint: &Endpoint,
        url: &str,
        body: &Value,
        calls: usize,
    ) -> Result<Value, EndpointError> {
        let (status, bytes) = self
            .paced(endpoint, calls, || {
                let mut request = self.http.post(url).json(body);
                for (name, value) in &endpoint.headers {
                    request = request.header(name, value);
                }
                request
            })
            .await?;
        if !(200..300).contains(&status) {
            return Err(EndpointError::Http {
                status,
                snippet: snippet(&bytes),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| EndpointError::Undecodable {
            detail: e.to_string(),
            snippet: snippet(&bytes),
        })
    }

    /// One REST GET of `path` under the endpoint's URL (Esplora). A 404 is
    /// an answer, not a failure: the caller decides what it means.
    pub async fn get(&self, endpoint: &Endpoint, path: &str) -> Result<GetAnswer, EndpointError> {
        let url = format!("{}{path}", endpoint.url.trim_end_matches('/'));
        let started = std::time::Instant::now();
        let outcome = self
            .paced(endpoint, 1, || {
                let mut request = self.http.get(&url);
                for (name, value) in &endpoint.headers {
                    request = request.header(name, value);
                }
                request
            })
            .await
            .and_then(|(status, bytes)| match status {
                200..=299 => Ok(GetAnswer::Body(bytes)),
                404 => Ok(GetAnswer::NotFound(snippet(&bytes))),
                _ => Err(EndpointError::Http {
                    status,
                    snippet: snippet(&bytes),
                }),
            });
        let outcome = match outcome {
            Ok(GetAnswer::NotFound(text)) => Ok(GetAnswer::NotFound(endpoint.scrub(&text))),
            other => other.map_err(|e| e.scrubbed(endpoint)),
        };
        let ms = started.elapsed().as_millis();
        match &outcome {
            Ok(GetAnswer::Body(_)) => self.log.verbose(format_args!(
                "{} GET {path} answered in {ms} ms",
                endpoint.shown
            )),
            Ok(GetAnswer::NotFound(_)) => self.log.verbose(format_args!(
                "{} GET {path} answered 404 in {ms} ms",
                endpoint.shown
            )),
            Err(e) => self.log.verbose(format_args!(
                "{} GET {path} failed after {ms} ms: {e}",
                endpoint.shown
            )),
        }
        outcome
    }

    /// Sends the request `build` makes when the endpoint's pace allows
    /// (`calls` calls' worth); a rate limit slows the endpoint down and, as
    /// the options allow, the request is sent again after the wait asked for.
    async fn paced(
        &self,
        endpoint: &Endpoint,
        calls: usize,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(u16, Vec<u8>), EndpointError> {
        let mut retries = 0;
        loop {
            // One lookup at a time (no retries): an endpoint that asked to be
            // left alone for longer than we would wait is skipped at once.
            if let Some((status, left)) =
                self.with_throttle(endpoint, |t| t.benched(Instant::now()))
                && left > self.options.max_retry_wait
            {
                return Err(EndpointError::RateLimited {
                    status,
                    retry_after: Some(left),
                });
            }
            let at = self.with_throttle(endpoint, |t| t.reserve(Instant::now(), calls));
            tokio::time::sleep_until(at.into()).await;
            self.shared.requests.fetch_add(1, Ordering::Relaxed);
            match self.exchange(build()).await {
                Err(EndpointError::RateLimited {
                    status,
                    retry_after,
                }) => {
                    self.shared.rate_limited.fetch_add(1, Ordering::Relaxed);
                    let wait = self.with_throttle(endpoint, |t| {
                        t.refused(Instant::now(), status, retry_after)
                    });
                    if retries >= self.options.rate_limit_retries
                        || wait > self.options.max_retry_wait
                    {
                        return Err(EndpointError::RateLimited {
                            status,
                            retry_after,
                        });
                    }
                    retries += 1;
                    self.log.verbose(format_args!(
                        "{} is rate limiting (HTTP {status}): waiting {} ms, retry {retries} of {}",
                        endpoint.shown,
                        wait.as_millis(),
                        self.options.rate_limit_retries
                    ));
                }
                other => {
                    if other.is_ok() {
                        self.with_throttle(endpoint, Throttle::answered);
                    }
                    return other;
                }
            }
        }
    }

    fn with_throttle<T>(&self, endpoint: &Endpoint, f: impl FnOnce(&mut Throttle) -> T) -> T {
        let mut throttles = self
            .shared
            .throttles
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let throttle = throttles
            .entry(endpoint.url.clone())
            .or_insert_with(|| Throttle::new(endpoint.limits.rps));
        f(throttle)
    }

    /// Sends a request and reads the status and body (at most
    /// `MAX_BODY_BYTES`); rate limits (429, 503) become `RateLimited`.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(u16, Vec<u8>), EndpointError> {
        let mut response = request.send().await.map_err(|e| self.classify(e))?;
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map_or("(no Location)".to_string(), |l| {
                    let l: String = l.chars().take(300).collect();
                    match url::Url::parse(&l) {
                        Ok(_) => redact_url(&l),
                        // A relative Location: its path may hold a key too.
                        Err(_) => redact_url(&format!("http://same-host{l}")).replacen(
                            "http://same-host",
                            "",
                            1,
                        ),
                    }
                });
            return Err(EndpointError::Redirected {
                status: status.as_u16(),
                to,
            });
        }
        if matches!(status.as_u16(), 429 | 503) {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                // Whatever the endpoint asks, no wait is longer than this.
                .map(|s| Duration::from_secs(s.min(MAX_RETRY_AFTER.as_secs())));
            return Err(EndpointError::RateLimited {
                status: status.as_u16(),
                retry_after,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(EndpointError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.as_u16() == 403 && is_trongrid_penalty(&bytes) {
            return Err(EndpointError::RateLimited {
                status: 403,
                retry_after: Some(TRONGRID_PENALTY),
            });
        }
        Ok((status.as_u16(), bytes))
    }

    fn classify(&self, e: reqwest::Error) -> EndpointError {
        // reqwest's message names the URL, which may hold a key: drop it.
        let e = e.without_url();
        if e.is_timeout() {
            EndpointError::Timeout(self.timeout)
        } else if e.is_connect() {
            EndpointError::Connect(root_cause(&e))
        } else if e.is_body() || e.is_decode() {
            EndpointError::Transport(format!(
                "the answer was cut off before its end: {}",
                root_cause(&e)
            ))
        } else {
            EndpointError::Transport(root_cause(&e))
        }
    }
}

/// The answers to a batch sent in parts (`(calls, answer)` in order), as one:
/// the endpoint fails as a whole only when every part failed as a whole;
/// otherwise the calls of a failed part fail alone.
fn merge_parts(
    parts: impl IntoIterator<Item = (usize, Result<Vec<CallResult>, EndpointError>)>,
) -> Result<Vec<CallResult>, EndpointError> {
    let parts: Vec<_> = parts.into_iter().collect();
    if let Some((_, Err(e))) = parts.first()
        && parts.iter().all(|(_, a)| a.is_err())
    {
        return Err(e.clone());
    }
    Ok(parts
        .into_iter()
        .flat_map(|(n, answer)| match answer {
            Ok(results) => results,
            Err(e) => vec![
                Err(CallError::Decode(format!(
                    "the endpoint failed this call: {e}"
                )));
                n
            ],
        })
        .collect())
}

/// TronGrid blocks an IP that exceeds its keyless rate for 30 s, with
/// HTTP 403 and "…exceeds the frequency limit…, suspended for 30s".
const TRONGRID_PENALTY: Duration = Duration::from_secs(30);

fn is_trongrid_penalty(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(500)]).to_ascii_lowercase();
    text.contains("frequency limit")
}

/// The methods of a batch for the log: in full when short, else counted.
fn method_list(calls: &[Call]) -> String {
    if calls.len() <= 8 {
        return calls
            .iter()
            .map(|c| c.method)
            .collect::<Vec<_>>()
            .join(", ");
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for c in calls {
        match counts.iter_mut().find(|(m, _)| *m == c.method) {
            Some((_, n)) => *n += 1,
            None => counts.push((c.method, 1)),
        }
    }
    counts
        .iter()
        .map(|(m, n)| {
            if *n == 1 {
                m.to_string()
            } else {
                format!("{m} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn request(id: usize, call: &Call) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": call.method, "params": call.params})
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The first bytes of a body, on one line, for error messages.
pub fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        "(empty body)".to_string()
    } else {
        one_line
    }
}

/// Pairs batch responses with calls 1..=n by id.
fn match_by_id(answer: Value, n: usize) -> Result<Vec<CallResult>, EndpointError> {
    let items = match answer {
        Value::Array(items) => items,
        // A lone object: either the endpoint's refusal of the whole batch, or
        // (for a batch of one) a server that unwraps single-call batches.
        Value::Object(obj) => {
            let id = obj.get("id").and_then(id_of);
            if n == 1 && id == Some(1) {
                vec![Value::Object(obj)]
            } else {
                let msg = obj
                    .get("error")
                    .and_then(|e| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("a single object instead of a batch answer");
                return Err(EndpointError::BatchRefused(msg.to_string()));
            }
        }
        other => {
            return Err(EndpointError::Undecodable {
                detail: "expected a JSON array".into(),
                snippet: snippet(other.to_string().as_bytes()),
            });
        }
    };
    let mut out: Vec<CallResult> = vec![Err(CallError::Missing); n];
    let mut seen = vec![false; n];
    for item in items {
        let Some(id) = item.get("id").and_then(id_of) else {
            continue;
        };
        let Some(i) = id
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < n)
        else {
            continue;
        };
        // Two answers to one call: which one is true cannot be told.
        if std::mem::replace(&mut seen[i], true) {
            return Err(EndpointError::Inconsistent(format!(
                "the batch answer has two responses for call id {id}"
            )));
        }
        out[i] = response_of(item);
    }
    Ok(out)
}

fn id_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn response_of(item: Value) -> CallResult {
    if let Some(err) = item.get("error").filter(|e| !e.is_null()) {
        return Err(CallError::Rpc {
            code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
            // A node's words, bounded: no honest error message is longer.
            message: err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(crate::safe::MAX_CHARS)
                .collect(),
            data: err.get("data").cloned(),
        });
    }
    match item {
        Value::Object(mut obj) if obj.contains_key("result") => {
            Ok(obj.remove("result").unwrap_or(Value::Null))
        }
        _ => Err(CallError::Decode(
            "a response with neither result nor error".into(),
        )),
    }
}

/// Hides what could be a secret in an endpoint URL: user info, every query
/// value, and path segments that look like API keys.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "(unparseable URL)".to_string();
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("***");
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() {
        let pairs: Vec<String> = parsed
            .query_pairs()
            .map(|(k, _)| format!("{k}=***"))
            .collect();
        parsed.set_query(Some(&pairs.join("&")));
    }
    let segments: Option<Vec<String>> = parsed.path_segments().map(|s| {
        s.map(|seg| {
            if looks_like_key(seg) {
                "***".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect()
    });
    if let Some(segments) = segments {
        parsed.set_path(&segments.join("/"));
    }
    parsed.to_string().trim_end_matches('/').to_string()
}

/// The parts of an endpoint URL that may be secret: user info, query
/// values and key-like path segments (what `redact_url` hides).
fn url_secrets(url: &str) -> Vec<String> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    out.extend(Some(parsed.username().to_string()).filter(|u| !u.is_empty()));
    out.extend(parsed.password().map(str::to_string));
    out.extend(
        parsed
            .query_pairs()
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty()),
    );
    out.extend(
        parsed
            .path_segments()
            .into_iter()
            .flatten()
            .filter(|s| looks_like_key(s))
            .map(str::to_string),
    );
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

fn looks_like_key(segment: &str) -> bool {
    segment.len() >= 16
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && segment.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_keys_and_keeps_the_host() {
        assert_eq!(
            redact_url("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161"),
            "https://mainnet.infura.io/v3/***"
        );
        assert_eq!(
            redact_url("https://eth-mainnet.g.alchemy.com/v2/AbCdEf12345678901234xyz"),
            "https://eth-mainnet.g.alchemy.com/v2/***"
        );
        assert_eq!(
            redact_url("https://rpc.example.org/?apikey=secret&x=1"),
            "https://rpc.example.org/?apikey=***&x=***"
        );
        assert_eq!(
            redact_url("https://user:pass@rpc.example.org/"),
            "https://***@rpc.example.org"
        );
        assert_eq!(
            redact_url("https://api.avax.network/ext/bc/C/rpc"),
            "https://api.avax.network/ext/bc/C/rpc"
        );
        assert_eq!(
            redact_url("https://ethereum-rpc.publicnode.com"),
            "https://ethereum-rpc.publicnode.com"
        );
        assert!(!redact_url("https://x.io/v2/AbCdEf12345678901234xyz").contains("AbCdEf"));
    }

    #[test]
    fn issue_18_secrets_are_scrubbed_from_what_an_endpoint_echoes() {
        let e = Endpoint::new("https://x.io/v2/AbCdEf12345678901234xyz?key=s3cr3t")
            .with_header("TRON-PRO-API-KEY", "k1");
        let echoed = "404 for /v2/AbCdEf12345678901234xyz?key=s3cr3t (header k1)";
        let shown = e.scrub(echoed);
        assert!(
            !shown.contains("AbCdEf") && !shown.contains("s3cr3t") && !shown.contains("k1"),
            "{shown}"
        );
        let err = EndpointError::Http {
            status: 404,
            snippet: echoed.into(),
        }
        .scrubbed(&e);
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }

    #[test]
    fn batch_answers_are_matched_by_id_not_order() {
        let answer = json!([
            {"jsonrpc": "2.0", "id": 3, "result": "0x3"},
            {"jsonrpc": "2.0", "id": "1", "result": null},
            {"jsonrpc": "2.0", "id": 9, "result": "stray"},
        ]);
        let out = match_by_id(answer, 3).unwrap();
        assert_eq!(out[0], Ok(Value::Null));
        assert_eq!(out[1], Err(CallError::Missing));
        assert_eq!(out[2], Ok(json!("0x3")));
    }

    #[test]
    fn issue_18_a_call_answered_twice_makes_the_batch_inconsistent() {
        let answer = json!([
            {"jsonrpc": "2.0", "id": 1, "result": "0x1"},
            {"jsonrpc": "2.0", "id": 1, "result": "0x2"},
        ]);
        assert!(matches!(
            match_by_id(answer, 2),
            Err(EndpointError::Inconsistent(m)) if m.contains("id 1")
        ));
    }

    #[test]
    fn call_errors_keep_code_message_and_data() {
        let answer = json!([{"jsonrpc": "2.0", "id": 1, "error": {"code": 3, "message": "execution reverted", "data": "0x08c379a0"}}]);
        match &match_by_id(answer, 1).unwrap()[0] {
            Err(CallError::Rpc {
                code: 3,
                message,
                data: Some(d),
            }) => {
                assert_eq!(message, "execution reverted");
                assert_eq!(d, "0x08c379a0");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_lone_error_object_refuses_the_batch() {
        let answer = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "batch requests are not supported"}});
        assert_eq!(
            match_by_id(answer, 5),
            Err(EndpointError::BatchRefused(
                "batch requests are not supported".into()
            ))
        );
        let single = json!({"jsonrpc": "2.0", "id": 1, "result": "0x1"});
        assert_eq!(match_by_id(single, 1).unwrap(), vec![Ok(json!("0x1"))]);
        assert!(matches!(
            match_by_id(json!("hello"), 1),
            Err(EndpointError::Undecodable { .. })
        ));
    }

    #[test]
    fn a_batch_in_parts_fails_only_when_every_part_failed() {
        let down = || Err(EndpointError::Connect("refused".into()));
        let merged = merge_parts([(1, Ok(vec![Ok(json!(1))])), (2, down())]).unwrap();
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0], Ok(json!(1)));
        assert!(matches!(&merged[2], Err(CallError::Decode(m)) if m.contains("refused")));
        assert_eq!(
            merge_parts([(1, down()), (2, down())]),
            Err(EndpointError::Connect("refused".into()))
        );
    }

    #[test]
    fn trongrid_penalties_are_rate_limits() {
        let body = br#"{"success": false, "error": "The key exceeds the frequency limit(15), and the query server is suspended for 30s", "statusCode": 403}"#;
        assert!(is_trongrid_penalty(body));
        assert!(!is_trongrid_penalty(b"<html>403 Forbidden</html>"));
    }

    #[test]
    fn endpoints_never_batch_more_than_a_second_of_calls() {
        let e = |rps, max_batch| Endpoint::new("http://x").with_limits(Limits { rps, max_batch });
        assert_eq!(e(None, 50).batch_cap(), 50);
        assert_eq!(e(Some(10.0), 50).batch_cap(), 10);
        assert_eq!(e(Some(0.5), 50).batch_cap(), 1);
        assert_eq!(e(Some(500.0), 200).batch_cap(), 200);
    }

    #[test]
    fn long_batches_are_logged_by_method_counts() {
        let calls: Vec<Call> = (0..10)
            .map(|i| {
                Call::new(
                    if i == 0 {
                        "eth_chainId"
                    } else {
                        "eth_getTransactionByHash"
                    },
                    json!([]),
                )
            })
            .collect();
        assert_eq!(
            method_list(&calls),
            "eth_chainId, eth_getTransactionByHash ×9"
        );
        assert_eq!(
            method_list(&calls[..2]),
            "eth_chainId, eth_getTransactionByHash"
        );
    }

    #[test]
    fn snippets_are_short_and_on_one_line() {
        let html = format!("<html>\n<body>{}</body></html>", "x".repeat(500));
        let s = snippet(html.as_bytes());
        assert!(s.len() <= 200 && !s.contains('\n'), "{s}");
    }
}
