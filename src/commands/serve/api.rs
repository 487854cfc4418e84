//! The API's handlers: each turns a request into a use case of `app` and
//! answers with the object the CLI prints for it. A query that is not a
//! hash, address or link is 400 `{"error"}`; a transaction's status is in
//! the body, never in the HTTP code.

use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Server;
use crate::app::batch::{self as engine, Work};
use crate::app::cases::{self, store::Store};
use crate::app::{self, Ask, Report};
use crate::chain::AddressScope;
use crate::cli::BatchFormat;
use crate::diagnose::address::Expect;
use crate::exit::{self, UsageError};
use crate::memory::{self, Update};
use crate::query;
use crate::render::Lang;

/// Batches streaming at once; another waits its turn with a 429.
pub const BATCHES_AT_ONCE: usize = 4;
/// Lookups of `/api/check` and `/api/cases` under way at once, all clients
/// together; beyond, 429.
pub const LOOKUPS_AT_ONCE: u32 = 1024;
/// Lookups one batch runs at once.
const BATCH_LOOKUPS: usize = 100;
/// Queries one `POST /api/check` may hold (more: `POST /api/batch`).
const MAX_QUERIES: usize = 100;
/// Queries of one `POST /api/check` looked up at once.
const CHECK_LOOKUPS: usize = 8;

/// An answer that is not the object asked for.
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    fn bad(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

/// `n` places among the lookups under way, or a 429 (the server is busy).
fn places(server: &Server, n: u32) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    server
        .lookups
        .clone()
        .try_acquire_many_owned(n)
        .map_err(|_| ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: "the server is busy with other lookups: try again in a second".into(),
        })
}

/// A usage problem (a query, a language, a ticket already open) is the
/// client's (400); anything else is the server's (500), said in words.
impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        let status = if exit::for_error(&e) == exit::USAGE {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        let mut message = format!("{e:#}");
        if let Some(hint) = e
            .downcast_ref::<UsageError>()
            .and_then(|u| u.hint.as_deref())
        {
            message.push_str(&format!(" ({hint})"));
        }
        ApiError { status, message }
    }
}

/// `{"error": message}` with `status`.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page or route")
}

fn lang_of(server: &Server, code: Option<&str>) -> Result<Lang, ApiError> {
    match code {
        None | Some("") => Ok(server.settings.lang),
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            let known: Vec<&str> = Lang::all().map(Lang::code).collect();
            ApiError::bad(format!("no language {code:?}: one of {}", known.join(", ")))
        }),
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckParams {
    q: Option<String>,
    lang: Option<String>,
    chain: Option<String>,
    expect: Option<String>,
    token: Option<String>,
    from: Option<String>,
    memo: Option<String>,
}

/// `GET /api/check?q=QUERY[&lang=CODE][&chain=ID]` (and `expect`, `token`,
/// `from`, `memo` for an address, as `check --expect`).
pub async fn check_one(
    State(server): State<Arc<Server>>,
    Query(p): Query<CheckParams>,
) -> Result<Json<Value>, ApiError> {
    let lang = lang_of(&server, p.lang.as_deref())?;
    let text =
        p.q.as_deref()
            .filter(|q| !q.trim().is_empty())
            .ok_or_else(|| ApiError::bad("give the hash, address or link as ?q="))?;
    let expect = app::expectation(
        p.expect.as_deref(),
        p.token.as_deref(),
        p.from.as_deref(),
        p.memo.as_deref(),
    )
    .map_err(anyhow::Error::from)?;
    let q = parse(&server, text, p.chain.as_deref(), expect.as_ref())?;
    let _place = places(&server, 1)?;
    let report = look_up(&server, &q, expect.as_ref()).await;
    Ok(Json(app::report_json(&report, lang, &server.settings)))
}

#[derive(Debug, Deserialize)]
pub struct CheckMany {
    queries: Vec<String>,
    lang: Option<String>,
    chain: Option<String>,
}

/// `POST /api/check {"queries": [...], "lang": ...}`: the objects in order.
pub async fn check_many(
    State(server): State<Arc<Server>>,
    Json(body): Json<CheckMany>,
) -> Result<Json<Value>, ApiError> {
    let lang = lang_of(&server, body.lang.as_deref())?;
    if body.queries.is_empty() || body.queries.len() > MAX_QUERIES {
        return Err(ApiError::bad(format!(
            "give 1 to {MAX_QUERIES} queries (more: POST /api/batch, one per line)"
        )));
    }
    let queries = body
        .queries
        .iter()
        .enumerate()
        .map(|(i, text)| {
            parse(&server, text, body.chain.as_deref(), None).map_err(|mut e| {
                e.message = format!("query {}: {}", i + 1, e.message);
                e
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let _places = places(&server, queries.len() as u32)?;
    let reports: Vec<Value> = stream::iter(queries)
        .map(|q| {
            let server = server.clone();
            async move {
                let report = look_up(&server, &q, None).await;
                app::report_json(&report, lang, &server.settings)
            }
        })
        .buffered(CHECK_LOOKUPS)
        .collect()
        .await;
    Ok(Json(Value::Array(reports)))
}

fn parse(
    server: &Server,
    text: &str,
    chain: Option<&str>,
    expect: Option<&Expect>,
) -> Result<query::Query, ApiError> {
    let q = query::parse(text, &server.settings.config, chain)
        .map_err(|e| ApiError::bad(e.to_string()))?;
    if expect.is_some() && !app::lookup::takes_expect(&q, &server.settings) {
        return Err(ApiError::bad(
            "an expected amount is looked for at an address, but the query is a transaction",
        ));
    }
    Ok(q)
}

/// One lookup as `check` does it, bounded by the server's timeout; the
/// memory learns what it saw.
async fn look_up(server: &Server, q: &query::Query, expect: Option<&Expect>) -> Report {
    let memory = server.memory();
    let scope = AddressScope {
        since_secs: app::DEFAULT_ADDRESS_WINDOW.as_secs(),
        now: memory::unix_now(),
        sender: expect.and_then(|e| e.from.clone()),
    };
    let ask = Ask {
        expect,
        scope: &scope,
        memory: &memory,
        timeout: Some(server.timeout),
        poisoning_check: true,
    };
    let report = Box::pin(app::answer(&server.client, &server.settings, q, ask)).await;
    server.learn(&memory, [&report]);
    report
}

#[derive(Debug, Deserialize)]
pub struct BatchParams {
    lang: Option<String>,
    chain: Option<String>,
}

/// `POST /api/batch` (body: query lines): NDJSON, each record as soon as
/// its turn comes, exactly as `batch` writes them. A client that goes away
/// stops its lookups (the stream is dropped, and its tasks with it).
pub async fn batch(
    State(server): State<Arc<Server>>,
    Query(p): Query<BatchParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&server, p.lang.as_deref())?;
    if let Some(chain) = &p.chain
        && server.settings.config.chain(chain).is_none()
    {
        return Err(ApiError::bad(
            query::QueryError::UnknownChain(chain.clone()).to_string(),
        ));
    }
    let Ok(permit) = server.batches.clone().try_acquire_owned() else {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            "other batches are running: try again in a few seconds",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return Ok(r);
    };
    let lines: Vec<_> = engine::query_lines(&body[..])
        .map(|l| l.map_err(|(n, e)| format!("reading line {n}: {e}")))
        .collect();
    let mut settings = server.settings.clone();
    settings.lang = lang;
    let work = Arc::new(Work {
        client: server.client.clone(),
        settings,
        memory: memory::Memory::clone(&server.memory()),
        scope: AddressScope {
            since_secs: app::DEFAULT_ADDRESS_WINDOW.as_secs(),
            now: memory::unix_now(),
            sender: None,
        },
        chain: p.chain,
        timeout: Some(server.timeout),
        poisoning_check: false,
        format: BatchFormat::Ndjson,
        fail_on: Vec::new(),
    });
    let updates = Arc::new(std::sync::Mutex::new(Vec::<Update>::new()));
    let seen = updates.clone();
    let records = engine::records(work, stream::iter(lines), BATCH_LOOKUPS).map(move |r| {
        let text = match r {
            Ok(done) => {
                if let Some(u) = done.update {
                    seen.lock().unwrap_or_else(|e| e.into_inner()).push(u);
                }
                done.text
            }
            Err(e) => format!("{}\n", json!({ "error": e })),
        };
        Ok::<_, std::convert::Infallible>(Bytes::from(text))
    });
    // After the last record: the memory learns, and the batch's place is free.
    let end = stream::once(async move {
        let updates = std::mem::take(&mut *updates.lock().unwrap_or_else(|e| e.into_inner()));
        server.remember(&updates);
        drop(permit);
        Ok(Bytes::new())
    });
    let mut response = Body::from_stream(records.chain(end)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson; charset=utf-8"),
    );
    Ok(response)
}

/// `GET /api/chains`: what `chains --json` prints (not probed).
pub async fn chains(State(server): State<Arc<Server>>) -> Json<Value> {
    let chains = &server.settings.config.chains;
    let unprobed: Vec<Vec<_>> = chains
        .iter()
        .map(|c| vec![None; c.rpc.len() + c.history.len()])
        .collect();
    Json(crate::render::chains::json_list(chains, &unprobed))
}

#[derive(Debug, Deserialize)]
pub struct LangParam {
    lang: Option<String>,
}

/// `GET /api/strings?lang=CODE`: the page's words, from the locale files.
pub async fn strings(
    State(server): State<Arc<Server>>,
    Query(p): Query<LangParam>,
) -> Result<Json<Value>, ApiError> {
    let lang = lang_of(&server, p.lang.as_deref())?;
    Ok(Json(super::page::strings(lang)))
}

fn store_path(server: &Server) -> Result<&std::path::Path, ApiError> {
    server.store.as_deref().ok_or_else(|| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: "no place for the case store: start serve with --store FILE".into(),
    })
}

#[derive(Debug, Deserialize)]
pub struct CasesParams {
    all: Option<bool>,
}

/// `GET /api/cases[?all=true]`: the open cases (or all), as `case list --json`.
pub async fn cases_list(
    State(server): State<Arc<Server>>,
    Query(p): Query<CasesParams>,
) -> Result<Json<Value>, ApiError> {
    let store = Store::open(store_path(&server)?).map_err(anyhow::Error::from)?;
    let list = store
        .list(p.all.unwrap_or(false))
        .map_err(anyhow::Error::from)?;
    Ok(Json(Value::Array(
        list.iter().map(cases::case_json).collect(),
    )))
}

#[derive(Debug, Deserialize)]
pub struct NewCase {
    query: String,
    ticket: Option<String>,
    lang: Option<String>,
    note: Option<String>,
    chain: Option<String>,
    expect: Option<String>,
    token: Option<String>,
    from: Option<String>,
    memo: Option<String>,
    #[serde(default)]
    again: bool,
}

/// `POST /api/cases {"query", "ticket", "lang", "note"}`: looked up now and
/// stored, as `case add --json`.
pub async fn cases_add(
    State(server): State<Arc<Server>>,
    Json(body): Json<NewCase>,
) -> Result<Json<Value>, ApiError> {
    let lang = lang_of(&server, body.lang.as_deref())?;
    let expect = app::expectation(
        body.expect.as_deref(),
        body.token.as_deref(),
        body.from.as_deref(),
        body.memo.as_deref(),
    )
    .map_err(anyhow::Error::from)?;
    let opening = cases::Opening {
        query: body.query,
        ticket: body.ticket.filter(|t| !t.trim().is_empty()),
        note: body.note.filter(|n| !n.trim().is_empty()),
        lang,
        chain: body.chain.filter(|c| !c.is_empty()),
        expect,
        since: None,
        again: body.again,
        timeout: server.timeout,
    };
    let _place = places(&server, 1)?;
    let memory = server.memory();
    let opened = cases::open(
        &server.client,
        &server.settings,
        &memory,
        store_path(&server)?,
        &opening,
    )
    .await?;
    server.learn(&memory, [&opened.report]);
    Ok(Json(cases::case_json(&opened.case)))
}

/// `POST /api/cases/{id}/close`: the case object, closed.
pub async fn cases_close(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id: i64 = id
        .trim_start_matches('#')
        .parse()
        .map_err(|_| ApiError::bad("a case number, e.g. /api/cases/7/close"))?;
    let mut store = Store::open(store_path(&server)?).map_err(anyhow::Error::from)?;
    if store.get(id).map_err(anyhow::Error::from)?.is_none() {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no case {id}"),
        });
    }
    store
        .close(id, i64::try_from(memory::unix_now()).unwrap_or(i64::MAX))
        .map_err(anyhow::Error::from)?;
    let case = store.get(id).map_err(anyhow::Error::from)?;
    Ok(Json(case.as_ref().map_or(Value::Null, cases::case_json)))
}

/// `POST /api/cases/check`: every open case looked up again (the batch
/// engine); the cases that changed, as `case check --json` prints them.
pub async fn cases_check(State(server): State<Arc<Server>>) -> Result<Json<Value>, ApiError> {
    let memory = server.memory();
    let run = cases::check_open(
        &server.client,
        &server.settings,
        &memory,
        store_path(&server)?,
        BATCH_LOOKUPS,
        Some(server.timeout),
    )
    .await?;
    server.learn(&memory, run.checked.iter().map(|c| &c.report));
    Ok(Json(Value::Array(
        run.checked
            .iter()
            .filter(|c| c.news)
            .map(|c| cases::case_json(&c.case))
            .collect(),
    )))
}
