//! Reports → what people and scripts read: the text table with the
//! paste-ready paragraph, and the contract's JSON. Everything rendering
//! depends on (language, width, colour) comes in as arguments, so output is
//! deterministic and tested into strings.

pub mod address;
pub mod batch;
pub mod chains;
pub use crate::i18n;
pub mod json;
pub mod paragraph;
pub mod text;

pub use i18n::Lang;

use crate::model::TxReport;

/// The family that explains the report's chain, when the report names one.
pub(crate) fn family(report: &TxReport) -> Option<&'static dyn crate::chain::family::ChainFamily> {
    report.family.map(crate::chain::family::of)
}

/// A token amount as a person should read it: "250 USDT" for a listed
/// token, a fake named as one, an unlisted token with its contract.
pub fn token_amount(t: &crate::model::TokenTransfer, lang: Lang) -> String {
    match &t.trust {
        crate::model::Trust::Fake { genuine } => {
            let symbol = crate::safe::text(t.symbol.as_deref().unwrap_or_default());
            lang.t(
                "token_fake",
                &[
                    ("amount", &t.bare_amount()),
                    ("symbol", &symbol),
                    ("genuine", genuine),
                ],
            )
        }
        crate::model::Trust::Unverified if t.symbol.is_some() => lang.t(
            "token_unverified",
            &[("amount", &t.display()), ("token", &t.token)],
        ),
        _ => t.display(),
    }
}

/// Unix seconds as "2026-11-22 10:04 UTC".
pub fn utc_time(unix: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix);
    let s = humantime::format_rfc3339_seconds(t).to_string();
    // "2026-11-22T10:04:05Z" → "2026-11-22 10:04 UTC"
    format!("{} {} UTC", &s[..10], &s[11..16])
}

#[cfg(test)]
pub(crate) mod tests {
    use alloy_primitives::U256;

    use super::*;
    use crate::model::*;

    pub(crate) const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const USDT: &str = "0x55d398326f99059fF775485246999027B3197955";

    /// A finalized 250 USDT transfer on BSC, every part filled in.
    pub(crate) fn usdt_report() -> TxReport {
        let transfer = TokenTransfer {
            memo: None,
            token: USDT.into(),
            symbol: Some("USDT".into()),
            from: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
            to: BOB.into(),
            raw: "250000000000000000000".into(),
            amount: Some("250".into()),
            trust: Default::default(),
        };
        let facts = TxFacts {
            to: Some(USDT.into()),
            nonce: Some(4),
            block: Some(100),
            head: Some(104),
            succeeded: Some(true),
            fee: Some(Fee {
                payer: None,
                total: Amount::new(U256::from(21_000_000_000_000u64), 18, "BNB"),
                gas_used: Some(21000),
                gas_limit: Some(60000),
                gas_price: Some("1000000000".into()),
                l1_fee: None,
                blob_fee: None,
                resources: None,
            }),
            token_transfers: vec![transfer.clone()],
            ..TxFacts::new(
                format!("0x{}", "ab".repeat(32)),
                transfer.from,
                Amount::new(U256::ZERO, 18, "BNB"),
            )
        };
        TxReport {
            search_windows: Vec::new(),
            query: "q".into(),
            chain: Some("bsc".into()),
            chain_name: Some("BNB Smart Chain".into()),
            family: None,
            searched: vec!["bsc".into()],
            hash: facts.hash.clone(),
            status: Status::Confirmed,
            reason: Reason::Included,
            confirmations: Some(5),
            required_confirmations: Some(15),
            eta_seconds: Some(5),
            facts: Some(facts),
            explorer_url: Some("https://bscscan.com/tx/0xabab".into()),
            answered_by: vec!["https://bsc-rpc.publicnode.com".into()],
            unavailable: vec![],
            congestion: None,
            waiting: None,
            vanished: None,
            replacement_url: None,
            respent: None,
            warnings: vec![],
        }
    }

    pub(crate) fn names(k: &str) -> String {
        k.to_uppercase()
    }

    #[test]
    fn text_is_plain_without_colour_and_names_the_token_recipient() {
        let opts = text::TextOptions {
            lang: Lang::EN,
            width: None,
            color: false,
        };
        let out = text::tx_text(&usdt_report(), &opts, &names);
        assert!(!out.contains('\u{1b}'), "no ANSI escapes without colour");
        for want in [
            "confirmed (included)",
            "5 (15 required)",
            "250 USDT",
            "0.000021 BNB (21000 gas × 1 gwei)",
        ] {
            assert!(out.contains(want), "{want:?} missing:\n{out}");
        }
        assert!(
            !out.contains("Value"),
            "a zero native value beside a token transfer is noise"
        );
        let paragraph = out.split("\n\n").nth(1).unwrap();
        assert_eq!(
            paragraph.trim(),
            format!(
                "Your transfer of 250 USDT to {BOB} on BNB Smart Chain succeeded and has 5 of the 15 confirmations required; \
                 it will be final in about 5 seconds. The network fee was 0.000021 BNB. No action is needed: the receiving \
                 platform credits it once it reaches 15 confirmations. Details: https://bscscan.com/tx/0xabab\n{}",
                Lang::EN.t("safety_reminder", &[])
            )
        );
    }

    /// A chain that answered "not found" after one of its endpoints failed
    /// still answered: only chains with no usable answer are "not checked".
    #[test]
    fn partial_unknown_names_only_the_chains_that_could_not_be_asked() {
        let report = TxReport {
            search_windows: Vec::new(),
            query: "q".into(),
            chain: None,
            chain_name: None,
            family: None,
            searched: vec!["eth".into(), "bsc".into()],
            hash: "0xab".into(),
            status: Status::Unknown,
            reason: Reason::EndpointsUnavailable,
            confirmations: None,
            required_confirmations: None,
            eta_seconds: None,
            facts: None,
            explorer_url: None,
            answered_by: vec!["https://eth-2".into()],
            unavailable: vec!["bsc".into()],
            congestion: None,
            waiting: None,
            vanished: None,
            replacement_url: None,
            respent: None,
            warnings: ["eth", "bsc"]
                .map(|c| Warning {
                    endpoint: Some(format!("https://{c}-1")),
                    chain: Some(c.into()),
                    ..Warning::new("endpoint_failed", format!("{c}: down"))
                })
                .to_vec(),
        };
        let p = paragraph::paragraph(&report, Lang::EN, &names);
        assert!(
            p.starts_with("Transaction 0xab is not on ETH, but we could not check BSC"),
            "{p}"
        );
        let v = json::tx_json(&report, Lang::EN, &names);
        assert_eq!(v["unavailable_chains"], serde_json::json!(["bsc"]));
    }

    #[test]
    fn json_has_every_contract_field() {
        let v = json::tx_json(&usdt_report(), Lang::EN, &names);
        for field in [
            "query",
            "kind",
            "chain",
            "hash",
            "status",
            "reason",
            "block",
            "confirmations",
            "required_confirmations",
            "eta_seconds",
            "from",
            "to",
            "nonce",
            "value",
            "fee",
            "token_transfers",
            "failure",
            "replaced_by",
            "congestion",
            "explorer_url",
            "diagnosis",
            "warnings",
        ] {
            assert!(v.get(field).is_some(), "{field} missing");
        }
        assert_eq!(v["token_transfers"][0]["amount"], "250");
        assert_eq!(v["fee"]["amount"], "0.000021");
        assert_eq!(v["answered_by"][0], "https://bsc-rpc.publicnode.com");
    }

    /// Issue 20: a token transfer's table names the contract as the
    /// contract and the real recipient as the recipient, in every language.
    #[test]
    fn the_contract_is_not_labelled_recipient() {
        let r = usdt_report();
        for lang in Lang::all() {
            let text = text::tx_text(
                &r,
                &text::TextOptions {
                    lang,
                    width: None,
                    color: false,
                },
                &names,
            );
            let label_of = |value: &str| {
                text.lines()
                    .find(|l| l.contains(value) && !l.contains('→') && !l.contains(" -> "))
                    .map(|l| {
                        l.split('┆')
                            .next()
                            .unwrap_or("")
                            .trim_matches(['│', ' '])
                            .to_string()
                    })
            };
            assert_eq!(
                label_of(USDT).as_deref(),
                Some(lang.t("label_token_contract", &[]).as_str()),
                "{lang:?}: {text}"
            );
            assert_eq!(
                label_of(BOB).as_deref(),
                Some(lang.t("label_recipient", &[]).as_str()),
                "{lang:?}: {text}"
            );
            assert_ne!(lang.t("label_token_contract", &[]), lang.t("label_to", &[]));
        }
    }

    /// Issue 20: every status, reason and congestion level a table shows has
    /// its words in English (and so, by the locale test, in every language):
    /// none falls back to its code.
    #[test]
    fn every_code_a_table_shows_has_its_words() {
        use Reason::*;
        use Status::*;
        let statuses = [
            Pending,
            Confirmed,
            Finalized,
            Failed,
            Status::Replaced,
            Status::Dropped,
            Status::NotFound,
            Unknown,
        ];
        let reasons = [
            Included,
            Waiting,
            FeeBelowBaseFee,
            NonceGap,
            LowPriorityFee,
            LowFeeRate,
            UnconfirmedParent,
            Reverted,
            OutOfGas,
            OutOfEnergy,
            InsufficientFunds,
            InstructionError,
            Other,
            Reason::Replaced,
            Reason::Dropped,
            Expired,
            Reason::NotFound,
            EndpointsUnavailable,
            ChainMismatch,
        ];
        let levels = [
            CongestionLevel::Low,
            CongestionLevel::Normal,
            CongestionLevel::High,
            CongestionLevel::Extreme,
        ];
        let missing = "\u{0}missing";
        for lang in Lang::all() {
            for s in statuses {
                let id = format!("status_{}", s.as_str());
                assert_ne!(lang.t_or(&id, missing), missing, "{id}");
            }
            for r in reasons {
                let id = format!("reason_{}", r.as_str());
                assert_ne!(lang.t_or(&id, missing), missing, "{id}");
            }
            for l in levels {
                let id = format!("level_{}", l.as_str());
                assert_ne!(lang.t_or(&id, missing), missing, "{id}");
            }
        }
    }

    #[test]
    fn times_read_in_utc() {
        assert_eq!(utc_time(1_795_366_934), "2026-11-22 17:02 UTC");
    }
}
