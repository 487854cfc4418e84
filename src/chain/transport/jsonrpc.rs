//! JSON-RPC 2.0 on the wire: a batch's request body, its answer matched
//! to the calls by id (not by order; a missing id fails that call alone, an
//! id answered twice makes the answer inconsistent), and the answers of a
//! batch sent in parts merged back.

use serde_json::{Value, json};

use super::error::{CallError, CallResult, EndpointError, snippet};

/// One JSON-RPC call of a batch.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: &'static str,
    pub params: Value,
}

impl Call {
    pub fn new(method: &'static str, params: Value) -> Self {
        Call { method, params }
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

pub(super) fn request(id: usize, call: &Call) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": call.method, "params": call.params})
}

/// Pairs batch responses with calls 1..=n by id.
pub(super) fn match_by_id(answer: Value, n: usize) -> Result<Vec<CallResult>, EndpointError> {
    let items = match answer {
        Value::Array(items) => items,
        // A lone object: either the endpoint's refusal of the whole batch, or
        // (for a batch of one) a server that unwraps single-call batches.
        Value::Object(obj) => {
            let id = obj.get("id").and_then(id_of);
            if n == 1 && id == Some(1) {
                vec![Value::Object(obj)]
            } else {
                let msg = obj
                    .get("error")
                    .and_then(|e| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("a single object instead of a batch answer");
                return Err(EndpointError::BatchRefused(msg.to_string()));
            }
        }
        other => {
            return Err(EndpointError::Undecodable {
                detail: "expected a JSON array".into(),
                snippet: snippet(other.to_string().as_bytes()),
            });
        }
    };
    let mut out: Vec<CallResult> = vec![Err(CallError::Missing); n];
    let mut seen = vec![false; n];
    for item in items {
        let Some(id) = item.get("id").and_then(id_of) else {
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
        out[i] = response_of(item);
    }
    Ok(out)
}

fn id_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn response_of(item: Value) -> CallResult {
    if let Some(err) = item.get("error").filter(|e| !e.is_null()) {
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
    match item {
        Value::Object(mut obj) if obj.contains_key("result") => Ok(std::sync::Arc::new(
            obj.remove("result").unwrap_or(Value::Null),
        )),
        _ => Err(CallError::Decode(
            "a response with neither result nor error".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer, as the transport hands it over.
    fn ok(v: serde_json::Value) -> crate::chain::transport::CallResult {
        Ok(std::sync::Arc::new(v))
    }

    #[test]
    fn batch_answers_are_matched_by_id_not_order() {
        let answer = json!([
            {"jsonrpc": "2.0", "id": 3, "result": "0x3"},
            {"jsonrpc": "2.0", "id": "1", "result": null},
            {"jsonrpc": "2.0", "id": 9, "result": "stray"},
        ]);
        let out = match_by_id(answer, 3).unwrap();
        assert_eq!(out[0], ok(Value::Null));
        assert_eq!(out[1], Err(CallError::Missing));
        assert_eq!(out[2], ok(json!("0x3")));
    }

    #[test]
    fn issue_18_a_call_answered_twice_makes_the_batch_inconsistent() {
        let answer = json!([
            {"jsonrpc": "2.0", "id": 1, "result": "0x1"},
            {"jsonrpc": "2.0", "id": 1, "result": "0x2"},
        ]);
        assert!(matches!(
            match_by_id(answer, 2),
            Err(EndpointError::Inconsistent(m)) if m.contains("id 1")
        ));
    }

    #[test]
    fn call_errors_keep_code_message_and_data() {
        let answer = json!([{"jsonrpc": "2.0", "id": 1, "error": {"code": 3, "message": "execution reverted", "data": "0x08c379a0"}}]);
        match &match_by_id(answer, 1).unwrap()[0] {
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
            match_by_id(answer, 5),
            Err(EndpointError::BatchRefused(
                "batch requests are not supported".into()
            ))
        );
        let single = json!({"jsonrpc": "2.0", "id": 1, "result": "0x1"});
        assert_eq!(match_by_id(single, 1).unwrap(), vec![ok(json!("0x1"))]);
        assert!(matches!(
            match_by_id(json!("hello"), 1),
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
