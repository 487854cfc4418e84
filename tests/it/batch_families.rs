//! Issue 8: `txdoctor batch` on the REST and JSON-RPC families without a
//! node here — TRON, Bitcoin (Esplora) and Solana fakes that speak the real
//! APIs (see tests/fixtures/*/README.md) — in one run, one record per line,
//! in input order.

use crate::common::esplora::{self, FakeEsplora, Flavour};
use crate::common::solana::{self, FakeSolana};
use crate::common::tron::{self, FakeTron};
use crate::common::*;
use serde_json::Value;

#[test]
fn issue_8_batch_answers_tron_bitcoin_and_solana_lines_in_order() {
    let btc = FakeEsplora::start(&["tx_confirmed"], 870_013, Flavour::MempoolSpace);
    let trx = FakeTron::start(&["usdt"]);
    let sol = FakeSolana::start(&["usdt"]);
    let cfg = write_raw_config(&format!(
        "{}\n{}\n{}",
        esplora::bitcoin_toml(&[&btc.url()]),
        tron::tron_toml(&[trx.url()]),
        solana::solana_toml(&[&sol.url()]),
    ));
    let lines = [
        (esplora::txid("tx_confirmed"), "btc", "finalized"),
        (tron::id_of("usdt"), "tron", "finalized"),
        ("certainly not a transaction".to_string(), "", ""),
        (solana::signature("usdt"), "sol", "finalized"),
        (
            format!("https://mempool.space/tx/{}", esplora::txid("tx_confirmed")),
            "btc",
            "finalized",
        ),
    ];
    let input: String = lines.iter().map(|(q, _, _)| format!("{q}\n")).collect();
    let run = cfg.run_stdin(&["batch"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = run.ndjson();
    assert_eq!(got.len(), lines.len(), "{}", run.stdout);
    for (record, (query, chain, status)) in got.iter().zip(&lines) {
        assert_eq!(record["query"], *query);
        if chain.is_empty() {
            assert_eq!(record["status"], Value::Null);
            assert!(record["error"].is_string());
        } else {
            assert_eq!(record["chain"], *chain, "{record}");
            assert!(
                record["status"] == *status || record["status"] == "confirmed",
                "{record}"
            );
        }
    }
    // The USDT transfers name their real recipient and amount.
    assert_eq!(got[1]["token_transfers"][0]["symbol"], "USDT");
    assert_eq!(got[3]["token_transfers"][0]["symbol"], "USDT");
}
