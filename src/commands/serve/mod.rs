//! `txdoctor serve`: the page for agents (`GET /`) and the HTTP API, on
//! axum. The API answers with exactly what the CLI prints — the same use
//! cases (`app::answer`, the batch engine, cases) on one shared client, so
//! two agents asking at once share requests and a chain's head and fees.
//! Every request passes the guard (`guard.rs`): the token, the per-client
//! rate limit, the same-origin rule, the security headers and a log line.

mod api;
mod guard;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::{Report, store as memory_store};
use crate::chain::transport::{Options, RpcClient};
use crate::cli::ServeArgs;
use crate::exit::{self, UsageError};
use crate::memory::{Memory, Update};
use crate::settings::Settings;

/// The largest request body (a batch of query lines, a JSON list).
pub const MAX_BODY: usize = 1 << 20;
/// A token shorter than this is too easy to guess.
const MIN_TOKEN_CHARS: usize = 16;

/// What every request's handler shares.
pub struct Server {
    pub client: RpcClient,
    pub settings: Settings,
    /// The memory of pending transactions: read by every lookup (a
    /// snapshot), replaced whole when a lookup teaches it something.
    memory: Mutex<Arc<Memory>>,
    pub token: Option<String>,
    pub limiter: guard::Limiter,
    /// Bounds each lookup.
    pub timeout: Duration,
    /// The case store (`None`: neither --store, XDG_DATA_HOME nor HOME).
    pub store: Option<PathBuf>,
    /// Batches streaming at once (each runs up to `BATCH_LOOKUPS` lookups).
    pub batches: Arc<tokio::sync::Semaphore>,
    /// Single lookups under way at once, all clients together (memory stays bounded).
    pub lookups: Arc<tokio::sync::Semaphore>,
}

impl Server {
    pub fn memory(&self) -> Arc<Memory> {
        self.memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Teaches the memory what `reports` say, against the snapshot
    /// `seen` they were looked up with (only what batch would keep).
    pub fn learn<'a>(&self, seen: &Memory, reports: impl IntoIterator<Item = &'a Report>) {
        let updates: Vec<Update> = reports
            .into_iter()
            .filter_map(|r| match r {
                Report::Tx(t) => crate::app::batch::worth_remembering(t, seen),
                Report::Address(_) => None,
            })
            .collect();
        self.remember(&updates);
    }

    /// Teaches the memory what lookups saw (a failure is a warning).
    pub fn remember(&self, updates: &[Update]) {
        if updates.is_empty() {
            return;
        }
        let mut current = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = Memory::clone(&current);
        memory_store::save(&mut next, updates, &self.settings);
        *current = Arc::new(next);
    }
}

pub async fn run(args: &ServeArgs, settings: &Settings) -> Result<u8> {
    let addr: SocketAddr = args.listen.parse().map_err(|_| {
        UsageError::new(format!(
            "--listen {:?} is not an address and port",
            args.listen
        ))
        .hint("e.g. --listen 127.0.0.1:7878, or 0.0.0.0:7878 with --token-file")
    })?;
    let token = match &args.token_file {
        Some(path) => Some(read_token(path)?),
        None => None,
    };
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(UsageError::new(format!(
            "refusing to listen on {addr} without --token-file: anyone who can reach it could use it \
             (make one with `openssl rand -hex 32 > token`, or listen on 127.0.0.1)"
        ))
        .into());
    }
    let server = Arc::new(Server {
        client: RpcClient::with_options(settings.request_timeout, settings.log, Options::SERVE)?,
        settings: settings.clone(),
        memory: Mutex::new(Arc::new(memory_store::open_memory(settings))),
        token,
        limiter: guard::Limiter::new(args.client_rate),
        timeout: args.timeout,
        store: args
            .store
            .clone()
            .or_else(crate::app::cases::store::default_path),
        batches: Arc::new(tokio::sync::Semaphore::new(api::BATCHES_AT_ONCE)),
        lookups: Arc::new(tokio::sync::Semaphore::new(api::LOOKUPS_AT_ONCE as usize)),
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    settings.log.info(format_args!(
        "serving the page at http://{local}/ and the API at http://{local}/api/ ({}; Ctrl-C stops)",
        if server.token.is_some() {
            "every request but /healthz needs the token"
        } else {
            "no token: this machine only"
        }
    ));
    let app = router(server.clone());
    // On Ctrl-C or SIGTERM: no new connections; requests under way finish
    // (each lookup is bounded by --timeout), at most a little longer.
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        shutdown_signal().await;
        let _ = stopping.send(());
    };
    let serving = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop);
    let grace = args.timeout + Duration::from_secs(10);
    tokio::select! {
        r = serving => r.context("serving")?,
        () = async {
            if stopped.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => settings.log.warn(format_args!(
            "requests still under way {} s after the stop signal were cut off",
            grace.as_secs()
        )),
    }
    settings.log.info(format_args!("stopped"));
    Ok(exit::OK)
}

pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/app.css", get(page::style))
        .route("/favicon.ico", get(page::no_icon))
        .route("/healthz", get(api::healthz))
        .route("/api/check", get(api::check_one).post(api::check_many))
        .route("/api/batch", post(api::batch))
        .route("/api/chains", get(api::chains))
        .route("/api/strings", get(api::strings))
        .route("/api/cases", get(api::cases_list).post(api::cases_add))
        .route("/api/cases/check", post(api::cases_check))
        .route("/api/cases/{id}/close", post(api::cases_close))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            server.clone(),
            guard::guard,
        ))
        .with_state(server)
}

/// The token in `path`: its first line, trimmed; refused when too short.
fn read_token(path: &std::path::Path) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError::new(format!(
            "cannot read the token file {}: {e}",
            path.display()
        ))
    })?;
    let token = text.lines().next().unwrap_or_default().trim().to_string();
    if token.chars().count() < MIN_TOKEN_CHARS
        || token.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(UsageError::new(format!(
            "the token in {} is shorter than {MIN_TOKEN_CHARS} characters or holds spaces",
            path.display()
        ))
        .hint("make one with `openssl rand -hex 32 > token`")
        .into());
    }
    Ok(token)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
