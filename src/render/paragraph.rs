//! The paste-ready paragraph: what happened, the numbers that matter, what to
//! do next, and the explorer link, in the customer's language. Built only
//! from the report and the string table, so it is deterministic.

use super::i18n::Lang;
use super::{token_amount, utc_time};
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
pub fn with_reminder(mut paragraph: String, lang: Lang) -> String {
    let reminder = lang.t("safety_reminder", &[]);
    paragraph.reserve_exact(1 + reminder.len());
    paragraph.push('\n');
    paragraph.push_str(&reminder);
    paragraph
}

/// Bytes kept free after a paragraph for its safety reminder.
const REMINDER_ROOM: usize = 256;

/// Sentences separated by a space, except after full-width punctuation
/// (Chinese and Japanese run sentences together).
pub fn join_sentences(sentences: &[String]) -> String {
    // Room for the spaces between them and the safety reminder after them
    // (`with_reminder`): the paragraph is written once, not grown.
    let length: usize = sentences.iter().map(|s| s.len() + 1).sum();
    let mut out = String::with_capacity(length + REMINDER_ROOM);
    for s in sentences {
        if !out.is_empty() && !out.ends_with(['。', '！', '？', '」', '）']) {
            out.push(' ');
        }
        out.push_str(s);
    }
    out
}

fn found(report: &TxReport, facts: &TxFacts, chain: &str, lang: Lang, out: &mut Vec<String>) {
    let what = what(facts, super::family(report), lang);
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
    let family = super::family(report);
    let fee = facts.fee.as_ref().map(|f| f.total.display_fee());
    let fee_sentence = |fee: String| match family {
        Some(family) => family.fee_sentence(facts, &fee, lang),
        None => lang.t("fee_paid", &[("fee", &fee)]),
    };
    let fee_sentences = |out: &mut Vec<String>| {
        if let Some(family) = family {
            family.fee_sentences(report, facts, lang, out);
        }
    };
    match report.status {
        Status::Finalized => {
            out.push(match family {
                Some(family) => family.finalized_sentence(facts, &base, lang),
                None => lang.t("finalized_included", &base),
            });
            out.extend(fee.map(fee_sentence));
            fee_sentences(out);
            // A fake token will not be credited: the warning says what to do.
            if !has_fake(facts) && family.is_none_or(|f| f.settles(facts)) {
                out.push(lang.t("next_finalized", &base));
            }
        }
        Status::Confirmed => {
            out.push(match family {
                Some(family) => family.confirmed_sentence(facts, &base, lang),
                None => lang.t("confirmed_included", &base),
            });
            out.extend(fee.map(fee_sentence));
            fee_sentences(out);
            if !has_fake(facts) && family.is_none_or(|f| f.settles(facts)) {
                out.push(match family {
                    Some(family) => family.next_confirmed(&base, lang),
                    None => lang.t("next_confirmed", &base),
                });
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
            let family_args = family
                .map(|f| f.failure_args(report, facts, lang))
                .unwrap_or_default();
            let family_args: Vec<(&str, &str)> =
                family_args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let id = match (report.reason, &message) {
                (Reason::OutOfGas, _) => "failed_out_of_gas",
                (Reason::OutOfEnergy, _) => "failed_out_of_energy",
                (Reason::MoveAbort, _) => "failed_move_abort",
                (Reason::ModuleError, Some(_)) => "failed_module_error",
                (Reason::InstructionError, Some(_)) => "failed_instruction_error",
                (Reason::InsufficientFunds, Some(_)) => "failed_insufficient_funds",
                (Reason::Reverted, Some(_)) => "failed_reverted",
                (Reason::Reverted, None) => "failed_reverted_silent",
                _ => "failed_other",
            };
            let message = message.unwrap_or_default();
            out.push(lang.t(
                id,
                &with(
                    &[
                        base[0],
                        base[1],
                        ("message", &message),
                        ("gas_limit", &gas_limit),
                    ],
                    &family_args,
                ),
            ));
            out.extend(fee.map(|f| lang.t("fee_paid_failed", &[("fee", &f)])));
            fee_sentences(out);
            let next = match report.reason {
                Reason::OutOfGas => "next_failed_out_of_gas",
                Reason::OutOfEnergy => "next_failed_out_of_energy",
                Reason::MoveAbort => "next_failed_move_abort",
                Reason::ModuleError => "next_failed",
                Reason::InsufficientFunds => "next_failed_insufficient_funds",
                Reason::Reverted if !message.is_empty() => "next_failed",
                Reason::InstructionError => "next_failed",
                _ => "next_failed_unknown",
            };
            out.push(lang.t(next, &with(&base, &family_args)));
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
        _ => {
            let explained =
                family.is_some_and(|f| f.pending_sentences(report, facts, &base, lang, out));
            if !explained {
                out.push(lang.t("pending_waiting", &base));
                out.push(lang.t("next_pending", &base));
            }
        }
    }
}

pub(super) use crate::i18n::words::with;

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
        Fate::Expired { expired_at, .. } => {
            let expired = utc_time(*expired_at);
            out.push(lang.t("dropped_expired", &with(&base, &[("expired", &expired)])));
            out.push(lang.t("next_dropped_expired", &[]));
        }
        Fate::Unexpired { until } => {
            let until = utc_time(*until);
            out.push(lang.t("not_found_unexpired", &with(&base, &[("until", &until)])));
            out.push(lang.t("next_not_found_unexpired", &[("until", &until)]));
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
            match super::family(report) {
                Some(family) => family.not_found_advice(report, &chains, lang, out),
                None => out.push(lang.t("next_not_found", &[])),
            }
        }
        (_, Reason::BeyondSearchWindow) => {
            let windows = &report.search_windows;
            let in_window: Vec<String> = windows.iter().map(|(c, _, _)| c.clone()).collect();
            // Where it was asked and is not (a 0x hash is also asked of
            // the EVM chains and Aptos), then the windows, then the chains
            // whose nodes failed.
            let answered = except(&report.searched, &report.unavailable);
            if !answered.is_empty() {
                let any = chain_list(&answered, lang, chain_names, true);
                out.push(lang.t("not_found_not_found", &[("hash", hash), ("chains", &any)]));
            }
            let names = chain_list(&in_window, lang, chain_names, false);
            match windows.as_slice() {
                [(_, from, to)] => out.push(lang.t(
                    "unknown_beyond_search_window",
                    &[
                        ("hash", hash),
                        ("chains", &names),
                        ("from", &from.to_string()),
                        ("to", &to.to_string()),
                    ],
                )),
                _ => out.push(lang.t(
                    "unknown_beyond_search_windows",
                    &[("hash", hash), ("chains", &names)],
                )),
            }
            let failed = except(&report.unavailable, &in_window);
            if !failed.is_empty() {
                let failed = chain_list(&failed, lang, chain_names, false);
                out.push(lang.t(
                    "unknown_endpoints_unavailable",
                    &[("hash", hash), ("chains", &failed)],
                ));
            }
            out.push(lang.t("next_beyond_search_window", &[]));
        }
        (_, Reason::ChainMismatch) => {
            out.push(lang.t(
                "unknown_chain_mismatch",
                &[("hash", hash), ("chains", &chains)],
            ));
            // The agent's setup is the agent's to fix (the table and stderr
            // say how); the customer hears that the check is not done.
            out.push(lang.t("next_chain_mismatch", &[]));
        }
        _ => {
            let unavailable = &report.unavailable;
            let answered = except(&report.searched, unavailable);
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
fn what(
    facts: &TxFacts,
    family: Option<&dyn crate::chain::family::ChainFamily>,
    lang: Lang,
) -> String {
    // A family that says better what moved (an EOS ⇄ A swap) speaks first.
    if let Some(what) = family.and_then(|f| f.what(facts, lang)) {
        return what;
    }
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
    match &facts.to {
        Some(to) if !facts.value.raw.is_zero() => lang.t(
            "what_native",
            &[("amount", &facts.value.display()), ("to", to)],
        ),
        Some(to) => lang.t("what_call", &[("to", to)]),
        None => lang.t("what_plain", &[]),
    }
}

/// The chains of `keys` not in `but`, in order.
fn except(keys: &[String], but: &[String]) -> Vec<String> {
    keys.iter().filter(|k| !but.contains(k)).cloned().collect()
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

pub use crate::i18n::words::{duration, join};

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
