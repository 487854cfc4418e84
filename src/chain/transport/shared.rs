//! Facts a batch asks again and again that do not depend on the
//! transaction — a chain's head, its prices, fee estimates, the mempool —
//! kept per endpoint for a block time (`Options::share_facts`, batch only).
//! Concurrent lookups asking the same thing wait for the one request in
//! flight. Failures are never kept; the map is bounded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::OnceCell;

use super::RpcClient;
use super::endpoint::Endpoint;
use super::error::{EndpointError, GetAnswer};

/// What a shared request answered: a JSON body or raw bytes.
#[derive(Debug, Clone)]
pub enum Kept {
    Json(serde_json::Value),
    Body(Vec<u8>),
}

type Slot = Arc<OnceCell<(Instant, Kept)>>;

/// The most distinct facts kept at once (a batch over many chains and
/// endpoints needs a handful per endpoint).
const MAX_KEPT: usize = 4096;

#[derive(Debug, Default)]
pub struct Shared {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Shared {
    /// The slot for `key`, a fresh one when the kept answer is older than `ttl`.
    fn slot(&self, key: &str, ttl: Duration) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slots.get(key)
            && s.get().is_none_or(|(at, _)| at.elapsed() < ttl)
        {
            return s.clone();
        }
        if slots.len() >= MAX_KEPT {
            slots.clear();
        }
        let s: Slot = Arc::new(OnceCell::new());
        slots.insert(key.to_string(), s.clone());
        s
    }

    /// The kept answer for `key` (younger than `ttl`), else `fetch`'s,
    /// kept when it succeeded. Concurrent callers share one fetch.
    pub async fn get_or_fetch<E>(
        &self,
        key: &str,
        ttl: Duration,
        fetch: impl std::future::Future<Output = Result<Kept, E>>,
    ) -> Result<Kept, E> {
        let slot = self.slot(key, ttl);
        slot.get_or_try_init(|| async { fetch.await.map(|k| (Instant::now(), k)) })
            .await
            .map(|(_, k)| k.clone())
    }

    /// Forgets `key` (a kept head older than what a transaction shows).
    pub fn forget(&self, key: &str) {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// The facts-sharing side of the client: what a batch asks of an endpoint
/// that is not the transaction's, through the kept answers above.
impl RpcClient {
    /// `post`, shared across lookups for `ttl` when the options say so (a
    /// head, prices): one request per endpoint and block time, not per lookup.
    pub async fn post_shared(
        &self,
        endpoint: &Endpoint,
        path: &'static str,
        body: &Value,
        ttl: Duration,
    ) -> Result<Value, EndpointError> {
        if !self.options.share_facts {
            return self.post(endpoint, path, body).await;
        }
        let key = post_key(endpoint, path, body);
        let kept = self
            .shared
            .kept
            .get_or_fetch(&key, ttl, async {
                self.post(endpoint, path, body).await.map(Kept::Json)
            })
            .await?;
        match kept {
            Kept::Json(v) => Ok(v),
            Kept::Body(_) => Err(EndpointError::Transport(
                "kept answer of another kind".into(),
            )),
        }
    }

    /// `get`, shared likewise (Esplora's tip, fee estimates, mempool).
    pub async fn get_shared(
        &self,
        endpoint: &Endpoint,
        path: &str,
        ttl: Duration,
    ) -> Result<GetAnswer, EndpointError> {
        if !self.options.share_facts {
            return self.get(endpoint, path).await;
        }
        let key = get_key(endpoint, path);
        let fetch = async {
            match self.get(endpoint, path).await? {
                GetAnswer::Body(b) => Ok(Kept::Body(b)),
                // A 404 is an answer, but not one worth keeping.
                GetAnswer::NotFound(t) => Err(EndpointError::Http {
                    status: 404,
                    snippet: t,
                }),
            }
        };
        match self.shared.kept.get_or_fetch(&key, ttl, fetch).await {
            Ok(Kept::Body(b)) => Ok(GetAnswer::Body(b)),
            Ok(Kept::Json(_)) => Err(EndpointError::Transport(
                "kept answer of another kind".into(),
            )),
            Err(EndpointError::Http {
                status: 404,
                snippet,
            }) => Ok(GetAnswer::NotFound(snippet)),
            Err(e) => Err(e),
        }
    }

    /// Forgets a kept `post_shared` answer (a head older than a
    /// transaction's block is asked again).
    pub fn forget_post(&self, endpoint: &Endpoint, path: &str, body: &Value) {
        self.shared.kept.forget(&post_key(endpoint, path, body));
    }

    /// Forgets a kept `get_shared` answer.
    pub fn forget_get(&self, endpoint: &Endpoint, path: &str) {
        self.shared.kept.forget(&get_key(endpoint, path));
    }
}

/// What a kept answer is kept under.
fn post_key(endpoint: &Endpoint, path: &str, body: &Value) -> String {
    format!("POST {}{path} {body}", endpoint.url)
}

fn get_key(endpoint: &Endpoint, path: &str) -> String {
    format!("GET {}{path}", endpoint.url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_askers_share_one_fetch_and_failures_are_not_kept() {
        let shared = Shared::default();
        let calls = AtomicUsize::new(0);
        let fetch = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, ()>(Kept::Json(serde_json::json!(7)))
        };
        let ttl = Duration::from_secs(60);
        let (a, b) = tokio::join!(
            shared.get_or_fetch("head", ttl, fetch()),
            shared.get_or_fetch("head", ttl, fetch())
        );
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let failed = shared
            .get_or_fetch("fees", ttl, async { Err::<Kept, _>("down") })
            .await;
        assert!(failed.is_err());
        let again = shared
            .get_or_fetch("fees", ttl, async {
                Ok::<_, &str>(Kept::Json(serde_json::json!(1)))
            })
            .await;
        assert!(again.is_ok(), "a failure was kept");
        // Past its time, a kept answer is asked again.
        let _ = shared.get_or_fetch("x", Duration::ZERO, fetch()).await;
        let _ = shared.get_or_fetch("x", Duration::ZERO, fetch()).await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
