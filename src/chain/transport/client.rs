//! The HTTP client every family shares: one `batch` call is one HTTP
//! request (or several at the endpoint's batch cap), concurrent lookups'
//! calls may share one (`coalesce`), every request is paced (`throttle`),
//! no redirect is followed and no `Referer` sent, bodies are capped, and
//! rate limits are retried as the options allow.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::coalesce::Group;
use super::endpoint::Endpoint;
use super::error::root_cause;
use super::error::{CallResult, EndpointError, MAX_BODY_BYTES, snippet};
use super::jsonrpc::{Call, batch_body, match_by_id, merge_parts, method_list, single_body};
use super::options::Options;
use super::throttle::Throttle;
use super::throttled::Outstanding;
use crate::codec::url::redact_url;
use crate::log::Log;

/// The longest wait a `Retry-After` header can ask for; a larger one is
/// read as this (a lookup's own deadline bounds it further).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

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
pub(super) struct Shared {
    pub(super) throttles: Mutex<HashMap<String, Throttle>>,
    pub(super) groups: Mutex<HashMap<String, Group>>,
    pub(super) next_group: AtomicU64,
    requests: AtomicU64,
    rate_limited: AtomicU64,
    /// What lookups share in a batch (`Options::share_facts`).
    pub(super) kept: super::shared::Shared,
    /// Lookups started per chain (`Options::spread_load`).
    pub(super) turns: Mutex<HashMap<String, usize>>,
    /// Requests sent per endpoint URL (for the per-chain figures of batch).
    per_endpoint: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Group({} calls)", self.len())
    }
}

#[derive(Debug, Clone)]
pub struct RpcClient {
    /// For `http://` endpoints (a local node): it loads no TLS roots.
    plain: reqwest::Client,
    /// For `https://` endpoints, made when the first is asked: loading the
    /// system's roots reads every file under /etc/ssl/certs, most of
    /// txdoctor's start-up, which a local node never needs.
    tls: Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    pub(super) timeout: Duration,
    pub(super) log: Log,
    pub(super) options: Options,
    pub(super) shared: Arc<Shared>,
}

/// What every request shares: no redirect is followed (a key in a header
/// or the URL would go to the other host with it), no Referer is ever
/// sent, and the time limits.
fn http_client(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .timeout(timeout)
        .connect_timeout(timeout.min(CONNECT_TIMEOUT))
        .user_agent(concat!("txdoctor/", env!("CARGO_PKG_VERSION")))
}

impl RpcClient {
    pub fn new(timeout: Duration, log: Log) -> anyhow::Result<Self> {
        Self::with_options(timeout, log, Options::INTERACTIVE)
    }

    pub fn with_options(timeout: Duration, log: Log, options: Options) -> anyhow::Result<Self> {
        // TLS through rustls with ring (Cargo.toml says why); installing it
        // twice is harmless, so every client may try.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // No root at all: were it ever handed an https URL, it would trust nobody.
        let plain = http_client(timeout)
            .tls_certs_only(Vec::<reqwest::Certificate>::new())
            .build()?;
        Ok(RpcClient {
            plain,
            tls: Arc::default(),
            timeout,
            log,
            options,
            shared: Arc::default(),
        })
    }

    /// The HTTP client for `url`: the one with the system's roots for https.
    pub(super) fn http_for(&self, url: &str) -> Result<&reqwest::Client, EndpointError> {
        if url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        {
            return Ok(&self.plain);
        }
        self.tls
            .get_or_init(|| {
                http_client(self.timeout)
                    .build()
                    .map_err(|e| root_cause(&e))
            })
            .as_ref()
            .map_err(|e| EndpointError::Transport(format!("could not set up TLS: {e}")))
    }

    /// See `Options::hedge`.
    pub fn hedge(&self) -> super::options::Hedge {
        self.options.hedge
    }

    /// Requests sent so far per endpoint URL (as configured).
    pub fn requests_by_endpoint(&self) -> HashMap<String, u64> {
        self.shared
            .per_endpoint
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether facts that are not the transaction's are shared (batch).
    pub fn shares_facts(&self) -> bool {
        self.options.share_facts
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
            // Boxed: a request's state machine is large, and every lookup
            // waiting on a shared request would otherwise carry its room.
            _ => Box::pin(self.batch_now(endpoint, calls)).await,
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

    /// Sends `calls` now, split into requests of at most the endpoint's cap
    /// that go out together. The endpoint fails as a whole only when every
    /// request failed; otherwise the calls of a failed request fail alone.
    pub(super) async fn batch_now(
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
        let body = batch_body(calls);
        let outcome = self
            .logged(
                endpoint,
                calls,
                "batch",
                self.send(endpoint, &body, calls.len()),
            )
            .await
            .and_then(|body| match_by_id(&body, calls.len()));
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
                    self.send(endpoint, &single_body(c), 1),
                )
                .await?;
            match_by_id(&answer, 1)
        }))
        .await;
        merge_parts(answers.into_iter().map(|a| (1, a)))
    }

    /// Runs one HTTP exchange and logs it with `-v`.
    async fn logged(
        &self,
        endpoint: &Endpoint,
        calls: &[Call],
        what: &str,
        exchange: impl std::future::Future<Output = Result<Vec<u8>, EndpointError>>,
    ) -> Result<Vec<u8>, EndpointError> {
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
        body: &[u8],
        calls: usize,
    ) -> Result<Vec<u8>, EndpointError> {
        self.send_to(endpoint, &endpoint.url, body, calls).await
    }

    /// POSTs `body` (worth `calls` calls) to `url` on `endpoint`: the
    /// answer's body, read as JSON by the caller.
    pub(super) async fn send_to(
        &self,
        endpoint: &Endpoint,
        url: &str,
        body: &[u8],
        calls: usize,
    ) -> Result<Vec<u8>, EndpointError> {
        let http = self.http_for(url)?;
        let (status, bytes, _) = self
            .paced(endpoint, calls, || {
                let mut request = http
                    .post(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_vec());
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
        Ok(bytes)
    }

    /// Sends the request `build` makes when the endpoint's pace allows
    /// (`calls` calls' worth); a rate limit slows the endpoint down and, as
    /// the options allow, the request is sent again after the wait asked for.
    pub(super) async fn paced(
        &self,
        endpoint: &Endpoint,
        calls: usize,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(u16, Vec<u8>, Headers), EndpointError> {
        let (mut retries, mut reopened) = (0, 0);
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
            let now = Instant::now();
            let at = self.with_throttle(endpoint, |t| t.reserve(now, calls));
            // Only a wait to make: tokio rounds a deadline up to its next
            // millisecond, so even one already past would hold the request.
            if at > now {
                tokio::time::sleep_until(at.into()).await;
            }
            self.shared.requests.fetch_add(1, Ordering::Relaxed);
            *self
                .shared
                .per_endpoint
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(endpoint.url.clone())
                .or_insert(0) += 1;
            let mut out = Outstanding::sent(self, endpoint);
            match self.exchange(endpoint, build(), &mut out).await {
                // Every request we make only reads, so it may go again: on a
                // new connection (hyper drops the closed one), paced anew.
                Err(EndpointError::Closed) if reopened < REOPENS => {
                    reopened += 1;
                    self.log.verbose(format_args!(
                        "{} closed the connection before answering: sending again on a new one",
                        endpoint.shown
                    ));
                }
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
                    } else if !out.replied {
                        // No reply at all (a timeout, no connection): the
                        // endpoint failed, whether or not a lookup still
                        // waits to judge it — those that left it when it
                        // stalled no longer do.
                        self.judged(endpoint, false);
                    }
                    return other;
                }
            }
        }
    }

    /// Sends a request and reads the status and body (at most
    /// `MAX_BODY_BYTES`); rate limits (429, 503) become `RateLimited`.
    async fn exchange(
        &self,
        endpoint: &Endpoint,
        request: reqwest::RequestBuilder,
        out: &mut Outstanding<'_>,
    ) -> Result<(u16, Vec<u8>, Headers), EndpointError> {
        let mut response = request.send().await.map_err(|e| self.classify(e))?;
        out.replied();
        let status = response.status();
        let headers = kept_headers(response.headers());
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
        // Sized once from the length announced (never beyond the cap; a
        // false one only costs a grown or idle allocation).
        let announced = response.content_length().unwrap_or(0);
        let mut bytes = Vec::with_capacity(announced.min(MAX_BODY_BYTES as u64) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(EndpointError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        // A family's own way of saying "too many requests" (TronGrid: 403).
        if let Some(wait) = endpoint
            .refusal
            .and_then(|rule| rule(status.as_u16(), &bytes))
        {
            return Err(EndpointError::RateLimited {
                status: status.as_u16(),
                retry_after: Some(wait),
            });
        }
        Ok((status.as_u16(), bytes, headers))
    }

    fn classify(&self, e: reqwest::Error) -> EndpointError {
        // reqwest's message names the URL, which may hold a key: drop it.
        let e = e.without_url();
        if e.is_timeout() && e.is_connect() {
            EndpointError::ConnectTimeout(self.timeout.min(CONNECT_TIMEOUT))
        } else if e.is_timeout() {
            EndpointError::Timeout(self.timeout)
        } else if e.is_connect() {
            EndpointError::Connect(root_cause(&e))
        } else if closed_unanswered(&e) {
            EndpointError::Closed
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

/// Whether hyper saw the connection closed before any answer to the request
/// it had sent (its `IncompleteMessage`).
fn closed_unanswered(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The headers an answer keeps: an API's own (`x-aptos-*`), a few, short.
pub type Headers = Vec<(String, String)>;

/// The `x-aptos-*` headers of an answer: at most 16, each value at most 128
/// bytes (what an endpoint sends is bounded before anyone reads it).
fn kept_headers(map: &reqwest::header::HeaderMap) -> Headers {
    map.iter()
        .filter(|(k, _)| k.as_str().starts_with("x-aptos-"))
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .filter(|(_, v)| v.len() <= 128)
        .take(16)
        .collect()
}

/// How many times a request whose connection was closed unanswered goes
/// again (each closed connection is dropped from the pool: a second stale
/// one may follow the first).
const REOPENS: u32 = 2;

/// How long a TCP and TLS connection may take before the endpoint is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_node_needs_no_tls_roots_and_https_gets_them_when_first_asked() {
        let log = Log::new(crate::log::Verbosity::Quiet);
        let client = RpcClient::new(Duration::from_secs(5), log).unwrap();
        let plain = client.http_for("HTTP://127.0.0.1:8545").unwrap() as *const _;
        assert_eq!(plain, &client.plain as *const _);
        assert!(client.tls.get().is_none(), "no roots loaded for http");
        let tls = client.http_for("https://rpc.example").unwrap() as *const _;
        assert_ne!(tls, plain);
        // Made once, shared by the client's clones.
        let again = client.clone();
        assert_eq!(
            again.http_for("https://other.example").unwrap() as *const _,
            tls
        );
    }
}
