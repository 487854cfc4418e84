//! What can go wrong, typed: an endpoint as a whole (`EndpointError`, with
//! the `FaultKind` a warning carries) or one call of a batch (`CallError`,
//! keeping the node's code, message and data). Texts from an endpoint are
//! scrubbed of its secrets before anyone sees them.

use std::time::Duration;

use serde_json::Value;

use super::endpoint::Endpoint;

/// Bodies larger than this are refused: no honest answer to our calls is near it.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Why an endpoint as a whole gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("could not connect ({0})")]
    Connect(String),
    #[error("connected, but no answer within {0:?} (the request timeout)")]
    Timeout(Duration),
    #[error("could not connect within {0:?} (the connect timeout)")]
    ConnectTimeout(Duration),
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
    /// The connection was closed after the request went out, before any
    /// answer: a kept-alive connection the server had just closed (its idle
    /// timeout, or a hang-up after an earlier error on it).
    #[error("the connection was closed before any answer came")]
    Closed,
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
    pub(super) fn scrubbed(self, e: &Endpoint) -> Self {
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

    pub fn kind(&self) -> crate::chain::FaultKind {
        use crate::chain::FaultKind as K;
        match self {
            EndpointError::Connect(_) => K::Connect,
            EndpointError::Timeout(_) | EndpointError::ConnectTimeout(_) => K::Timeout,
            EndpointError::RateLimited { .. } => K::RateLimited,
            EndpointError::Http { .. } => K::Http,
            EndpointError::Undecodable { .. } | EndpointError::BatchRefused(_) => K::Undecodable,
            EndpointError::TooLarge => K::TooLarge,
            EndpointError::Transport(_) | EndpointError::Closed => K::Other,
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
    pub(super) fn scrubbed(self, e: &Endpoint) -> Self {
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

/// One call's answer as the endpoint wrote it: JSON text, read straight
/// into the wire type a family asks for. No tree of values is built in
/// between — for thousands of answers in a batch that tree cost more than
/// everything else a lookup does with them.
pub struct Json {
    text: Box<str>,
    /// What `read_once` made of it, for every lookup sharing this answer.
    read: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

impl Json {
    fn new(text: Box<str>) -> Self {
        Json {
            text,
            read: std::sync::OnceLock::new(),
        }
    }

    /// The answer's text (valid JSON: it was read as such).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// An answer made here from parts of answers (`text` is JSON).
    pub(super) fn from_text(text: String) -> Self {
        Json::new(text.into())
    }

    /// What `read` makes of this answer, made once: the lookups that share
    /// one answer (a chain's fee history, asked once for a whole request)
    /// share what is read from it. One kind of reading is kept per answer;
    /// another kind is made again each time.
    pub fn read_once<T: Clone + Send + Sync + 'static>(&self, read: impl FnOnce(&str) -> T) -> T {
        if let Some(kept) = self.read.get().and_then(|k| k.downcast_ref::<T>()) {
            return kept.clone();
        }
        let made = read(&self.text);
        let _ = self.read.set(Box::new(made.clone()));
        made
    }
}

impl Clone for Json {
    fn clone(&self) -> Self {
        Json::new(self.text.clone())
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Json {}

impl std::fmt::Debug for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Json").field(&self.text).finish()
    }
}

impl From<&serde_json::value::RawValue> for Json {
    fn from(raw: &serde_json::value::RawValue) -> Self {
        Json::new(raw.get().into())
    }
}

pub type CallResult = Result<std::sync::Arc<Json>, CallError>;

/// An answer, as the transport hands it over (the tests' way to make one).
#[cfg(test)]
pub fn answered(value: Value) -> CallResult {
    Ok(std::sync::Arc::new(Json::new(value.to_string().into())))
}

/// Decodes one call's result into a wire type; `null` stays representable via `Option`.
pub fn decode<T: serde::de::DeserializeOwned>(result: &CallResult) -> Result<T, CallError> {
    let answer = result.as_ref().map_err(Clone::clone)?;
    serde_json::from_str(answer.text()).map_err(|e| CallError::Decode(e.to_string()))
}

/// What a REST GET answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetAnswer {
    Body(Vec<u8>),
    /// HTTP 404, with the start of the body (e.g. Esplora's "Transaction not found").
    NotFound(String),
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

/// The innermost cause of an error: the words that say what happened.
pub(super) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn snippets_are_short_and_on_one_line() {
        let html = format!("<html>\n<body>{}</body></html>", "x".repeat(500));
        let s = snippet(html.as_bytes());
        assert!(s.len() <= 200 && !s.contains('\n'), "{s}");
    }
}
