//! How txdoctor talks to endpoints, one concern a file: `endpoint` (the
//! URL, its redacted form, its secrets and pace), `error` (typed failures),
//! `jsonrpc` (batches matched by id), `client` (HTTP: requests, pacing,
//! rate limits, no redirects), `rest` (its POST and GETs), `throttle` (the sliding-window pace),
//! `throttled` (the client's side of it: turns, judgements, stalls) and
//! `coalesce` (concurrent lookups sharing one request), `options` (how a
//! client treats rate limits and concurrent lookups). Family quirks live
//! with their family (TronGrid's 403 penalty, TRON's `{"Error"}` with
//! HTTP 200: `chain::tron`).

mod client;
mod coalesce;
mod endpoint;
mod error;
mod jsonrpc;
mod options;
mod rest;
pub mod shared;
pub mod throttle;
mod throttled;

pub use crate::codec::url::redact_url;
pub use client::{Headers, MAX_RETRY_AFTER, RpcClient, Stats};
pub use endpoint::{Endpoint, RefusalRule};
#[cfg(test)]
pub use error::answered;
pub use error::{
    CallError, CallResult, EndpointError, GetAnswer, Json, MAX_BODY_BYTES, decode, snippet,
};
pub use jsonrpc::Call;
pub use options::{Hedge, Options};
pub use rest::RestAnswer;
