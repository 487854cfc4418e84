//! The page, served from the binary itself: one HTML file, its script and
//! its styles (no inline script or style, nothing from another host), and
//! its words from the locale files (`GET /api/strings`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::render::Lang;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// The locale messages the page shows: its own (`page_*`) and the labels
/// the CLI's table uses.
pub const STRINGS: &[&str] = &[
    "page_title",
    "page_intro",
    "page_paste_label",
    "page_paste_hint",
    "page_check",
    "page_language",
    "page_working",
    "page_copy",
    "page_copied",
    "page_download_csv",
    "page_reply",
    "page_warnings",
    "page_skipped",
    "page_refused",
    "page_error",
    "page_results",
    "page_show",
    "page_amount",
    "page_time_to_final",
    "page_status_pending",
    "page_status_confirmed",
    "page_status_finalized",
    "page_status_failed",
    "page_status_replaced",
    "page_status_dropped",
    "page_status_not_found",
    "page_status_unknown",
    "page_status_address",
    "page_cases",
    "page_cases_none",
    "page_check_again",
    "page_open_case",
    "page_ticket",
    "label_chain",
    "label_hash",
    "label_status",
    "label_confirmations",
    "label_fee",
    "label_recipient",
    "label_explorer",
    "label_next_step",
    "label_failure",
    "label_from",
    "label_to",
    "label_value",
    "label_tokens",
];

/// The page's words in `lang` (English where a file lacks one).
pub fn strings(lang: Lang) -> Value {
    let mut words = Map::new();
    for id in STRINGS {
        words.insert((*id).to_string(), Value::String(lang.t(id, &[])));
    }
    words.insert("lang".into(), Value::String(lang.code().into()));
    Value::Object(words)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

pub async fn index() -> Response {
    asset(INDEX, "text/html; charset=utf-8")
}

pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

/// No icon (and no 404 for the browser to report).
pub async fn no_icon() -> StatusCode {
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_word_exists_in_every_language_and_the_page_has_no_inline_script() {
        for lang in Lang::all() {
            let words = strings(lang);
            for id in STRINGS {
                assert!(
                    words[*id].as_str().is_some_and(|w| !w.is_empty()),
                    "{id} in {}",
                    lang.code()
                );
            }
        }
        // CSP allows scripts and styles from this origin only.
        assert!(!INDEX.contains("<script>") && !INDEX.contains(" style="));
        assert!(INDEX.contains(r#"<script src="/app.js" defer></script>"#));
        assert!(
            !SCRIPT.contains("innerHTML"),
            "chain text is set as text, never as HTML"
        );
    }
}
