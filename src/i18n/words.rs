//! Small pieces of wording every renderer and family shares: lists joined
//! with "and", durations people read, placeholder lists extended.

use super::Lang;

/// "A", "A and B", "A, B and C".
pub fn join(names: &[String], lang: Lang) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => {
            let first = init.join(&lang.t("list_separator", &[]));
            lang.t("list_and", &[("first", &first), ("last", last)])
        }
    }
}

/// "about 12 seconds" style durations, rounded to what a person cares about.
pub fn duration(secs: u64, lang: Lang) -> String {
    let (n, one, many) = match secs {
        0..=90 => (secs.max(1), "eta_one_second", "eta_seconds"),
        91..=5400 => (secs.div_ceil(60), "eta_one_minute", "eta_minutes"),
        _ => (secs.div_ceil(3600), "eta_one_hour", "eta_hours"),
    };
    if n == 1 {
        lang.t(one, &[])
    } else {
        lang.t(many, &[("n", &n.to_string())])
    }
}

/// The base placeholders plus some more.
pub fn with<'a>(
    base: &[(&'a str, &'a str)],
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    base.iter().chain(extra).copied().collect()
}

/// A status and its reason as a table shows them: "pending (nonce_gap)" in
/// English, "等待中（缺少更早的 nonce）" in Chinese. JSON keeps the codes.
pub fn status(lang: Lang, status: &str, reason: &str) -> String {
    lang.t(
        "value_status",
        &[
            ("status", &lang.t_or(&format!("status_{status}"), status)),
            ("reason", &lang.t_or(&format!("reason_{reason}"), reason)),
        ],
    )
}

/// A congestion level (`low`, `normal`, `high`, `extreme`) in the language.
pub fn level(lang: Lang, level: &str) -> String {
    lang.t_or(&format!("level_{level}"), level)
}
