//! The paste-ready reply for every status and reason code, in every
//! language, from fixed facts: the facts go through the real diagnosis
//! (`diagnose::tx_report`) and the real renderer, and insta keeps each reply
//! in `tests/snapshots/` for review. Besides the snapshots, every reply is
//! checked for what a support agent needs: the same numbers, hashes and links
//! in every language, no internal codes, and the safety reminder last.

use alloy_primitives::U256;
use txdoctor::chain::{ChainOutcome, EndpointFailure, FaultKind, Search};
use txdoctor::config::{BUILTIN, Config, parse};
use txdoctor::diagnose::tx_report;
use txdoctor::model::*;
use txdoctor::render::Lang;
use txdoctor::render::paragraph::{paragraph, with_reminder};

const ALICE: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ETH_USDT: &str = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
const BSC_USDT: &str = "0x55d398326f99059fF775485246999027B3197955";
const TRON_USDT: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const TRON_FROM: &str = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8";
const TRON_TO: &str = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL";
const BTC_TO: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
const BTC_FROM: &str = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh";
const SOL_FROM: &str = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const SOL_TO: &str = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const SOL_SIG: &str =
    "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
const GWEI: u64 = 1_000_000_000;

fn hash(byte: &str) -> String {
    format!("0x{}", byte.repeat(32))
}

fn wei(gwei_tenths: u64) -> U256 {
    U256::from(gwei_tenths * GWEI / 10)
}

fn usdt(chain: &str, amount: &str, raw: &str) -> TokenTransfer {
    let token = match chain {
        "eth" => ETH_USDT,
        "bsc" => BSC_USDT,
        _ => TRON_USDT,
    };
    let (from, to) = if chain == "tron" {
        (TRON_FROM, TRON_TO)
    } else {
        (ALICE, BOB)
    };
    TokenTransfer {
        memo: None,
        token: token.into(),
        symbol: Some("USDT".into()),
        from: from.into(),
        to: to.into(),
        raw: raw.into(),
        amount: Some(amount.into()),
        trust: Default::default(),
    }
}

fn eth(raw: u64) -> Amount {
    Amount::new(U256::from(raw), 18, "ETH")
}

/// 1,250.5 USDT from Alice to Bob on Ethereum, nonce 42.
fn eth_usdt() -> TxFacts {
    let mut f = TxFacts::new(hash("a1"), ALICE, eth(0));
    f.to = Some(ETH_USDT.into());
    f.nonce = Some(42);
    f
}

fn gas_fee(total_wei: u64, gas_used: u64, gas_limit: u64, price_wei: u64) -> Fee {
    Fee {
        gas_used: Some(gas_used),
        gas_limit: Some(gas_limit),
        gas_price: Some(price_wei.to_string()),
        ..Fee::flat(eth(total_wei))
    }
}

fn mined(mut f: TxFacts, block: u64, head: u64, succeeded: bool) -> TxFacts {
    f.block = Some(block);
    f.head = Some(head);
    f.succeeded = Some(succeeded);
    f
}

fn eth_mined(head: u64) -> TxFacts {
    let mut f = mined(eth_usdt(), 21_000_000, head, true);
    f.token_transfers = vec![usdt("eth", "1250.5", "1250500000")];
    f.fee = Some(gas_fee(
        1_158_740_000_000_000,
        46_109,
        65_000,
        25_130_000_000,
    ));
    f
}

fn eth_failed(failure: Failure, gas_used: u64) -> TxFacts {
    let mut f = mined(eth_usdt(), 21_000_000, 21_000_010, false);
    f.intended_transfer = Some(usdt("eth", "1250.5", "1250500000"));
    f.fee = Some(gas_fee(
        gas_used * 25_130_000_000,
        gas_used,
        65_000,
        25_130_000_000,
    ));
    f.failure = Some(failure);
    f
}

/// A pending USDT transfer on Ethereum with its fee figures.
fn eth_pending(pending: PendingFacts) -> TxFacts {
    let mut f = eth_usdt();
    f.intended_transfer = Some(usdt("eth", "1250.5", "1250500000"));
    f.family = FamilyFacts::Evm {
        pending: Some(Box::new(pending)),
    };
    f
}

fn tips() -> Option<TipLevels> {
    Some(TipLevels {
        p10: wei(5),
        p50: wei(15),
        p90: wei(40),
    })
}

fn pending_facts(max_fee_tenths: u64, tip_tenths: u64, latest: u64, in_pool: u64) -> PendingFacts {
    PendingFacts {
        max_fee_per_gas: Some(wei(max_fee_tenths)),
        max_priority_fee_per_gas: Some(wei(tip_tenths)),
        gas_price: None,
        next_base_fee: Some(wei(182)),
        recent_tips: tips(),
        sender_nonce: Some(SenderNonce {
            latest,
            pending: in_pool,
        }),
    }
}

fn trx(sun: u64) -> Amount {
    Amount::new(U256::from(sun), 6, "TRX")
}

fn energy_market() -> Congestion {
    Congestion {
        energy: Some(Box::new(EnergyMarket {
            energy_price_sun: 100,
            bandwidth_price_sun: 1000,
            usdt_transfer_energy: 64_285,
            usdt_transfer_burn: trx(6_773_500),
            sender_energy_available: Some(0),
            sender_bandwidth_available: Some(0),
        })),
        ..Congestion::new(CongestionLevel::Normal)
    }
}

fn tron_fee(energy: u64, staked: u64, fee_limit: u64) -> Fee {
    let burned = energy - staked;
    Fee {
        resources: Some(Resources::Tron(ResourceFee {
            energy_used: energy,
            energy_from_stake: staked,
            energy_from_deployer: 0,
            energy_burned: burned,
            energy_fee: trx(burned * 100),
            energy_penalty: 0,
            bandwidth_used: 345,
            bandwidth_fee: trx(345_000),
            fee_limit: Some(trx(fee_limit)),
        })),
        ..Fee::flat(trx(burned * 100 + 345_000))
    }
}

/// 300 USDT on TRON, paid by burning TRX for all its energy.
fn tron_usdt() -> TxFacts {
    let mut f = TxFacts::new("c3".repeat(32), TRON_FROM, trx(0));
    f.to = Some(TRON_USDT.into());
    f.congestion = Some(energy_market());
    f
}

fn sats(n: u64) -> Amount {
    Amount::new(U256::from(n), 8, "BTC")
}

fn btc_rates() -> Congestion {
    Congestion {
        mempool: Some(Box::new(MempoolState {
            fee_rates: Some(FeeRates {
                next_block: 24.0,
                half_hour: 18.0,
                hour: 12.0,
                day: Some(4.0),
                minimum: Some(1.0),
            }),
            backlog_vsize: Some(48_000_000),
            backlog_count: Some(61_000),
        })),
        ..Congestion::new(CongestionLevel::High)
    }
}

/// 0.05 BTC to one address with change, 141 vB, paying `fee` sats.
fn btc(fee: u64, parents: Vec<ParentTx>) -> TxFacts {
    let mut f = TxFacts::new("d4".repeat(32), BTC_FROM, sats(5_000_000));
    f.to = Some(BTC_TO.into());
    f.fee = Some(Fee::flat(sats(fee)));
    f.congestion = Some(btc_rates());
    f.family = FamilyFacts::Utxo(Box::new(UtxoFacts {
        vsize: 141,
        weight: 561,
        fee_rate: fee as f64 / 141.0,
        rbf: true,
        inputs: vec![UtxoInput {
            txid: "e5".repeat(32),
            vout: 1,
            address: Some(BTC_FROM.into()),
            value: Some(sats(7_000_000 + fee)),
            sequence: 0xffff_fffd,
        }],
        outputs: vec![
            UtxoOutput {
                address: Some(BTC_TO.into()),
                kind: "v0_p2wpkh".into(),
                value: sats(5_000_000),
                change: false,
            },
            UtxoOutput {
                address: Some(BTC_FROM.into()),
                kind: "v0_p2wpkh".into(),
                value: sats(2_000_000),
                change: true,
            },
        ],
        unconfirmed_parents: parents,
        parents_unchecked: 0,
    }));
    f
}

fn lamports(n: u64) -> Amount {
    Amount::new(U256::from(n), 9, "SOL")
}

/// 2.5 SOL from one account to another.
fn sol(commitment: &str, failure: Option<Failure>) -> TxFacts {
    let mut f = TxFacts::new(SOL_SIG, SOL_FROM, lamports(2_500_000_000));
    f.to = Some(SOL_TO.into());
    f.block = Some(301_000_000);
    f.head = Some(301_000_012);
    f.succeeded = Some(failure.is_none());
    f.failure = failure;
    f.fee = Some(Fee::flat(lamports(15_000)));
    f.family = FamilyFacts::Solana(Box::new(SolanaFacts {
        commitment: commitment.into(),
        base_fee: 5_000,
        priority_fee: 10_000,
        compute_units: Some(450),
        balance_changes: vec![],
        instruction_error: None,
    }));
    f
}

fn failure(kind: FailureKind, message: Option<&str>) -> Failure {
    Failure {
        message: message.map(str::to_string),
        kind,
        data: None,
    }
}

fn seen(nonce: u64) -> Seen {
    Seen {
        expires_at: None,
        chain: "eth".into(),
        hash: hash("a1"),
        from: ALICE.into(),
        nonce,
        max_fee: Some("30000000000".into()),
        tip: Some("1500000000".into()),
        first_seen: 1_795_000_000,
        last_seen: 1_795_000_600,
        head_at_first_seen: Some(21_000_000),
        inputs: vec![],
    }
}

fn found(key: &str, facts: TxFacts) -> (String, ChainOutcome) {
    (
        key.into(),
        ChainOutcome::Found {
            facts: Box::new(facts),
            endpoint: "https://node.example".into(),
            failures: vec![],
        },
    )
}

/// A case where the one chain searched found the transaction.
fn found_on(name: &'static str, key: &'static str, facts: TxFacts) -> Case {
    (name, vec![key], vec![found(key, facts)])
}

fn not_found(key: &str, vanished: Option<Vanished>) -> (String, ChainOutcome) {
    (
        key.into(),
        ChainOutcome::NotFound {
            endpoints: vec!["https://node.example".into()],
            failures: vec![],
            congestion: None,
            vanished: vanished.map(Box::new),
            respent: None,
        },
    )
}

fn unavailable(key: &str, chain_mismatch: bool) -> (String, ChainOutcome) {
    (
        key.into(),
        ChainOutcome::Unavailable {
            failures: vec![EndpointFailure {
                endpoint: "https://node.example".into(),
                what: "timed out".into(),
                kind: if chain_mismatch {
                    FaultKind::ChainMismatch
                } else {
                    FaultKind::Timeout
                },
            }],
        },
    )
}

/// A transaction an earlier run saw pending on Ethereum (nonce 42), now
/// unknown to the network, and what became of it.
fn seen_on_eth(name: &'static str, fate: Fate) -> Case {
    let vanished = Vanished {
        seen: seen(42),
        fate,
    };
    (name, vec!["eth"], vec![not_found("eth", Some(vanished))])
}

fn nonce(latest: u64) -> SenderNonce {
    SenderNonce {
        latest,
        pending: latest,
    }
}

/// An Aptos transaction from its fixture (tests/fixtures/aptos), through the
/// family's real converter, at the fake node's ledger.
fn aptos(name: &str) -> TxFacts {
    use txdoctor::chain::aptos::{convert, wire};
    let path = format!(
        "{}/tests/fixtures/aptos/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tx: wire::Transaction = serde_json::from_value(v["transaction"].clone()).unwrap();
    let ledger = convert::Ledger {
        chain_id: 1,
        version: 7_210_214_600,
        timestamp_us: 1_789_430_000_000_000,
        oldest_version: 0,
        block_height: Some(500_000_000),
    };
    let estimate = wire::GasEstimate {
        deprioritized_gas_estimate: Some(100),
        gas_estimate: 100,
        prioritized_gas_estimate: Some(150),
    };
    let cfg = config();
    convert::tx_facts(&tx, &ledger, Some(&estimate), cfg.chain("aptos").unwrap())
}

/// The pending fixture with the sender's account at `next`.
fn aptos_pending(next: u64) -> TxFacts {
    let mut f = aptos("pending");
    if let FamilyFacts::Aptos(a) = &mut f.family {
        a.sender_sequence_number = Some(next);
    }
    f
}

/// The pending Aptos fixture seen by an earlier run, now gone.
fn seen_on_aptos(name: &'static str, fate: Fate) -> Case {
    let f = aptos("pending");
    let vanished = Vanished {
        seen: Seen {
            chain: "aptos".into(),
            hash: f.hash.clone(),
            from: f.from.clone(),
            nonce: 87,
            max_fee: None,
            tip: None,
            first_seen: 1_789_429_990,
            last_seen: 1_789_429_990,
            head_at_first_seen: Some(500_000_000),
            inputs: vec![],
            expires_at: Some(1_789_430_600),
        },
        fate,
    };
    (
        name,
        vec!["aptos"],
        vec![not_found("aptos", Some(vanished))],
    )
}

/// An EOS (Vaulta) transaction from its fixture (tests/fixtures/antelope),
/// through the family's real converter.
fn eos(name: &str, lib: u64) -> TxFacts {
    use txdoctor::chain::antelope::{convert, wire};
    let path = format!(
        "{}/tests/fixtures/antelope/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tx: wire::GetTransaction = serde_json::from_value(v["response"].clone()).unwrap();
    let cfg = config();
    convert::tx_facts(
        v["trx_id"].as_str().unwrap(),
        &tx.actions,
        Some(lib),
        Some(400_000_020),
        cfg.chain("eos").unwrap(),
    )
}

/// A transaction a node holds, waiting for a block (get_transaction_status).
fn eos_waiting() -> TxFacts {
    use txdoctor::chain::antelope::{convert, wire};
    let s: wire::TransactionStatus = serde_json::from_value(serde_json::json!({
        "state": "LOCALLY_APPLIED", "head_number": 400_000_020u64, "head_timestamp": "2026-12-07T05:00:00.000",
        "irreversible_number": 400_000_010u64, "expiration": "2026-12-07T05:00:30"
    }))
    .unwrap();
    let cfg = config();
    convert::status_facts(&"cd".repeat(32), &s, cfg.chain("eos").unwrap()).unwrap()
}

/// A transaction seen waiting on EOS by an earlier run, now gone.
fn seen_on_eos(name: &'static str, fate: Fate) -> Case {
    let vanished = Vanished {
        seen: Seen {
            chain: "eos".into(),
            hash: "cd".repeat(32),
            from: String::new(),
            nonce: 0,
            max_fee: None,
            tip: None,
            first_seen: 1_796_619_590,
            last_seen: 1_796_619_590,
            head_at_first_seen: Some(400_000_020),
            inputs: vec![],
            expires_at: Some(1_796_619_630),
        },
        fate,
    };
    (name, vec!["eos"], vec![not_found("eos", Some(vanished))])
}

/// A Polkadot extrinsic from its fixture (tests/fixtures/substrate),
/// through the family's real converter, on `chain`.
fn dot(name: &str, chain: &str, finalized: u64, named: bool) -> TxFacts {
    use txdoctor::chain::substrate::{convert, wire};
    let read = |file: &str| -> serde_json::Value {
        let path = format!(
            "{}/tests/fixtures/substrate/{file}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let block: wire::Block = serde_json::from_value(read(name)["block"].clone()).unwrap();
    let errors: wire::PalletErrors =
        serde_json::from_value(read("balances_errors")["errors"].clone()).unwrap();
    let index = block
        .extrinsics
        .iter()
        .position(|x| x.signature.is_some())
        .unwrap() as u32;
    let cfg = config();
    convert::tx_facts(
        &block,
        index,
        finalized,
        block.number + 30,
        cfg.chain(chain).unwrap(),
        named.then_some(&errors),
    )
    .unwrap()
}

/// One case: its snapshot name, the chains searched, and what they answered.
type Case = (&'static str, Vec<&'static str>, Vec<(String, ChainOutcome)>);

fn cases() -> Vec<Case> {
    let evm = vec!["eth", "bsc", "polygon", "arbitrum", "op", "base", "avax"];
    let mut bsc = mined(
        TxFacts::new(hash("b2"), ALICE, Amount::new(U256::ZERO, 18, "BNB")),
        45_000_000,
        45_000_004,
        true,
    );
    bsc.to = Some(BSC_USDT.into());
    bsc.token_transfers = vec![usdt("bsc", "250", "250000000000000000000")];
    bsc.fee = Some(Fee {
        total: Amount::new(U256::from(51_702_000_000_000u64), 18, "BNB"),
        ..gas_fee(0, 51_702, 60_000, 1_000_000_000)
    });

    let mut fake_usdt = bsc.clone();
    fake_usdt.token_transfers[0].token = "0x1111111111111111111111111111111111111111".into();
    let mut bsc_twin = bsc.clone();
    bsc_twin.hash = eth_mined(21_000_003).hash;
    bsc_twin.succeeded = Some(false);

    let mut tron_ok = mined(tron_usdt(), 70_000_000, 70_000_025, true);
    tron_ok.token_transfers = vec![usdt("tron", "300", "300000000")];
    tron_ok.fee = Some(tron_fee(64_285, 0, 100_000_000));
    tron_ok.solidified = Some(true);

    let mut tron_energy = mined(tron_usdt(), 70_000_000, 70_000_025, false);
    tron_energy.intended_transfer = Some(usdt("tron", "300", "300000000"));
    tron_energy.fee = Some(tron_fee(29_630, 0, 3_000_000));
    tron_energy.failure = Some(failure(FailureKind::OutOfEnergy, None));
    tron_energy.solidified = Some(true);

    let mut tron_expired = tron_usdt();
    tron_expired.intended_transfer = Some(usdt("tron", "300", "300000000"));
    tron_expired.expires_at_ms = Some(1_795_000_060_000);
    tron_expired.observed_at_ms = Some(1_795_000_600_000);

    let mut tron_some = mined(tron_usdt(), 70_000_000, 70_000_010, true);
    tron_some.token_transfers = vec![usdt("tron", "300", "300000000")];
    tron_some.fee = Some(tron_fee(64_285, 40_000, 100_000_000));
    tron_some.solidified = Some(false);

    let mut tron_pending = tron_usdt();
    tron_pending.intended_transfer = Some(usdt("tron", "300", "300000000"));
    tron_pending.expires_at_ms = Some(1_795_000_060_000);
    tron_pending.observed_at_ms = Some(1_795_000_010_000);

    let mut btc_unrated = btc(2_820, vec![]);
    btc_unrated.congestion = None;

    let mut btc_ok = btc(2_820, vec![]);
    btc_ok.block = Some(870_000);
    btc_ok.head = Some(870_002);
    btc_ok.succeeded = Some(true);
    btc_ok.congestion = None;

    let parent = ParentTx {
        txid: "f6".repeat(32),
        fee: 300,
        vsize: 150,
        fee_rate: 2.0,
    };

    let mut legacy = eth_pending(PendingFacts {
        max_fee_per_gas: None,
        max_priority_fee_per_gas: None,
        gas_price: Some(wei(120)),
        ..pending_facts(0, 0, 42, 42)
    });
    legacy.hash = hash("a2");

    vec![
        found_on("finalized_included", "eth", eth_mined(21_000_070)),
        ("confirmed_included", evm.clone(), vec![found("bsc", bsc)]),
        found_on(
            "pending_waiting",
            "eth",
            eth_pending(pending_facts(400, 20, 42, 43)),
        ),
        found_on(
            "pending_waiting_behind",
            "eth",
            eth_pending(pending_facts(400, 20, 40, 43)),
        ),
        found_on(
            "pending_fee_below_base_fee",
            "eth",
            eth_pending(pending_facts(150, 15, 42, 43)),
        ),
        found_on("pending_fee_below_base_fee_legacy", "eth", legacy),
        found_on(
            "pending_nonce_gap",
            "eth",
            eth_pending(pending_facts(400, 20, 41, 41)),
        ),
        found_on(
            "pending_nonce_gap_many",
            "eth",
            eth_pending(pending_facts(400, 20, 39, 39)),
        ),
        found_on(
            "pending_low_priority_fee",
            "eth",
            eth_pending(pending_facts(400, 0, 42, 43)),
        ),
        found_on("pending_waiting_bitcoin", "btc", btc(2_820, vec![])),
        found_on("pending_low_fee_rate", "btc", btc(564, vec![])),
        found_on(
            "pending_unconfirmed_parent",
            "btc",
            btc(2_115, vec![parent]),
        ),
        found_on(
            "failed_reverted",
            "eth",
            eth_failed(
                failure(
                    FailureKind::ErrorString,
                    Some("ERC20: transfer amount exceeds balance"),
                ),
                30_211,
            ),
        ),
        found_on(
            "failed_reverted_silent",
            "eth",
            eth_failed(failure(FailureKind::EmptyRevert, None), 24_006),
        ),
        found_on(
            "failed_out_of_gas",
            "eth",
            eth_failed(failure(FailureKind::OutOfGas, None), 65_000),
        ),
        found_on("failed_out_of_energy", "tron", tron_energy),
        found_on(
            "failed_insufficient_funds",
            "sol",
            sol(
                "finalized",
                Some(failure(
                    FailureKind::InsufficientFunds,
                    Some("instruction 0 (System program) failed: custom program error 1 (0x1)"),
                )),
            ),
        ),
        found_on(
            "failed_instruction_error",
            "sol",
            sol(
                "finalized",
                Some(failure(
                    FailureKind::InstructionError,
                    Some(
                        "instruction 2 failed: custom program error 6001 (0x1771) — Program log: Error: slippage tolerance exceeded",
                    ),
                )),
            ),
        ),
        found_on(
            "failed_other",
            "eth",
            eth_failed(failure(FailureKind::Unavailable, None), 30_211),
        ),
        seen_on_eth(
            "replaced_replaced",
            Fate::Replaced {
                by: Some(hash("9e")),
                block: Some(21_000_005),
                in_pool: false,
                nonce: nonce(43),
                search_note: None,
            },
        ),
        seen_on_eth(
            "replaced_in_pool",
            Fate::Replaced {
                by: None,
                block: None,
                in_pool: true,
                nonce: SenderNonce {
                    latest: 42,
                    pending: 43,
                },
                search_note: None,
            },
        ),
        seen_on_eth("dropped_dropped", Fate::Dropped { nonce: nonce(42) }),
        found_on("dropped_expired", "tron", tron_expired),
        (
            "not_found_not_found",
            evm.clone(),
            evm.iter().map(|k| not_found(k, None)).collect(),
        ),
        (
            "not_found_bitcoin",
            vec!["btc"],
            vec![not_found("btc", None)],
        ),
        (
            "not_found_solana",
            vec!["sol"],
            vec![not_found("sol", None)],
        ),
        (
            "unknown_endpoints_unavailable",
            vec!["eth"],
            vec![unavailable("eth", false)],
        ),
        (
            "unknown_partial",
            vec!["eth", "bsc"],
            vec![not_found("eth", None), unavailable("bsc", false)],
        ),
        (
            "unknown_chain_mismatch",
            vec!["bsc"],
            vec![unavailable("bsc", true)],
        ),
        found_on("confirmed_tron", "tron", tron_ok),
        found_on("confirmed_tron_some_energy", "tron", tron_some),
        found_on("pending_waiting_tron", "tron", tron_pending),
        found_on("pending_waiting_bitcoin_unrated", "btc", btc_unrated),
        seen_on_eth(
            "replaced_unidentified",
            Fate::Replaced {
                by: None,
                block: None,
                in_pool: false,
                nonce: nonce(43),
                search_note: Some("the blocks since could not be read".into()),
            },
        ),
        seen_on_eth(
            "not_found_seen_before",
            Fate::Unchecked {
                why: "timed out".into(),
            },
        ),
        found_on("confirmed_bitcoin", "btc", btc_ok.clone()),
        found_on("confirmed_solana", "sol", sol("confirmed", None)),
        // Issue 18: a token calling itself USDT that is not BSC's USDT.
        found_on("confirmed_fake_token", "bsc", fake_usdt),
        // Issue 18: the same hash on two chains.
        (
            "confirmed_also_on",
            vec!["eth", "bsc"],
            vec![found("eth", eth_mined(21_000_003)), found("bsc", bsc_twin)],
        ),
        // Issue 23: Polkadot, through the family's converter.
        found_on(
            "finalized_dot_relay",
            "dot-relay",
            dot("dot_transfer", "dot-relay", 11_852_267, true),
        ),
        found_on(
            "finalized_dot_usdt",
            "dot",
            dot("usdt", "dot", 10_300_028, true),
        ),
        found_on(
            "confirmed_dot_usdt",
            "dot",
            dot("usdt", "dot", 10_299_990, true),
        ),
        found_on(
            "failed_module_error",
            "dot",
            dot("failed", "dot", 10_300_038, true),
        ),
        found_on(
            "failed_module_error_unnamed",
            "dot",
            dot("failed", "dot", 10_300_038, false),
        ),
        found_on(
            "finalized_dot_xcm",
            "dot",
            dot("xcm", "dot", 10_300_048, true),
        ),
        (
            "unknown_beyond_search_window",
            vec!["dot"],
            vec![(
                "dot".into(),
                ChainOutcome::Beyond {
                    from: 10_299_007,
                    to: 10_300_030,
                    failures: vec![],
                },
            )],
        ),
        // Issue 22: EOS (Vaulta), through the family's converter.
        found_on("finalized_eos_memo", "eos", eos("eos_memo", 400_000_010)),
        found_on("confirmed_eos_memo", "eos", eos("eos_memo", 399_999_999)),
        found_on("finalized_eos_a", "eos", eos("a_transfer", 400_000_010)),
        found_on("finalized_eos_swap", "eos", eos("swap", 400_000_010)),
        found_on(
            "finalized_eos_usdt_frozen",
            "eos",
            eos("usdt_frozen", 400_000_010),
        ),
        found_on("finalized_eos_no_memo", "eos", eos("no_memo", 400_000_010)),
        found_on(
            "finalized_eos_provider",
            "eos",
            eos("provider", 400_000_010),
        ),
        found_on("pending_eos_waiting", "eos", eos_waiting()),
        ("not_found_eos", vec!["eos"], vec![not_found("eos", None)]),
        seen_on_eos(
            "dropped_eos_expired",
            Fate::Expired {
                nonce: None,
                expired_at: 1_796_619_630,
            },
        ),
        // Issue 21: Aptos, through the family's converter.
        found_on("finalized_aptos_usdt", "aptos", aptos("usdt")),
        found_on("finalized_aptos_apt", "aptos", aptos("apt")),
        found_on("finalized_aptos_sponsored", "aptos", aptos("sponsored")),
        found_on("failed_move_abort", "aptos", aptos("abort")),
        found_on("failed_aptos_out_of_gas", "aptos", aptos("out_of_gas")),
        found_on("pending_aptos_waiting", "aptos", aptos_pending(87)),
        found_on("pending_aptos_gap", "aptos", aptos_pending(85)),
        (
            "not_found_aptos",
            vec!["aptos"],
            vec![not_found("aptos", None)],
        ),
        seen_on_aptos(
            "dropped_aptos_expired",
            Fate::Expired {
                nonce: Some(nonce(87)),
                expired_at: 1_789_430_600,
            },
        ),
        seen_on_aptos(
            "not_found_aptos_unexpired",
            Fate::Unexpired {
                until: 1_789_430_600,
            },
        ),
        // Issue 18: replaced by fee on Bitcoin, named by what spent its coins.
        (
            "replaced_bitcoin_rbf",
            vec!["btc"],
            vec![(
                "btc".into(),
                ChainOutcome::NotFound {
                    endpoints: vec!["https://node.example".into()],
                    failures: vec![],
                    congestion: None,
                    vanished: None,
                    respent: Some(Respent {
                        by: "c7".repeat(32),
                        mined: true,
                    }),
                },
            )],
        ),
    ]
}

fn config() -> Config {
    parse(BUILTIN).unwrap()
}

/// The reply for one case in one language, as `--reply` prints it.
fn reply(
    cfg: &Config,
    searched: &[&str],
    outcomes: Vec<(String, ChainOutcome)>,
    lang: Lang,
) -> String {
    let report = case_report(cfg, searched, outcomes);
    let names = |k: &str| cfg.chain(k).map_or(k.to_string(), |c| c.name.clone());
    with_reminder(paragraph(&report, lang, &names), lang)
}

/// The report the diagnosis makes of one case.
fn case_report(cfg: &Config, searched: &[&str], outcomes: Vec<(String, ChainOutcome)>) -> TxReport {
    let searched: Vec<String> = searched.iter().map(|s| s.to_string()).collect();
    let hash = match &outcomes[0].1 {
        ChainOutcome::Found { facts, .. } => facts.hash.clone(),
        _ if searched == ["sol"] => SOL_SIG.to_string(),
        _ if searched == ["btc"] => "d4".repeat(32),
        _ if searched == ["eos"] => "a1".repeat(32),
        _ => hash("a1"),
    };
    let search = Search { outcomes };
    tx_report(&hash, &hash, &searched, search, cfg)
}

/// The table and paragraph `check` prints for a report, with no terminal.
fn text_of(cfg: &Config, report: &TxReport, lang: Lang) -> String {
    let names = |k: &str| cfg.chain(k).map_or(k.to_string(), |c| c.name.clone());
    txdoctor::render::text::tx_text(
        report,
        &txdoctor::render::text::TextOptions {
            lang,
            width: None,
            color: false,
        },
        &names,
    )
}

#[test]
fn every_case_reads_right_in_every_language() {
    let cfg = config();
    let mut langs: Vec<Lang> = Lang::all().collect();
    langs.sort_by_key(|l| *l != Lang::EN);
    assert!(langs.len() >= 4, "en, ja, ko, zh: {langs:?}");
    for (name, searched, outcomes) in cases() {
        let mut english = Default::default();
        for &lang in &langs {
            let text = reply(&cfg, &searched, outcomes.clone(), lang);
            // The snapshots stay in tests/snapshots under their names of
            // when this was a test binary of its own.
            insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(format!("replies__{name}.{lang}"), text);
            });
            check_reply(name, lang, &text);
            if lang == Lang::EN {
                english = figures(&text);
            } else {
                assert_eq!(
                    figures(&text),
                    english,
                    "{name}: {lang} must carry the same numbers, hashes and links as English"
                );
            }
        }
    }
}

/// One paragraph, then the safety reminder as the last line; no unfilled
/// placeholder, and none of the contract's codes a customer cannot read.
fn check_reply(name: &str, lang: Lang, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "{name}.{lang}: a paragraph and the reminder:\n{text}"
    );
    assert_eq!(lines[1], lang.t("safety_reminder", &[]), "{name}.{lang}");
    assert!(
        !text.contains(['{', '}']),
        "{name}.{lang}: unfilled placeholder:\n{text}"
    );
    // Issue 20: the customer never hears about the agent's setup.
    let setup: &[&str] = match lang.code() {
        "zh" => &["配置"],
        "zh-Hant" => &["配置", "設定的節點", "設定的網路"],
        "ja" => &["設定済み", "設定されたノード", "用に設定"],
        "ko" => &["설정된 노드", "설정된 네트워크", "용으로 설정"],
        _ => &["configured"],
    };
    for word in setup {
        assert!(
            !lines[0].contains(word),
            "{name}.{lang}: talks about the setup ({word}):\n{text}"
        );
    }
    let codes = [
        "fee_below_base_fee",
        "nonce_gap",
        "low_priority_fee",
        "low_fee_rate",
        "unconfirmed_parent",
        "out_of_gas",
        "out_of_energy",
        "insufficient_funds",
        "instruction_error",
        "endpoints_unavailable",
        "chain_mismatch",
        "not_found",
        "replaced_by",
    ];
    for code in codes {
        assert!(
            !text.contains(code),
            "{name}.{lang}: internal code {code:?}:\n{text}"
        );
    }
}

/// The numbers, hashes, addresses and links in a reply: runs of ASCII
/// letters, digits and URL punctuation that hold a digit, as a set. Single
/// digits are left out: languages say "an hour" / "1時間" / "the two" / "2件".
fn figures(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "./:#%-_".contains(c)))
        .map(|w| w.trim_end_matches(['.', ':', '-']))
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .filter(|w| w.len() != 1)
        .map(str::to_string)
        .collect()
}

/// The text table and the JSON object of every case, in English: the
/// snapshots that show a change in how a family's facts are shown (the
/// reply snapshots above hold only the paragraph).
#[test]
fn every_case_has_the_same_table_and_json() {
    let cfg = config();
    for (name, searched, outcomes) in cases() {
        let report = case_report(&cfg, &searched, outcomes);
        let names = |k: &str| cfg.chain(k).map_or(k.to_string(), |c| c.name.clone());
        let table = text_of(&cfg, &report, Lang::EN);
        let json = serde_json::to_string_pretty(&txdoctor::render::json::tx_json(
            &report,
            Lang::EN,
            &names,
        ))
        .unwrap();
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("views__{name}.text"), table);
            insta::assert_snapshot!(format!("views__{name}.json"), json);
        });
    }
}

/// Issue 20: a zh, ja or ko table shows no English machine word: statuses,
/// reasons and congestion levels are in the language (JSON keeps the codes).
#[test]
fn tables_in_other_languages_show_no_codes() {
    let cfg = config();
    let codes = [
        "pending",
        "confirmed",
        "finalized",
        "failed",
        "replaced",
        "dropped",
        "not_found",
        "unknown",
        "included",
        "waiting",
        "fee_below_base_fee",
        "nonce_gap",
        "low_priority_fee",
        "low_fee_rate",
        "unconfirmed_parent",
        "reverted",
        "out_of_gas",
        "out_of_energy",
        "insufficient_funds",
        "instruction_error",
        "other",
        "expired",
        "endpoints_unavailable",
        "chain_mismatch",
        "low",
        "normal",
        "high",
        "extreme",
    ];
    for (name, searched, outcomes) in cases() {
        let report = case_report(&cfg, &searched, outcomes);
        for lang in Lang::all().filter(|l| *l != Lang::EN) {
            let text = text_of(&cfg, &report, lang);
            let table = text.split("\n\n").next().unwrap_or_default();
            // The chain's own words (a program's error) are data, not ours.
            let failure = lang.t("label_failure", &[]);
            let docs = lang.t("label_error_docs", &[]);
            let ours: String = table
                .lines()
                .filter(|l| !l.contains(&failure) && !l.contains(&docs))
                .collect::<Vec<_>>()
                .join("\n");
            for word in ours.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                assert!(
                    !codes.contains(&word),
                    "{name}.{lang}: the code {word:?} in the table:\n{table}"
                );
            }
        }
    }
}
