//! EVM words: the fee in gas, the figures of a pending transaction (what
//! it offers, what the network asks, the sender's nonces, a replacement that
//! nodes accept) and the sentences that say why it waits.

use serde_json::{Value, json};

use crate::chain::explain::{Explain, Rows, block_congestion_row, gas_fee_value, gwei};
use crate::i18n::Lang;
use crate::i18n::words::with;
use crate::model::assessment::pending::{Assessment, FeeSuggestion, MAX_LISTED_NONCES, NonceRange};
use crate::model::{Congestion, Fee, Reason, TxFacts, TxReport};

impl Explain for super::Evm {
    fn fee_value(&self, _facts: &TxFacts, fee: &Fee, lang: Lang) -> String {
        gas_fee_value(fee, lang)
    }

    fn detail_rows(&self, report: &TxReport, lang: Lang, rows: &mut Rows) {
        if let Some(a) = report.waiting.as_ref().and_then(|w| w.evm()) {
            pending_rows(a, lang, &mut |l, v| rows.push(l, v));
        }
    }

    fn congestion_rows(&self, _report: &TxReport, c: &Congestion, lang: Lang, rows: &mut Rows) {
        block_congestion_row(c, lang, rows);
    }

    fn pending_sentences(
        &self,
        report: &TxReport,
        facts: &TxFacts,
        base: &[(&str, &str)],
        lang: Lang,
        out: &mut Vec<String>,
    ) -> bool {
        let Some(a) = report.waiting.as_ref().and_then(|w| w.evm()) else {
            return false;
        };
        pending(a, facts, base, lang, out);
        true
    }

    fn pending_json(&self, report: &TxReport) -> Option<Value> {
        report
            .waiting
            .as_ref()
            .and_then(|w| w.evm())
            .map(pending_json)
    }
}

fn pending_rows(a: &Assessment, lang: Lang, row: &mut impl FnMut(&'static str, String)) {
    let p = &a.facts;
    row("label_nonce", a.nonce.to_string());
    match (p.max_fee_per_gas, p.max_priority_fee_per_gas, p.gas_price) {
        (Some(max), Some(tip), _) => row(
            "label_offered",
            lang.t(
                "value_offered_eip1559",
                &[("max_fee", &gwei(max)), ("tip", &gwei(tip))],
            ),
        ),
        (_, _, Some(price)) => row(
            "label_offered",
            lang.t("value_offered_legacy", &[("gas_price", &gwei(price))]),
        ),
        _ => {}
    }
    let base_fee = p.next_base_fee.map(gwei).unwrap_or_default();
    match (p.next_base_fee, p.recent_tips) {
        (_, Some(t)) => row(
            "label_network_fees",
            lang.t(
                "value_network_fees",
                &[
                    ("base_fee", &base_fee),
                    ("p10", &gwei(t.p10)),
                    ("p50", &gwei(t.p50)),
                    ("p90", &gwei(t.p90)),
                ],
            ),
        ),
        (Some(_), None) => row(
            "label_network_fees",
            lang.t("value_network_fees_base", &[("base_fee", &base_fee)]),
        ),
        (None, None) => {}
    }
    if let Some(n) = p.sender_nonce {
        let mut value = lang.t(
            "value_sender_nonce",
            &[
                ("latest", &n.latest.to_string()),
                ("pending", &n.pending.to_string()),
            ],
        );
        if !a.missing.is_empty() {
            value.push_str(&lang.t(
                "value_missing",
                &[("missing", &nonce_list(a.missing, lang))],
            ));
        }
        row("label_sender_nonce", value);
    }
    // A gap is closed by sending the missing nonces, not by replacing this
    // one: the table says what the paragraph says.
    if a.reason == Reason::NonceGap {
        let missing = nonce_list(a.missing, lang);
        let value = match &a.fresh {
            Some(fees) => lang.t(
                "value_send_missing_fees",
                &[("missing", &missing), ("fees", &fees_text(fees, lang))],
            ),
            None => lang.t("value_send_missing", &[("missing", &missing)]),
        };
        row("label_next_step", value);
    } else if let Some(fees) = &a.speed_up {
        row(
            "label_speed_up",
            lang.t(
                "value_speed_up",
                &[
                    ("fees", &fees_text(fees, lang)),
                    ("nonce", &a.nonce.to_string()),
                ],
            ),
        );
    }
}

/// Why it waits, with the numbers, and what to do: send the missing nonces,
/// or replace it with higher fees, or cancel it.
fn pending(
    a: &Assessment,
    facts: &TxFacts,
    base: &[(&str, &str)],
    lang: Lang,
    out: &mut Vec<String>,
) {
    let nonce = a.nonce.to_string();
    let symbol = facts.value.symbol.as_str();
    match a.reason {
        Reason::NonceGap => {
            let missing = nonce_list(a.missing, lang);
            let id = if a.missing.len() == 1 {
                "pending_nonce_gap_one"
            } else {
                "pending_nonce_gap_many"
            };
            out.push(lang.t(id, &with(base, &[("nonce", &nonce), ("missing", &missing)])));
            let fees = a
                .fresh
                .as_ref()
                .map(|f| fees_text(f, lang))
                .unwrap_or_default();
            let first = a.missing.start.to_string();
            let id = if a.missing.len() == 1 {
                "next_nonce_gap_one"
            } else {
                "next_nonce_gap_many"
            };
            out.push(lang.t(
                id,
                &[
                    ("first", &first),
                    ("missing", &missing),
                    ("fees", &fees),
                    ("symbol", symbol),
                ],
            ));
        }
        Reason::FeeBelowBaseFee => {
            let offered = a
                .facts
                .max_fee_per_gas
                .or(a.facts.gas_price)
                .unwrap_or_default();
            let base_fee = a.facts.next_base_fee.unwrap_or_default();
            let id = if a.facts.max_fee_per_gas.is_some() {
                "pending_fee_below_base_fee"
            } else {
                "pending_fee_below_base_fee_legacy"
            };
            out.push(lang.t(
                id,
                &with(
                    base,
                    &[
                        ("max_fee", &gwei(offered)),
                        ("base_fee", &gwei(base_fee)),
                        ("short", &gwei(base_fee.saturating_sub(offered))),
                    ],
                ),
            ));
            speed_up(a, symbol, lang, out);
        }
        Reason::LowPriorityFee => {
            let tip = a.effective_tip.unwrap_or_default();
            let recent = a.facts.recent_tips.map(|t| t.p50).unwrap_or_default();
            out.push(lang.t(
                "pending_low_priority_fee",
                &with(base, &[("tip", &gwei(tip)), ("recent_tip", &gwei(recent))]),
            ));
            speed_up(a, symbol, lang, out);
        }
        _ if !a.ahead_in_pool.is_empty() => {
            let ahead = nonce_list(a.ahead_in_pool, lang);
            let count = a.ahead_in_pool.len().to_string();
            out.push(lang.t(
                "pending_behind",
                &with(
                    base,
                    &[("nonce", &nonce), ("ahead", &ahead), ("count", &count)],
                ),
            ));
            out.push(lang.t("next_pending_behind", &[]));
        }
        _ => {
            out.push(lang.t("pending_waiting_ok", base));
            out.push(lang.t("next_pending", base));
        }
    }
}

/// The replacement rule with concrete prices, and how a cancel works.
fn speed_up(a: &Assessment, symbol: &str, lang: Lang, out: &mut Vec<String>) {
    let Some(fees) = &a.speed_up else {
        return;
    };
    let id = match fees {
        FeeSuggestion::Eip1559 { .. } => "next_speed_up",
        FeeSuggestion::Legacy { .. } => "next_speed_up_legacy",
    };
    out.push(lang.t(
        id,
        &[
            ("nonce", &a.nonce.to_string()),
            ("fees", &fees_text(fees, lang)),
            ("symbol", symbol),
        ],
    ));
}

fn wei(v: Option<alloy_primitives::U256>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn nonces(range: NonceRange) -> Value {
    range
        .iter()
        .take(MAX_LISTED_NONCES as usize)
        .collect::<Vec<u64>>()
        .into()
}

fn fees_json(fees: &FeeSuggestion) -> Value {
    match fees {
        FeeSuggestion::Eip1559 { max_fee, tip } => json!({
            "max_fee_per_gas_wei": max_fee.to_string(),
            "max_priority_fee_per_gas_wei": tip.to_string(),
            "gas_price_wei": null,
        }),
        FeeSuggestion::Legacy { gas_price } => json!({
            "max_fee_per_gas_wei": null,
            "max_priority_fee_per_gas_wei": null,
            "gas_price_wei": gas_price.to_string(),
        }),
    }
}

/// The figures behind a pending verdict; prices per gas in wei (decimal strings).
fn pending_json(a: &Assessment) -> Value {
    let p = &a.facts;
    json!({
        "max_fee_per_gas_wei": wei(p.max_fee_per_gas),
        "max_priority_fee_per_gas_wei": wei(p.max_priority_fee_per_gas),
        "gas_price_wei": wei(p.gas_price),
        "effective_priority_fee_wei": wei(a.effective_tip),
        "next_base_fee_wei": wei(p.next_base_fee),
        "recent_priority_fees_wei": p.recent_tips.map(|t| json!({
            "p10": t.p10.to_string(), "p50": t.p50.to_string(), "p90": t.p90.to_string(),
        })),
        "sender_nonce": p.sender_nonce,
        "missing_nonces": nonces(a.missing),
        "missing_nonce_count": a.missing.len(),
        "ahead_in_pool": nonces(a.ahead_in_pool),
        "speed_up": a.speed_up.as_ref().map(fees_json),
        "new_transaction_fees": a.fresh.as_ref().map(fees_json),
    })
}

/// "a max fee of 71.5 gwei and a tip of 1.1 gwei" / "a gas price of 5 gwei".
pub fn fees_text(fees: &FeeSuggestion, lang: Lang) -> String {
    match fees {
        FeeSuggestion::Eip1559 { max_fee, tip } => lang.t(
            "fees_eip1559",
            &[("max_fee", &gwei(*max_fee)), ("tip", &gwei(*tip))],
        ),
        FeeSuggestion::Legacy { gas_price } => {
            lang.t("fees_legacy", &[("gas_price", &gwei(*gas_price))])
        }
    }
}

/// "5", "5 and 6", "5, 6 and 7", or "5 to 104 (100 nonces)" for long runs.
pub fn nonce_list(range: NonceRange, lang: Lang) -> String {
    if range.len() > 5 {
        return lang.t(
            "nonce_span",
            &[
                ("first", &range.start.to_string()),
                ("last", &(range.end - 1).to_string()),
                ("count", &range.len().to_string()),
            ],
        );
    }
    let items: Vec<String> = range.iter().map(|n| n.to_string()).collect();
    crate::i18n::words::join(&items, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FamilyFacts, PendingFacts, SenderNonce, Status};
    use crate::render::tests::{BOB, names, usdt_report};
    use crate::render::{json, paragraph, text};
    use alloy_primitives::U256;

    fn pending_report(facts: PendingFacts, nonce: u64) -> TxReport {
        let mut r = usdt_report();
        let f = r.facts.as_mut().unwrap();
        f.block = None;
        f.succeeded = None;
        f.fee = None;
        f.intended_transfer = f.token_transfers.pop();
        f.nonce = Some(nonce);
        f.value.symbol = "ETH".into();
        f.family = FamilyFacts::Evm {
            pending: Some(Box::new(facts)),
        };
        let eth = crate::config::parse(crate::config::BUILTIN)
            .unwrap()
            .chain("eth")
            .unwrap()
            .clone();
        r.chain_name = Some("Ethereum".into());
        r.explorer_url = Some("https://etherscan.io/tx/0xabab".into());
        let facts = r.facts.clone().unwrap();
        r.family = Some(eth.family);
        crate::chain::family::of(eth.family).annotate(&facts, &eth, &mut r);
        r.status = Status::Pending;
        r.reason = r.waiting.as_ref().and_then(|w| w.evm()).unwrap().reason;
        r
    }

    fn gwei_tenths(t: u64) -> U256 {
        U256::from(t * 100_000_000)
    }

    #[test]
    fn stuck_paragraphs_carry_the_numbers_in_both_languages() {
        let facts = PendingFacts {
            max_fee_per_gas: Some(gwei_tenths(200)),
            max_priority_fee_per_gas: Some(gwei_tenths(10)),
            gas_price: None,
            next_base_fee: Some(gwei_tenths(352)),
            recent_tips: None,
            sender_nonce: Some(SenderNonce {
                latest: 7,
                pending: 8,
            }),
        };
        let r = pending_report(facts.clone(), 7);
        assert_eq!(r.reason, Reason::FeeBelowBaseFee);
        let en = paragraph::paragraph(&r, Lang::EN, &names);
        assert_eq!(
            en,
            format!(
                "Your transfer of 250 USDT to {BOB} on Ethereum is stuck: it offers a max fee of 20 gwei per gas, \
                 but the network's base fee is now 35.2 gwei (15.2 gwei more), so no block can include it until the \
                 base fee falls below 20 gwei. To speed it up, send a replacement with the same nonce (7) that raises \
                 both the max fee and the priority fee by at least 10%, for example a max fee of 71.5 gwei and a \
                 priority fee of 1.1 gwei; most wallets do this with \"Speed up\". To cancel it instead, send 0 ETH to \
                 your own address with the same nonce and those fees. Only one transaction per nonce can ever be \
                 confirmed, so the transfer cannot happen twice. Details: https://etherscan.io/tx/0xabab"
            )
        );
        let zh = paragraph::paragraph(&r, Lang::ZH, &names);
        for number in [
            "20 gwei",
            "35.2 gwei",
            "15.2 gwei",
            "71.5 gwei",
            "1.1 gwei",
            "（7）",
        ] {
            assert!(zh.contains(number), "{number} missing from {zh}");
        }

        let gap = pending_report(
            PendingFacts {
                sender_nonce: Some(SenderNonce {
                    latest: 3,
                    pending: 3,
                }),
                ..facts
            },
            12,
        );
        assert_eq!(gap.reason, Reason::NonceGap);
        let en = paragraph::paragraph(&gap, Lang::EN, &names);
        assert!(en.contains("nonces 3 to 11 (9 nonces)"), "{en}");
        let text = text::tx_text(
            &gap,
            &text::TextOptions {
                lang: Lang::EN,
                width: None,
                color: false,
            },
            &names,
        );
        assert!(text.contains("missing: 3 to 11 (9 nonces)"), "{text}");
        let v = json::tx_json(&gap, Lang::EN, &names);
        assert_eq!(v["pending"]["missing_nonces"].as_array().unwrap().len(), 9);
        assert_eq!(v["pending"]["missing_nonce_count"], 9);
    }

    #[test]
    fn gwei_figures_keep_three_significant_digits() {
        assert_eq!(gwei(U256::from(35_234_567_890u64)), "35.2");
        assert_eq!(gwei(U256::from(5_123_456u64)), "0.00512");
        assert_eq!(gwei(U256::from(20_000_000_000u64)), "20");
        assert_eq!(gwei(U256::from(1_000_000u64)), "0.001");
        assert_eq!(gwei(U256::from(7u64)), "<0.001", "1-wei tips only in JSON");
        assert_eq!(gwei(U256::ZERO), "0");
        assert!(
            gwei(U256::MAX).starts_with("115"),
            "no overflow on a lying endpoint's number"
        );
    }

    /// Every message id this file uses exists in English.
    #[test]
    fn its_message_ids_exist() {
        crate::i18n::assert_known_ids(include_str!("explain.rs"));
    }
}
