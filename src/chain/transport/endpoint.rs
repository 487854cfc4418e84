//! An endpoint as txdoctor uses it: the URL requests go to, the redacted
//! form people see, the headers (an API key) it carries, its secrets —
//! hidden wherever an error echoes them — and its pace.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::chain::spec::Limits;
use crate::codec::url::{redact_url, url_secrets};

/// An RPC endpoint: the URL used for requests and the redacted form shown to people.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub(super) url: String,
    pub shown: String,
    /// Extra request headers (an API key): sent, never shown.
    pub(super) headers: Vec<(String, String)>,
    /// What of the URL and headers is secret: hidden wherever an error
    /// body or message of this endpoint echoes it.
    pub(super) secrets: Vec<String>,
    pub(super) limits: Limits,
    /// The family's rule for a refusal that is a rate limit in disguise
    /// (HTTP status and body → how long to stay away).
    pub(super) refusal: Option<RefusalRule>,
}

/// A URL's redacted form and its secrets.
type UrlParts = (String, Vec<String>);

/// A URL's redacted form and its secrets, worked out once per URL (both
/// depend on the URL alone): a batch makes an endpoint for every lookup.
fn url_parts(url: &str) -> UrlParts {
    /// More distinct URLs than any configuration names: then start over.
    const MAX_KEPT: usize = 1024;
    static KEPT: std::sync::LazyLock<Mutex<HashMap<String, UrlParts>>> =
        std::sync::LazyLock::new(Mutex::default);
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(parts) = kept.get(url) {
        return parts.clone();
    }
    let parts = (redact_url(url), url_secrets(url));
    if kept.len() >= MAX_KEPT {
        kept.clear();
    }
    kept.insert(url.to_string(), parts.clone());
    parts
}

/// See `Endpoint::with_refusal`.
pub type RefusalRule = fn(u16, &[u8]) -> Option<std::time::Duration>;

/// The same endpoint: the same URL, headers and limits.
impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url && self.headers == other.headers && self.limits == other.limits
    }
}

impl Endpoint {
    pub fn new(url: &str) -> Self {
        let (shown, secrets) = url_parts(url);
        Endpoint {
            url: url.to_string(),
            shown,
            headers: Vec::new(),
            secrets,
            limits: Limits::default(),
            refusal: None,
        }
    }

    /// Treats what `rule` recognises (a status and body) as a rate limit.
    pub fn with_refusal(mut self, rule: RefusalRule) -> Self {
        self.refusal = Some(rule);
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_never_batch_more_than_a_second_of_calls() {
        let e = |rps, max_batch| {
            Endpoint::new("http://x").with_limits(Limits {
                rps,
                max_batch,
                window: None,
            })
        };
        assert_eq!(e(None, 50).batch_cap(), 50);
        assert_eq!(e(Some(10.0), 50).batch_cap(), 10);
        assert_eq!(e(Some(0.5), 50).batch_cap(), 1);
        assert_eq!(e(Some(500.0), 200).batch_cap(), 200);
    }
}
