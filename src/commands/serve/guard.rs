//! What every request passes before and after its handler: the token
//! (every route but `GET /healthz`), the per-client rate limit on the API,
//! the same-origin rule for requests that change or start something, the
//! security headers, and one log line on stderr — method, path (never the
//! query string), status and time; never the token.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Server;
use super::api::error;

/// Requests one client may send at once before it is slowed down, at least.
const MIN_BURST: f64 = 240.0;
/// The burst is this many seconds of the client's rate.
const BURST_SECONDS: f64 = 12.0;
/// Clients tracked at once; the quietest are forgotten beyond this.
const MAX_CLIENTS: usize = 10_000;

/// The page's own scripts and styles only; nothing from another origin;
/// no inline script; not framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A token bucket per client address: `per_second` requests a second,
/// after a burst of `burst`.
pub struct Limiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(per_second: f64) -> Limiter {
        let per_second = if per_second.is_finite() && per_second > 0.0 {
            per_second
        } else {
            20.0
        };
        Limiter {
            per_second,
            burst: (per_second * BURST_SECONDS).max(MIN_BURST),
            buckets: Mutex::default(),
        }
    }

    /// Takes one request from `client`'s bucket, or says how long to wait.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // Forget the buckets that have filled up again: they hold nothing.
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
            if buckets.len() >= MAX_CLIENTS {
                return Err(Duration::from_secs(1));
            }
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.per_second))
        }
    }
}

pub async fn guard(
    State(server): State<Arc<Server>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let api = path.starts_with("/api/");
    let mut response = match refusal(&server, peer, &request, api) {
        Some(refused) => refused,
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    server.settings.log.info(format_args!(
        "{} {method} {path} {} {} ms",
        peer.ip(),
        response.status().as_u16(),
        started.elapsed().as_millis()
    ));
    response
}

/// Why `request` is refused before its handler, if it is.
fn refusal(server: &Server, peer: SocketAddr, request: &Request, api: bool) -> Option<Response> {
    let health = request.method() == Method::GET && request.uri().path() == "/healthz";
    if let Some(token) = &server.token
        && !health
        && !bearer_matches(request.headers(), token)
    {
        let mut r = error(StatusCode::UNAUTHORIZED, "missing or wrong token");
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"txdoctor\""),
        );
        return Some(r);
    }
    if api && let Err(wait) = server.limiter.take(peer.ip(), Instant::now()) {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests from this client: wait and try again",
        );
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return Some(r);
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) && !same_origin(request.headers()) {
        return Some(error(
            StatusCode::FORBIDDEN,
            "requests from another site's pages are refused",
        ));
    }
    None
}

/// `Authorization: Bearer TOKEN`, compared in constant time.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// No `Origin`, or the origin of this very host (a browser names the page's
/// origin on every POST; another site's page cannot start lookups or
/// open cases here).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let bare = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    !host.is_empty() && bare == Some(host)
}

impl IntoResponse for super::api::ApiError {
    fn into_response(self) -> Response {
        error(self.status, &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_held_back() {
        let l = Limiter::new(20.0);
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let granted = (0..1000).filter(|_| l.take(a, t0).is_ok()).count();
        assert_eq!(granted, MIN_BURST as usize);
        let wait = l.take(a, t0).unwrap_err();
        assert!(wait <= Duration::from_millis(60), "{wait:?}");
        assert!(l.take(b, t0).is_ok(), "another client has its own bucket");
        // A second later, PER_SECOND more.
        let later = t0 + Duration::from_secs(1);
        let granted = (0..1000).filter(|_| l.take(a, later).is_ok()).count();
        assert_eq!(granted, 20);
        assert_eq!(Limiter::new(100.0).burst, 1200.0);
    }

    #[test]
    fn the_token_must_match_exactly_and_origins_must_be_this_host() {
        let mut h = HeaderMap::new();
        assert!(!bearer_matches(&h, "0123456789abcdef"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer 0123456789abcdef"),
        );
        assert!(bearer_matches(&h, "0123456789abcdef"));
        assert!(!bearer_matches(&h, "0123456789abcdeF"));
        assert!(!bearer_matches(&h, "0123456789abcdef0"));

        let mut h = HeaderMap::new();
        assert!(same_origin(&h), "no Origin: not a browser page");
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:7878"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:7878"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
    }
}
