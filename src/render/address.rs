//! Output for an address query: the contract's JSON object, the table, and
//! the paste-ready paragraph (balances, stuck nonces, whether the expected
//! transfer arrived, address-poisoning warnings). Deterministic: built only
//! from the report, the string table and the arguments.

use serde_json::{Value, json};

use super::i18n::Lang;
use super::json::tx_json;
use super::paragraph::{join, join_sentences, paragraph, with_reminder};
use super::text::{TextOptions, label_rows};
use super::utc_time;
use crate::diagnose::address::{AddressReport, ChainView, Outcome, PendingRow};
use crate::model::Reason;
use crate::model::address::{Direction, Transfer};

/// Transfers listed per chain in JSON (newest first) and in the table.
const JSON_TRANSFERS: usize = 50;
const TEXT_TRANSFERS: usize = 10;

pub fn address_json(r: &AddressReport, lang: Lang, names: &dyn Fn(&str) -> String) -> Value {
    json!({
        "query": r.query,
        "kind": "address",
        "address": r.address,
        "token_filter": r.token_filter,
        "chains": r.chains.iter().map(chain_json).collect::<Vec<_>>(),
        "expect": r.expect.as_ref().map(|e| json!({"amount": e.amount, "token": e.token, "from": e.from})),
        "match": match_json(r, lang, names),
        "near_misses": r.near.iter().map(|(c, t)| json!({"chain": c, "transfer": t})).collect::<Vec<_>>(),
        "diagnosis": with_reminder(address_paragraph(r, lang, names), lang),
        "warnings": r.warnings,
    })
}

fn chain_json(v: &ChainView) -> Value {
    let f = v.facts.as_ref();
    json!({
        "chain": v.chain,
        "chain_name": v.name,
        "balance": f.and_then(|f| f.balance.as_ref()),
        "unconfirmed": f.and_then(|f| f.unconfirmed.as_ref()),
        "tokens": f.map(|f| f.tokens.as_slice()).unwrap_or_default(),
        "nonce": f.and_then(|f| f.nonce),
        "pending": v.pending.iter().map(|p| json!({
            "hash": p.hash, "nonce": p.nonce, "status": "pending", "reason": p.reason,
        })).collect::<Vec<_>>(),
        "pool_visible": f.map(|f| f.pool.is_some()),
        "missing_nonces": v.missing_nonces,
        "recent_transfers": f.map(|f| &f.transfers[..f.transfers.len().min(JSON_TRANSFERS)]).unwrap_or_default(),
        "transfers_read": f.map(|f| f.transfers.len()),
        "incoming_pending": f.map(|f| f.incoming_pending.as_slice()).unwrap_or_default(),
        "history": f.map(|f| &f.history),
        "held": f.and_then(|f| f.held.as_ref()),
        "moved_to": f.and_then(|f| f.moved_to.as_ref()),
        "head": f.and_then(|f| f.head),
        "congestion": f.and_then(|f| f.congestion.as_ref()),
        "explorer_url": v.explorer_url,
        "answered_by": v.answered_by,
        "warnings": v.warnings,
    })
}

fn match_json(r: &AddressReport, lang: Lang, names: &dyn Fn(&str) -> String) -> Value {
    let Some(m) = &r.matched else {
        return Value::Null;
    };
    let mut v = match &r.match_report {
        Some(report) => tx_json(report, lang, names),
        None => json!({"hash": m.transfer.hash, "chain": m.chain}),
    };
    if let Value::Object(o) = &mut v {
        o.insert("transfer".into(), json!(m.transfer));
        o.insert("other_matches".into(), json!(m.others));
    }
    v
}

/// "100 USDT" for the expected amount.
fn expected_text(r: &AddressReport) -> String {
    match &r.expect {
        Some(e) => match &e.token {
            Some(t) => format!("{} {}", e.amount, t.to_uppercase()),
            None => e.amount.clone(),
        },
        None => String::new(),
    }
}

fn answered(r: &AddressReport) -> impl Iterator<Item = &ChainView> {
    r.chains.iter().filter(|c| c.facts.is_some())
}

pub fn address_paragraph(r: &AddressReport, lang: Lang, names: &dyn Fn(&str) -> String) -> String {
    let mut out = Vec::new();
    let address = r.address.as_str();
    let chain_list = |views: &mut dyn Iterator<Item = &ChainView>| {
        join(&views.map(|c| c.name.clone()).collect::<Vec<_>>(), lang)
    };
    match r.outcome {
        Outcome::Unavailable => {
            out.push(lang.t(
                "address_unavailable",
                &[
                    ("address", address),
                    ("chains", &chain_list(&mut r.chains.iter())),
                ],
            ));
        }
        Outcome::Shown if let Some(m) = r.matched.as_ref() => {
            let chain = r
                .chains
                .iter()
                .find(|c| c.chain == m.chain)
                .map_or(m.chain.clone(), |c| c.name.clone());
            out.push(lang.t(
                "address_match",
                &[
                    ("amount", &m.transfer.display()),
                    ("address", address),
                    ("from", &m.transfer.from),
                    ("chain", &chain),
                    ("hash", &m.transfer.hash),
                ],
            ));
            if let Some(report) = &r.match_report {
                out.push(receiver_status(report, lang, names));
            }
        }
        Outcome::Shown => summary(r, lang, &mut out),
        Outcome::NoMatch | Outcome::NoMatchIncomplete => {
            let windows: Vec<String> = answered(r).map(|c| window_text(c, lang)).collect();
            out.push(lang.t(
                if r.outcome == Outcome::NoMatch {
                    "address_no_match"
                } else {
                    "address_no_match_incomplete"
                },
                &[
                    ("amount", &expected_text(r)),
                    ("address", address),
                    ("windows", &join(&windows, lang)),
                ],
            ));
            if !r.near.is_empty() {
                let list: Vec<String> = r.near.iter().map(|(_, t)| near_text(t, lang)).collect();
                out.push(lang.t("address_near", &[("list", &join(&list, lang))]));
            }
            for c in answered(r) {
                let Some(f) = c.facts.as_ref() else {
                    continue;
                };
                if !f.history.native {
                    let symbol = f
                        .balance
                        .as_ref()
                        .map(|b| b.symbol.clone())
                        .unwrap_or_default();
                    out.push(lang.t(
                        "address_native_unseen",
                        &[("symbol", &symbol), ("chain", &c.name)],
                    ));
                }
            }
            out.push(lang.t("address_ask_sender", &[]));
        }
    }
    for c in &r.chains {
        pending_sentences(c, lang, &mut out);
    }
    for w in r.warnings.iter().filter(|w| w.code == "address_poisoning") {
        out.push(lang.t(
            "address_poisoning",
            &[
                ("lookalike", w.lookalike.as_deref().unwrap_or_default()),
                ("genuine", w.genuine.as_deref().unwrap_or_default()),
            ],
        ));
    }
    if r.warnings.iter().any(|w| w.code == "fake_token") {
        out.push(lang.t("address_fake_token", &[("amount", &expected_text(r))]));
    }
    if r.match_report.is_none()
        && let Some(url) = answered(r)
            .filter(|c| notable(c))
            .chain(answered(r))
            .find_map(|c| c.explorer_url.clone())
    {
        out.push(lang.t("explorer_link", &[("url", &url)]));
    }
    join_sentences(&out)
}

/// A chain where the address holds or did something.
fn notable(c: &ChainView) -> bool {
    c.facts.as_ref().is_some_and(|f| {
        f.balance.as_ref().is_some_and(|b| !b.raw.is_zero())
            || f.tokens.iter().any(|t| !t.balance.raw.is_zero())
            || !f.transfers.is_empty()
            || f.nonce.is_some_and(|n| n.pending > 0)
    })
}

fn summary(r: &AddressReport, lang: Lang, out: &mut Vec<String>) {
    let active: Vec<&ChainView> = answered(r).filter(|c| notable(c)).collect();
    if active.is_empty() {
        let chains: Vec<String> = answered(r).map(|c| c.name.clone()).collect();
        out.push(lang.t(
            "address_empty",
            &[("address", &r.address), ("chains", &join(&chains, lang))],
        ));
        return;
    }
    for c in active {
        let Some(f) = c.facts.as_ref() else {
            continue;
        };
        let mut holdings: Vec<String> = f.balance.iter().map(|b| b.display()).collect();
        holdings.extend(
            f.tokens
                .iter()
                .filter(|t| !t.balance.raw.is_zero())
                .map(|t| t.balance.display()),
        );
        let count = |d: Direction| f.transfers.iter().filter(|t| t.direction == d).count();
        out.push(lang.t(
            if f.history.incoming {
                "address_holds"
            } else {
                "address_holds_sent_only"
            },
            &[
                ("chain", &c.name),
                ("address", &r.address),
                ("holdings", &join(&holdings, lang)),
                ("incoming", &count(Direction::In).to_string()),
                ("outgoing", &count(Direction::Out).to_string()),
                ("since", &f.history.since.map(utc_time).unwrap_or_default()),
            ],
        ));
        if let Some(to) = &f.moved_to {
            out.push(lang.t("address_relay_moved", &[("chain", &c.name), ("to", to)]));
        }
        if let Some(h) = f.held.as_ref().filter(|h| h.transferable.raw < h.free.raw) {
            out.push(lang.t(
                "address_held",
                &[
                    ("chain", &c.name),
                    ("free", &h.free.display()),
                    ("transferable", &h.transferable.display()),
                ],
            ));
        }
        if let Some(r) = f
            .congestion
            .as_ref()
            .and_then(|c| c.account_resources.as_deref())
            .filter(|r| r.too_low)
        {
            let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "?".into());
            out.push(lang.t(
                "address_resources_low",
                &[
                    ("chain", &c.name),
                    ("cpu", &n(r.cpu_available_us)),
                    ("net", &n(r.net_available_bytes)),
                ],
            ));
        }
        if let Some(u) = f.unconfirmed.as_ref().filter(|u| !u.outgoing.raw.is_zero()) {
            out.push(lang.t(
                "address_sending",
                &[
                    ("confirmed", &u.confirmed.display()),
                    ("outgoing", &u.outgoing.display()),
                ],
            ));
        }
    }
}

/// "blocks 100–7300 (since 2026-11-21 10:00 UTC)"
fn window_text(c: &ChainView, lang: Lang) -> String {
    let Some(f) = &c.facts else {
        return String::new();
    };
    let h = &f.history;
    let since = h.since.map(utc_time).unwrap_or_default();
    match (h.from_block, h.to_block) {
        (Some(a), Some(b)) => lang.t(
            "address_window_blocks",
            &[
                ("chain", &c.name),
                ("from", &a.to_string()),
                ("to", &b.to_string()),
                ("since", &since),
            ],
        ),
        _ => lang.t(
            "address_window_since",
            &[("chain", &c.name), ("since", &since)],
        ),
    }
}

fn near_text(t: &Transfer, lang: Lang) -> String {
    lang.t(
        "address_near_item",
        &[
            ("amount", &t.display()),
            ("from", &t.from),
            ("hash", &t.hash),
        ],
    )
}

fn pending_sentences(c: &ChainView, lang: Lang, out: &mut Vec<String>) {
    let Some(f) = &c.facts else { return };
    let Some(nonce) = f.nonce else { return };
    if !c.missing_nonces.is_empty() {
        let stuck: Vec<String> = c
            .pending
            .iter()
            .filter(|p| p.reason == Reason::NonceGap)
            .map(|p| p.nonce.to_string())
            .collect();
        let missing: Vec<String> = c.missing_nonces.iter().map(u64::to_string).collect();
        if stuck.is_empty() {
            return;
        }
        out.push(lang.t(
            if missing.len() == 1 {
                "address_nonce_gap_one"
            } else {
                "address_nonce_gap_many"
            },
            &[
                ("chain", &c.name),
                ("missing", &join(&missing, lang)),
                ("stuck", &join(&stuck, lang)),
                ("first", &missing[0]),
            ],
        ));
    }
    for p in c.pending.iter().filter(|p| p.reason != Reason::NonceGap) {
        out.push(pending_row_sentence(c, p, lang));
    }
    if f.pool.is_none() && nonce.pending > nonce.latest {
        out.push(lang.t(
            "address_pending_unseen",
            &[
                ("chain", &c.name),
                ("count", &(nonce.pending - nonce.latest).to_string()),
                ("first", &nonce.latest.to_string()),
                ("last", &(nonce.pending - 1).to_string()),
            ],
        ));
    }
}

fn pending_row_sentence(c: &ChainView, p: &PendingRow, lang: Lang) -> String {
    let id = match p.reason {
        Reason::FeeBelowBaseFee => "address_pending_fee_below_base_fee",
        Reason::LowPriorityFee => "address_pending_low_priority_fee",
        _ => "address_pending_waiting",
    };
    lang.t(
        id,
        &[
            ("chain", &c.name),
            ("hash", &p.hash),
            ("nonce", &p.nonce.to_string()),
        ],
    )
}

/// Where the matched transfer stands, said to its receiver (the one who
/// asks "did it arrive?"); the sender's paragraph for anything else.
fn receiver_status(
    report: &crate::model::TxReport,
    lang: Lang,
    names: &dyn Fn(&str) -> String,
) -> String {
    let confirmations = report.confirmations.unwrap_or_default().to_string();
    let required = report
        .required_confirmations
        .unwrap_or_default()
        .to_string();
    let eta = report
        .eta_seconds
        .map(|s| crate::i18n::words::duration(s, lang))
        .unwrap_or_default();
    let args = [
        ("confirmations", confirmations.as_str()),
        ("required", required.as_str()),
        ("eta", eta.as_str()),
    ];
    match report.status {
        crate::model::Status::Finalized => lang.t("receiver_final", &args),
        crate::model::Status::Confirmed => lang.t("receiver_confirmed", &args),
        crate::model::Status::Pending => lang.t("receiver_pending", &args),
        crate::model::Status::Failed => lang.t("receiver_failed", &args),
        _ => paragraph(report, lang, names),
    }
}

pub fn address_text(
    r: &AddressReport,
    opts: &TextOptions,
    names: &dyn Fn(&str) -> String,
) -> String {
    let lang = opts.lang;
    let mut text = String::new();
    for c in &r.chains {
        text.push_str(&label_rows(&chain_rows(c, r, lang), opts, None));
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&with_reminder(address_paragraph(r, lang, names), lang));
    text.push('\n');
    text
}

fn chain_rows(c: &ChainView, r: &AddressReport, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, String)> =
        vec![("label_chain", format!("{} ({})", c.name, c.chain))];
    let Some(f) = &c.facts else {
        rows.push(("label_status", lang.t("value_unavailable", &[])));
        return rows;
    };
    rows.push(("label_address", r.address.clone()));
    if let Some(t) = &r.token_filter {
        rows.push(("label_token_contract", t.clone()));
    }
    if let Some(b) = &f.balance {
        rows.push(("label_balance", b.display()));
    }
    if let Some(h) = &f.held {
        rows.push((
            "label_held",
            lang.t(
                "value_held",
                &[
                    ("transferable", &h.transferable.display()),
                    ("reserved", &h.reserved.display()),
                    ("frozen", &h.frozen.display()),
                ],
            ),
        ));
    }
    for t in &f.tokens {
        rows.push((
            "label_token_balance",
            format!("{} ({})", t.balance.display(), t.token),
        ));
    }
    if let Some(n) = f.nonce {
        rows.push((
            "label_sender_nonce",
            lang.t(
                "value_sender_nonce",
                &[
                    ("latest", &n.latest.to_string()),
                    ("pending", &n.pending.to_string()),
                ],
            ),
        ));
    }
    for p in &c.pending {
        rows.push((
            "label_pending",
            format!(
                "nonce {}: {} ({})",
                p.nonce,
                p.hash,
                lang.t_or(&format!("reason_{}", p.reason.as_str()), p.reason.as_str())
            ),
        ));
    }
    if !c.missing_nonces.is_empty() {
        let list: Vec<String> = c.missing_nonces.iter().map(u64::to_string).collect();
        rows.push(("label_missing_nonces", list.join(", ")));
    }
    for t in f
        .incoming_pending
        .iter()
        .chain(f.transfers.iter())
        .take(TEXT_TRANSFERS)
    {
        rows.push(("label_transfer", transfer_line(t)));
    }
    if f.transfers.len() > TEXT_TRANSFERS {
        rows.push((
            "label_transfer",
            lang.t(
                "list_more",
                &[("count", &(f.transfers.len() - TEXT_TRANSFERS).to_string())],
            ),
        ));
    }
    rows.push(("label_history", window_text(c, lang)));
    if let Some(url) = &c.explorer_url {
        rows.push(("label_explorer", url.clone()));
    }
    rows
}

fn transfer_line(t: &Transfer) -> String {
    let (arrow, other) = match t.direction {
        Direction::In => ("←", &t.from),
        Direction::Out => ("→", &t.to),
    };
    let mut amount = t.display();
    if !t.listed {
        amount.push_str(" (unlisted token)");
    }
    let at = t
        .block
        .map_or_else(|| "pending".to_string(), |b| format!("block {b}"));
    // A memo is chain text: escaped, on one line, short.
    let memo = match t.memo.as_deref() {
        Some("") => " · memo: (none)".to_string(),
        Some(m) => format!(" · memo: \"{}\"", crate::safe::escape(m)),
        None => String::new(),
    };
    format!("{arrow} {amount} {other}{memo} · {at} · {}", t.hash)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use super::*;
    use crate::diagnose::address::{AddressReport, ChainView, Expect, Outcome};
    use crate::model::address::{AddressFacts, History};
    use crate::model::{Amount, SenderNonce, Warning};

    const ME: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    fn stuck() -> crate::diagnose::address::PendingRow {
        let fees = crate::model::PendingFacts {
            sender_nonce: Some(SenderNonce {
                latest: 7,
                pending: 7,
            }),
            ..Default::default()
        };
        let chain = crate::config::parse(crate::config::BUILTIN)
            .unwrap()
            .chain("eth")
            .unwrap()
            .clone();
        let assessment = crate::chain::family::of(chain.family)
            .assess_pooled(&fees, 9, &chain)
            .unwrap();
        crate::diagnose::address::PendingRow {
            hash: "0x99".into(),
            nonce: 9,
            reason: assessment.reason,
            assessment,
        }
    }

    fn report() -> AddressReport {
        let received = Transfer {
            memo: None,
            hash: "0xab".into(),
            block: Some(90),
            time: Some(1_795_300_000),
            direction: Direction::In,
            from: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
            to: ME.into(),
            token: Some("0xdAC17F958D2ee523a2206206994597C13D831ec7".into()),
            symbol: Some("USDT".into()),
            raw: U256::from(99_000_000u64),
            decimals: Some(6),
            listed: true,
        };
        let facts = AddressFacts {
            held: None,
            moved_to: None,
            address: ME.into(),
            unconfirmed: None,
            balance: Some(Amount::new(U256::ZERO, 18, "ETH")),
            tokens: vec![],
            nonce: Some(SenderNonce {
                latest: 7,
                pending: 7,
            }),
            pool: Some(vec![]),
            incoming_pending: vec![],
            transfers: vec![received.clone()],
            history: History {
                from_block: Some(1),
                to_block: Some(100),
                since: Some(1_795_280_000),
                ..History::new("eth_getLogs")
            },
            head: Some(100),
            congestion: None,
            observed_at: 1_795_366_400,
        };
        let poisoning = Warning {
            lookalike: Some("0x1234bb9999999999999999999999999999d1abcd".into()),
            genuine: Some("0x1234aa0000000000000000000000000000c0abcd".into()),
            ..Warning::new("address_poisoning", "…".into())
        };
        AddressReport {
            query: ME.into(),
            address: ME.into(),
            chains: vec![ChainView {
                chain: "eth".into(),
                name: "Ethereum".into(),
                family: crate::config::parse(crate::config::BUILTIN)
                    .unwrap()
                    .chain("eth")
                    .unwrap()
                    .family,
                facts: Some(facts),
                answered_by: Some("https://rpc".into()),
                pending: vec![stuck()],
                missing_nonces: vec![7, 8],
                warnings: vec![],
                explorer_url: Some(format!("https://etherscan.io/address/{ME}")),
            }],
            expect: Some(Expect {
                amount: "100".into(),
                token: Some("usdt".into()),
                from: None,
                memo: None,
            }),
            matched: None,
            match_report: None,
            near: vec![("eth".into(), received)],
            outcome: Outcome::NoMatch,
            warnings: vec![poisoning],
            token_filter: None,
        }
    }

    #[test]
    fn no_match_says_what_was_searched_and_the_numbers_are_the_same_in_every_language() {
        let names = |k: &str| k.to_string();
        let en = address_paragraph(&report(), Lang::EN, &names);
        assert!(
            en.starts_with("We found no incoming transfer of 100 USDT to 0x7099"),
            "{en}"
        );
        for needle in [
            "Ethereum blocks 1 to 100, since 2026-11-21 16:53 UTC",
            "99 USDT from 0xf39F",
            "Transfers of ETH itself",
            "nonces 7 and 8",
            "address poisoning",
            "0x1234bb9999999999999999999999999999d1abcd",
            "https://etherscan.io/address/",
        ] {
            assert!(en.contains(needle), "{needle:?} missing: {en}");
        }
        let zh = address_paragraph(&report(), Lang::ZH, &names);
        for needle in [
            "100 USDT",
            "99 USDT",
            "地址投毒",
            "0x1234bb9999999999999999999999999999d1abcd",
            "1 至 100",
        ] {
            assert!(zh.contains(needle), "{needle:?} missing: {zh}");
        }
    }

    /// The address reply (no match, stuck nonces, a poisoning warning) in
    /// every language, as an agent pastes it; reviewed in `snapshots/`.
    #[test]
    fn the_address_reply_reads_right_in_every_language() {
        let names = |k: &str| k.to_string();
        for lang in Lang::all() {
            let reply = with_reminder(address_paragraph(&report(), lang, &names), lang);
            assert!(reply.ends_with(&lang.t("safety_reminder", &[])));
            insta::assert_snapshot!(format!("address_no_match.{lang}"), reply);
        }
    }
}
