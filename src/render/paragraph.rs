//! The paste-ready paragraph: what happened, the numbers that matter, what to
//! do next, and the explorer link, in the customer's language. Built only
//! from the report and the string table, so it is deterministic.

use super::i18n::Lang;
use super::waiting::{pending, resource_sentences, usdt_burn, utxo_pending};
use super::{sat_vb, token_amount, utc_time};
use crate::model::Family;
use crate::model::{Fate, Reason, Status, TokenTransfer, TxFacts, TxReport, Vanished};

/// How many token transfers a sentence lists before "and N more".
const LIST_MAX: usize = 3;

/// `chain_names` maps chain keys to display names (from the configuration).
pub fn paragraph(report: &TxReport, lang: Lang, chain_names: &dyn Fn(&str) -> String) -> String {
    let mut sentences = Vec::new();
    let chain = report.chain_name.clone().unwrap_or_default();
    match (&report.facts, &report.vanished) {
        (Some(facts), _) => found(report, facts, &chain, lang, &mut sentences),
        (None, Some(v)) => vanished(report, v, &chain, lang, &mut sentences),
        (None, None) => missing(report, lang, chain_names, &mut sentences),
    }
    warning_sentences(report, lang, chain_names, &mut sentences);
    if let Some(url) = &report.explorer_url {
        sentences.push(lang.t("explorer_link", &[("url", url)]));
    }
    join_sentences(&sentences)
}

/// Whether a token that moved is a fake (`diagnose::tokens`).
fn has_fake(facts: &TxFacts) -> bool {
    facts
        .token_transfers
        .iter()
        .any(|t| matches!(t.trust, crate::model::Trust::Fake { .. }))
}

/// What the customer must hear of the warnings: a fake token, the same id
/// on another chain.
fn warning_sentences(
    report: &TxReport,
    lang: Lang,
    chain_names: &dyn Fn(&str) -> String,
    out: &mut Vec<String>,
) {
    let chain = report.chain_name.clone().unwrap_or_default();
    for w in &report.warnings {
        match w.code {
            "fake_token" => {
                let symbol = crate::safe::text(w.symbol.as_deref().unwrap_or_default());
                out.push(lang.t(
                    "fake_token_warning",
                    &[
                        ("symbol", &symbol),
                        ("token", w.token.as_deref().unwrap_or_default()),
                        ("genuine", w.genuine.as_deref().unwrap_or_default()),
                        ("chain", &chain),
                    ],
                ));
            }
            "also_on" => {
                let keys = w.chains.clone().unwrap_or_default();
                out.push(lang.t(
                    "also_on",
                    &[
                        ("chains", &chain_list(&keys, lang, chain_names, false)),
                        ("chain", &chain),
                    ],
                ));
            }
            _ => {}
        }
    }
}

/// What an agent pastes: the paragraph, then on its own line the reminder
/// that support never asks for a recovery phrase or a private key.
pub fn with_reminder(paragraph: String, lang: Lang) -> String {
    format!("{paragraph}\n{}", lang.t("safety_reminder", &[]))
}

/// Sentences separated by a space, except after full-width punctuation
/// (Chinese and Japanese run sentences together).
pub fn join_sentences(sentences: &[String]) -> String {
    let mut out = String::new();
    for s in sentences {
        if !out.is_empty() && !out.ends_with(['。', '！', '？', '」', '）']) {
            out.push(' ');
        }
        out.push_str(s);
    }
    out
}

fn found(report: &TxReport, facts: &TxFacts, chain: &str, lang: Lang, out: &mut Vec<String>) {
    let what = what(facts, lang);
    let confirmations = report.confirmations.unwrap_or(0).to_string();
    let required = report.required_confirmations.unwrap_or(0).to_string();
    let eta = report
        .eta_seconds
        .map(|s| duration(s, lang))
        .unwrap_or_default();
    let base = [
        ("what", what.as_str()),
        ("chain", chain),
        ("confirmations", &confirmations),
        ("required", &required),
        ("eta", &eta),
    ];
    let fee = facts.fee.as_ref().map(|f| f.total.display());
    let unit = |n: u64| facts.value.like(n).display();
    let fee_sentence = |fee: String| match (&facts.utxo, &facts.solana) {
        (Some(u), _) => lang.t(
            "fee_paid_utxo",
            &[("fee", &fee), ("rate", &sat_vb(u.fee_rate))],
        ),
        (_, Some(s)) => lang.t(
            "fee_paid_solana",
            &[
                ("fee", &fee),
                ("base", &unit(s.base_fee)),
                ("priority", &unit(s.priority_fee)),
            ],
        ),
        _ => lang.t("fee_paid", &[("fee", &fee)]),
    };
    match report.status {
        Status::Finalized => {
            out.push(lang.t("finalized_included", &base));
            out.extend(fee.map(fee_sentence));
            resource_sentences(report, facts, lang, out);
            // A fake token will not be credited: the warning says what to do.
            if !has_fake(facts) {
                out.push(lang.t("next_finalized", &base));
            }
        }
        Status::Confirmed => {
            match &facts.solana {
                Some(s) => out.push(lang.t(
                    "confirmed_solana",
                    &with(&base, &[("commitment", &s.commitment)]),
                )),
                None => out.push(lang.t("confirmed_included", &base)),
            }
            out.extend(fee.map(fee_sentence));
            resource_sentences(report, facts, lang, out);
            if !has_fake(facts) {
                out.push(lang.t("next_confirmed", &base));
            }
        }
        Status::Failed => {
            // The chain's words, quoted: on one line, without our quote
            // marks, so they cannot pass for a sentence of the reply.
            let message = facts
                .failure
                .as_ref()
                .and_then(|f| f.message.as_deref())
                .map(|m| crate::safe::text(m).replace('"', "'"));
            let gas_limit = facts
                .fee
                .as_ref()
                .and_then(|f| f.gas_limit)
                .map(|g| g.to_string())
                .unwrap_or_default();
            let fee_limit = facts
                .fee
                .as_ref()
                .and_then(|f| f.resources.as_ref())
                .and_then(|r| r.fee_limit.as_ref())
                .map(|l| l.display())
                .unwrap_or_default();
            let id = match (report.reason, &message) {
                (Reason::OutOfGas, _) => "failed_out_of_gas",
                (Reason::OutOfEnergy, _) => "failed_out_of_energy",
                (Reason::InstructionError, Some(_)) => "failed_instruction_error",
                (Reason::InsufficientFunds, Some(_)) => "failed_insufficient_funds",
                (Reason::Reverted, Some(_)) => "failed_reverted",
                (Reason::Reverted, None) => "failed_reverted_silent",
                _ => "failed_other",
            };
            let message = message.unwrap_or_default();
            out.push(lang.t(
                id,
                &[
                    base[0],
                    base[1],
                    ("message", &message),
                    ("gas_limit", &gas_limit),
                    ("fee_limit", &fee_limit),
                ],
            ));
            out.extend(fee.map(|f| lang.t("fee_paid_failed", &[("fee", &f)])));
            resource_sentences(report, facts, lang, out);
            let next = match report.reason {
                Reason::OutOfGas => "next_failed_out_of_gas",
                Reason::OutOfEnergy => "next_failed_out_of_energy",
                Reason::InsufficientFunds => "next_failed_insufficient_funds",
                Reason::Reverted if !message.is_empty() => "next_failed",
                Reason::InstructionError => "next_failed",
                _ => "next_failed_unknown",
            };
            let burn = usdt_burn(report);
            out.push(lang.t(next, &with(&base, &[("usdt_burn", &burn)])));
        }
        Status::Dropped if report.reason == Reason::Expired => {
            let expired = facts
                .expires_at_ms
                .map(|ms| utc_time(ms / 1000))
                .unwrap_or_default();
            out.push(lang.t(
                "dropped_expired",
                &with(&base, &[("hash", &facts.hash), ("expired", &expired)]),
            ));
            out.push(lang.t("next_dropped_expired", &[]));
        }
        _ => match (&report.pending, &report.utxo_pending) {
            (Some(a), _) => pending(a, facts, &base, lang, out),
            (None, Some(a)) => utxo_pending(a, facts, &base, lang, out),
            (None, None) => {
                out.push(lang.t("pending_waiting", &base));
                out.push(lang.t("next_pending", &base));
            }
        },
    }
}

/// The base placeholders plus some more.
pub(super) fn with<'a>(
    base: &[(&'a str, &'a str)],
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    base.iter().chain(extra).copied().collect()
}

/// Seen pending by an earlier run and now unknown to the network.
fn vanished(report: &TxReport, v: &Vanished, chain: &str, lang: Lang, out: &mut Vec<String>) {
    let hash = report.hash.as_str();
    let nonce = v.seen.nonce.to_string();
    let first_seen = utc_time(v.seen.first_seen);
    let base = [
        ("hash", hash),
        ("chain", chain),
        ("nonce", nonce.as_str()),
        ("first_seen", first_seen.as_str()),
    ];
    match &v.fate {
        Fate::Replaced {
            by: Some(by),
            block,
            ..
        } => {
            let block = block.map(|b| b.to_string()).unwrap_or_default();
            let mut args = base.to_vec();
            args.extend([("by", by.as_str()), ("block", block.as_str())]);
            out.push(lang.t("replaced_mined", &args));
            let url = report.replacement_url.as_deref().unwrap_or(by);
            out.push(lang.t("next_replaced", &[("url", url)]));
        }
        Fate::Replaced { in_pool: true, .. } => {
            out.push(lang.t("replaced_in_pool", &base));
            out.push(lang.t("next_replaced_in_pool", &[]));
        }
        Fate::Replaced { .. } => {
            out.push(lang.t("replaced_unidentified", &base));
            out.push(lang.t("next_replaced_unidentified", &[]));
        }
        Fate::Dropped { .. } => {
            out.push(lang.t("dropped_dropped", &base));
            out.push(lang.t("next_dropped", &[("nonce", &nonce)]));
        }
        Fate::Unchecked { .. } => {
            out.push(lang.t("not_found_seen_before", &base));
            out.push(lang.t("next_unknown", &[]));
        }
    }
}

fn missing(
    report: &TxReport,
    lang: Lang,
    chain_names: &dyn Fn(&str) -> String,
    out: &mut Vec<String>,
) {
    let chains = chain_list(&report.searched, lang, chain_names, false);
    let hash = report.hash.as_str();
    match (report.status, report.reason) {
        (Status::Replaced, _) if report.respent.is_some() => {
            let Some(r) = &report.respent else { return };
            let chain = report.chain_name.clone().unwrap_or_default();
            let id = if r.mined {
                "replaced_rbf_mined"
            } else {
                "replaced_rbf_pending"
            };
            out.push(lang.t(id, &[("hash", hash), ("chain", &chain), ("by", &r.by)]));
            let url = report.replacement_url.as_deref().unwrap_or(&r.by);
            out.push(lang.t("next_replaced", &[("url", url)]));
        }
        (Status::NotFound, _) => {
            let any = chain_list(&report.searched, lang, chain_names, true);
            out.push(lang.t("not_found_not_found", &[("hash", hash), ("chains", &any)]));
            if report.family == Some(Family::Bitcoin) {
                out.push(lang.t("next_not_found_utxo", &[("chains", &chains)]));
            } else if report.family == Some(Family::Solana) {
                out.push(lang.t("next_not_found_solana", &[]));
                if let Some(p) = report
                    .congestion
                    .as_ref()
                    .and_then(|c| c.compute_unit_price)
                {
                    out.push(lang.t(
                        "solana_priority_advice",
                        &[
                            ("median", &p.median.to_string()),
                            ("p90", &p.p90.to_string()),
                        ],
                    ));
                }
            } else {
                out.push(lang.t("next_not_found", &[]));
            }
        }
        (_, Reason::ChainMismatch) => {
            out.push(lang.t(
                "unknown_chain_mismatch",
                &[("hash", hash), ("chains", &chains)],
            ));
            out.push(lang.t("next_unknown", &[]));
        }
        _ => {
            let unavailable = &report.unavailable;
            let answered: Vec<String> = report
                .searched
                .iter()
                .filter(|c| !unavailable.contains(c))
                .cloned()
                .collect();
            if answered.is_empty() || unavailable.is_empty() {
                out.push(lang.t(
                    "unknown_endpoints_unavailable",
                    &[("hash", hash), ("chains", &chains)],
                ));
            } else {
                let found_none = join(
                    &answered.iter().map(|c| chain_names(c)).collect::<Vec<_>>(),
                    lang,
                );
                let unavailable = join(
                    &unavailable
                        .iter()
                        .map(|c| chain_names(c))
                        .collect::<Vec<_>>(),
                    lang,
                );
                out.push(lang.t(
                    "unknown_partial",
                    &[
                        ("hash", hash),
                        ("found_none", &found_none),
                        ("unavailable", &unavailable),
                    ],
                ));
            }
            out.push(lang.t("next_unknown", &[]));
        }
    }
}

/// "transfer of 250 USDT to 0x…", or the best description the facts allow.
fn what(facts: &TxFacts, lang: Lang) -> String {
    let transfers: Vec<&TokenTransfer> = if facts.token_transfers.is_empty() {
        facts.intended_transfer.iter().collect()
    } else {
        facts.token_transfers.iter().collect()
    };
    match transfers.as_slice() {
        [one] => {
            return lang.t(
                "what_token",
                &[("amount", &token_amount(one, lang)), ("to", &one.to)],
            );
        }
        [] => {}
        many => {
            let mut items: Vec<String> = many
                .iter()
                .take(LIST_MAX)
                .map(|t| {
                    lang.t(
                        "what_token",
                        &[("amount", &token_amount(t, lang)), ("to", &t.to)],
                    )
                })
                .collect();
            if many.len() > LIST_MAX {
                items.push(lang.t(
                    "list_more",
                    &[("count", &(many.len() - LIST_MAX).to_string())],
                ));
            }
            return lang.t(
                "what_tokens",
                &[
                    ("count", &many.len().to_string()),
                    ("list", &items.join(&lang.t("list_separator", &[]))),
                ],
            );
        }
    }
    if facts.contract_created.is_some() {
        return lang.t("what_contract_creation", &[]);
    }
    if let Some(u) = &facts.utxo {
        let payments = u.outputs.iter().filter(|o| !o.change).count();
        // Only data outputs (OP_RETURN): the coins went to the fee.
        if !u.outputs.is_empty() && u.outputs.iter().all(|o| o.address.is_none()) {
            return lang.t("what_data_only", &[]);
        }
        if payments > 1 {
            return lang.t(
                "what_utxo_many",
                &[
                    ("amount", &facts.value.display()),
                    ("count", &payments.to_string()),
                ],
            );
        }
    }
    match &facts.to {
        Some(to) if !facts.value.raw.is_zero() => lang.t(
            "what_native",
            &[("amount", &facts.value.display()), ("to", to)],
        ),
        Some(to) => lang.t("what_call", &[("to", to)]),
        None => lang.t("what_plain", &[]),
    }
}

/// Chain names joined; with `any`, a long list reads "any of the N configured networks (…)".
fn chain_list(
    keys: &[String],
    lang: Lang,
    chain_names: &dyn Fn(&str) -> String,
    any: bool,
) -> String {
    let names: Vec<String> = keys.iter().map(|k| chain_names(k)).collect();
    if any && names.len() > 3 {
        return lang.t(
            "chains_configured",
            &[
                ("count", &names.len().to_string()),
                ("list", &names.join(&lang.t("list_separator", &[]))),
            ],
        );
    }
    join(&names, lang)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0, Lang::EN), "1 second");
        assert_eq!(duration(12, Lang::EN), "12 seconds");
        assert_eq!(duration(91, Lang::EN), "2 minutes");
        assert_eq!(duration(756, Lang::EN), "13 minutes");
        assert_eq!(duration(3600, Lang::EN), "60 minutes");
        assert_eq!(duration(7200, Lang::EN), "2 hours");
    }

    #[test]
    fn sentences_join_with_spaces_only_where_the_script_uses_them() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_sentences(&s(&["One.", "Two."])), "One. Two.");
        assert_eq!(join_sentences(&s(&["一。", "二。"])), "一。二。");
    }

    #[test]
    fn lists_join_with_and() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&s(&["A"]), Lang::EN), "A");
        assert_eq!(join(&s(&["A", "B", "C"]), Lang::EN), "A, B and C");
    }
}
