//! JSON-RPC 2.0 on the wire: a batch's request body, its answer matched
//! to the calls by id (not by order; a missing id fails that call alone, an
//! id answered twice makes the answer inconsistent), and the answers of a
//! batch sent in parts merged back.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::{CallError, CallResult, EndpointError, Json, snippet};

/// One JSON-RPC call of a batch, its parameters written out as JSON once:
/// a call is cloned into a shared request, compared with the calls already
/// there, and written into the body — all without serialising it again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Call {
    pub method: &'static str,
    params: Arc<str>,
}

impl Call {
    /// A call of `method` with `params` (a JSON array: a `json!` value, or
    /// any list that serialises as one).
    pub fn new(method: &'static str, params: impl Serialize) -> Self {
        // Lists of JSON values always serialise (their keys are strings);
        // should one not, the call still goes out well-formed, and the
        // endpoint's refusal of its parameters comes back as its answer.
        let text = serde_json::to_string(&params).unwrap_or_else(|_| "[]".into());
        Call {
            method,
            params: text.into(),
        }
    }

    /// The parameters as JSON text.
    #[cfg(test)]
    pub fn params(&self) -> &str {
        &self.params
    }

    /// The parameters read back, for the rare call whose list is merged
    /// with others' (`coalesce`).
    pub(super) fn params_list(&self) -> Option<Vec<Value>> {
        serde_json::from_str(&self.params).ok()
    }
}

/// The answers to a batch sent in parts (`(calls, answer)` in order), as one:
/// the endpoint fails as a whole only when every part failed as a whole;
/// otherwise the calls of a failed part fail alone.
pub(super) fn merge_parts(
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

/// The methods of a batch for the log: in full when short, else counted.
pub(super) fn method_list(calls: &[Call]) -> String {
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

/// One call on the wire, numbered `id`: written out by hand around the
/// call's own text (the method is one of ours, a plain name).
fn write_request(out: &mut Vec<u8>, id: usize, call: &Call) {
    use std::io::Write;
    out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    let _ = write!(out, "{id}");
    out.extend_from_slice(br#","method":"#);
    // Escaped all the same: the body must stay JSON whatever a name holds.
    let _ = serde_json::to_writer(&mut *out, call.method);
    out.extend_from_slice(br#","params":"#);
    out.extend_from_slice(call.params.as_bytes());
    out.push(b'}');
}

/// A batch's request body: the calls, numbered from 1.
pub(super) fn batch_body(calls: &[Call]) -> Vec<u8> {
    let size: usize = calls.iter().map(|c| c.params.len() + 64).sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'[');
    for (i, call) in calls.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_request(&mut out, i + 1, call);
    }
    out.push(b']');
    out
}

/// One call alone (id 1), for an endpoint that refuses batches.
pub(super) fn single_body(call: &Call) -> Vec<u8> {
    let mut out = Vec::with_capacity(call.params.len() + 64);
    write_request(&mut out, 1, call);
    out
}

/// One response of a batch, read without building its result: the id, the
/// result's text (`Some` whenever the key is there, `null` included) and
/// the error.
#[derive(Deserialize)]
struct Response<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default, borrow, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<Value>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Pairs the batch responses in `body` with calls 1..=n by id.
pub(super) fn match_by_id(body: &[u8], n: usize) -> Result<Vec<CallResult>, EndpointError> {
    let undecodable = |detail: String| EndpointError::Undecodable {
        detail,
        snippet: snippet(body),
    };
    // Each item read as a response, or None when it is not one.
    let items: Vec<Option<Response>> = match body.iter().find(|b| !b.is_ascii_whitespace()) {
        // Read in one pass when every item is a response (an honest
        // endpoint's answer); otherwise item by item, the odd ones left out.
        Some(b'[') => match serde_json::from_slice::<Vec<Response>>(body) {
            Ok(all) => all.into_iter().map(Some).collect(),
            Err(_) => serde_json::from_slice::<Vec<&RawValue>>(body)
                .map_err(|e| undecodable(e.to_string()))?
                .into_iter()
                .map(|item| serde_json::from_str::<Response>(item.get()).ok())
                .collect(),
        },
        // A lone object: either the endpoint's refusal of the whole batch, or
        // (for a batch of one) a server that unwraps single-call batches.
        Some(b'{') => {
            let one: &RawValue =
                serde_json::from_slice(body).map_err(|e| undecodable(e.to_string()))?;
            let read: Option<Response> = serde_json::from_str(one.get()).ok();
            let id = read.as_ref().and_then(|r| r.id.as_ref()).and_then(id_of);
            if n == 1 && id == Some(1) {
                vec![read]
            } else {
                let msg = read
                    .as_ref()
                    .and_then(|r| r.error.as_ref())
                    .and_then(|e| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("a single object instead of a batch answer");
                return Err(EndpointError::BatchRefused(msg.to_string()));
            }
        }
        _ => {
            let read = serde_json::from_slice::<serde::de::IgnoredAny>(body);
            return Err(undecodable(read.err().map_or_else(
                || "expected a JSON array".to_string(),
                |e| e.to_string(),
            )));
        }
    };
    let mut out: Vec<CallResult> = vec![Err(CallError::Missing); n];
    let mut seen = vec![false; n];
    for item in items {
        // Not a response (or one that names a key twice): no call's answer.
        let Some(response) = item else {
            continue;
        };
        let Some(id) = response.id.as_ref().and_then(id_of) else {
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
        out[i] = response_of(response);
    }
    Ok(out)
}

fn id_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn response_of(response: Response) -> CallResult {
    if let Some(err) = response.error.filter(|e| !e.is_null()) {
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
    match response.result {
        Some(raw) => Ok(std::sync::Arc::new(Json::from(raw))),
        None => Err(CallError::Decode(
            "a response with neither result nor error".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    use crate::chain::transport::answered as ok;

    #[test]
    fn request_bodies_are_json_rpc_numbered_from_one_with_each_calls_params() {
        let calls = [
            Call::new("eth_chainId", json!([])),
            Call::new("eth_getTransactionByHash", ["0xab\"c"]),
            Call::new("odd\"name", json!([{"k": [1, 2.5, null]}])),
        ];
        let body: Value = serde_json::from_slice(&batch_body(&calls)).unwrap();
        assert_eq!(
            body,
            json!([
                {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
                {"jsonrpc": "2.0", "id": 2, "method": "eth_getTransactionByHash", "params": ["0xab\"c"]},
                {"jsonrpc": "2.0", "id": 3, "method": "odd\"name", "params": [{"k": [1, 2.5, null]}]},
            ])
        );
        let mut one: Value = serde_json::from_slice(&single_body(&calls[1])).unwrap();
        assert_eq!(one["id"], 1, "a call alone is call 1");
        one["id"] = json!(2);
        assert_eq!(one, body[1]);
        // Equal calls are one call, whatever built their parameters.
        assert_eq!(
            calls[1],
            Call::new("eth_getTransactionByHash", json!(["0xab\"c"]))
        );
        assert_eq!(calls[0].params(), "[]");
    }

    #[test]
    fn batch_answers_are_matched_by_id_not_order() {
        let answer = json!([
            {"jsonrpc": "2.0", "id": 3, "result": "0x3"},
            {"jsonrpc": "2.0", "id": "1", "result": null},
            {"jsonrpc": "2.0", "id": 9, "result": "stray"},
        ]);
        let out = match_by_id(answer.to_string().as_bytes(), 3).unwrap();
        assert_eq!(out[0], ok(Value::Null));
        assert_eq!(out[1], Err(CallError::Missing));
        assert_eq!(out[2], ok(json!("0x3")));
    }

    #[test]
    fn answers_are_kept_as_written_and_odd_items_answer_nothing() {
        // Spaces inside a result stay (it is read, not rebuilt); an item that
        // is not a response, or names `result` twice, answers no call.
        let body = br#"[ {"jsonrpc":"2.0","id":1,"result": { "blockNumber" : "0x1" } },
            42, {"id":2,"result":"0x1","result":"0x2"}, {"id":3,"error":null,"result":null} ]"#;
        let out = match_by_id(body, 3).unwrap();
        let first = out[0].as_ref().unwrap();
        assert_eq!(first.text(), r#"{ "blockNumber" : "0x1" }"#);
        assert_eq!(
            serde_json::from_str::<Value>(first.text()).unwrap(),
            json!({"blockNumber": "0x1"})
        );
        assert_eq!(out[1], Err(CallError::Missing));
        assert_eq!(out[2], ok(Value::Null));
        assert!(matches!(
            match_by_id(b"[{\"id\":1,", 1),
            Err(EndpointError::Undecodable { .. })
        ));
    }

    #[test]
    fn issue_18_a_call_answered_twice_makes_the_batch_inconsistent() {
        let answer = json!([
            {"jsonrpc": "2.0", "id": 1, "result": "0x1"},
            {"jsonrpc": "2.0", "id": 1, "result": "0x2"},
        ]);
        assert!(matches!(
            match_by_id(answer.to_string().as_bytes(), 2),
            Err(EndpointError::Inconsistent(m)) if m.contains("id 1")
        ));
    }

    #[test]
    fn call_errors_keep_code_message_and_data() {
        let answer = json!([{"jsonrpc": "2.0", "id": 1, "error": {"code": 3, "message": "execution reverted", "data": "0x08c379a0"}}]);
        match &match_by_id(answer.to_string().as_bytes(), 1).unwrap()[0] {
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
            match_by_id(answer.to_string().as_bytes(), 5),
            Err(EndpointError::BatchRefused(
                "batch requests are not supported".into()
            ))
        );
        let single = json!({"jsonrpc": "2.0", "id": 1, "result": "0x1"});
        assert_eq!(
            match_by_id(single.to_string().as_bytes(), 1).unwrap(),
            vec![ok(json!("0x1"))]
        );
        assert!(matches!(
            match_by_id(br#""hello""#, 1),
            Err(EndpointError::Undecodable { .. })
        ));
    }

    #[test]
    fn a_batch_in_parts_fails_only_when_every_part_failed() {
        let down = || Err(EndpointError::Connect("refused".into()));
        let merged = merge_parts([(1, Ok(vec![ok(json!(1))])), (2, down())]).unwrap();
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0], ok(json!(1)));
        assert!(matches!(&merged[2], Err(CallError::Decode(m)) if m.contains("refused")));
        assert_eq!(
            merge_parts([(1, down()), (2, down())]),
            Err(EndpointError::Connect("refused".into()))
        );
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
}
