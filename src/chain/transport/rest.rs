//! The REST side of the client: a JSON POST (the TRON full-node API) and
//! GETs (Esplora, Aptos), paced, scrubbed and logged as batches are.

use serde_json::Value;

use super::RpcClient;
use super::client::Headers;
use super::endpoint::Endpoint;
use super::error::{EndpointError, GetAnswer, snippet};

impl RpcClient {
    /// One REST call: POST `body` as JSON to `path` under the endpoint's URL
    /// (the TRON full-node API), with the same failures as a batch.
    pub async fn post(
        &self,
        endpoint: &Endpoint,
        path: &'static str,
        body: &Value,
    ) -> Result<Value, EndpointError> {
        let url = format!("{}{path}", endpoint.url.trim_end_matches('/'));
        let started = std::time::Instant::now();
        let body = serde_json::to_vec(body).unwrap_or_default();
        let outcome = self
            .send_to(endpoint, &url, &body, 1)
            .await
            .and_then(|bytes| {
                serde_json::from_slice(&bytes).map_err(|e| EndpointError::Undecodable {
                    detail: e.to_string(),
                    snippet: snippet(&bytes),
                })
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

    /// One REST GET of `path` under the endpoint's URL (Esplora). A 404 is
    /// an answer, not a failure: the caller decides what it means.
    pub async fn get(&self, endpoint: &Endpoint, path: &str) -> Result<GetAnswer, EndpointError> {
        let a = self.rest(endpoint, path).await?;
        match a.status {
            200..=299 => Ok(GetAnswer::Body(a.body)),
            404 => Ok(GetAnswer::NotFound(endpoint.scrub(&snippet(&a.body)))),
            status => Err(EndpointError::Http {
                status,
                snippet: snippet(&a.body),
            }
            .scrubbed(endpoint)),
        }
    }

    /// One REST GET of `path` under the endpoint's URL with its status and
    /// the API's own headers (`X-Aptos-*`): an answer of any status is
    /// evidence the caller reads (Aptos's 404 names the missing thing and
    /// still carries the ledger's headers). Rate limits, redirects and
    /// transport faults stay failures.
    pub async fn rest(&self, endpoint: &Endpoint, path: &str) -> Result<RestAnswer, EndpointError> {
        let url = format!("{}{path}", endpoint.url.trim_end_matches('/'));
        let started = std::time::Instant::now();
        let http = self.http_for(&url).map_err(|e| e.scrubbed(endpoint))?;
        let outcome = self
            .paced(endpoint, 1, || {
                let mut request = http.get(&url);
                for (name, value) in &endpoint.headers {
                    request = request.header(name, value);
                }
                request
            })
            .await
            .map(|(status, body, headers)| RestAnswer {
                status,
                body,
                headers,
            })
            .map_err(|e| e.scrubbed(endpoint));
        let ms = started.elapsed().as_millis();
        match &outcome {
            Ok(a) => self.log.verbose(format_args!(
                "{} GET {path} answered in {ms} ms (HTTP {})",
                endpoint.shown, a.status
            )),
            Err(e) => self.log.verbose(format_args!(
                "{} GET {path} failed after {ms} ms: {e}",
                endpoint.shown
            )),
        }
        outcome
    }
}

/// What a REST GET answered, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestAnswer {
    pub status: u16,
    pub body: Vec<u8>,
    /// Lower-case names.
    pub headers: Headers,
}

impl RestAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
