//! Test harness: a real anvil node per test on a free loopback port (killed on
//! drop), a small JSON-RPC client to create transactions in real states, a
//! chains.toml writer and a runner for the txdoctor binary.
#![allow(dead_code)]

pub mod antelope;
pub mod aptos;
pub mod esplora;
pub mod fake;
pub mod solana;
pub mod substrate;
pub mod tron;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256, hex};
use alloy_sol_types::{SolCall, SolValue};
use serde_json::{Value, json};

/// anvil's first three unlocked dev accounts.
pub const ALICE: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
pub const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
pub const CAROL: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

const TOKEN_BIN: &str = include_str!("../../contracts/TestToken.bin");

fn anvil_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("TXDOCTOR_ANVIL") {
        return PathBuf::from(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    assert!(
        p.exists(),
        "anvil is not installed at {}: run scripts/test.sh, which installs it from the npm registry",
        p.display()
    );
    p
}

pub struct Anvil {
    child: Child,
    pub url: String,
    pub chain_id: u64,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Anvil {
    pub fn spawn(chain_id: u64) -> Anvil {
        Self::spawn_with(chain_id, &[])
    }

    pub fn spawn_with(chain_id: u64, extra: &[&str]) -> Anvil {
        let mut child = Command::new(anvil_bin())
            .args([
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--chain-id",
                &chain_id.to_string(),
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start anvil");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some(addr) = line.strip_prefix("Listening on ") {
                    let _ = tx.send(addr.trim().to_string());
                    sent = true;
                }
                // keep draining so anvil never blocks on a full pipe
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("anvil printed no 'Listening on' line");
        Anvil {
            child,
            url: format!("http://{addr}"),
            chain_id,
        }
    }

    pub fn try_rpc(&self, method: &str, params: Value) -> Result<Value, Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let resp: Value = ureq::post(&self.url)
            .send_json(body)
            .expect("anvil answers")
            .into_json()
            .expect("json");
        match resp.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(resp["result"].clone()),
        }
    }

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        self.try_rpc(method, params.clone())
            .unwrap_or_else(|e| panic!("{method} {params}: {e}"))
    }

    /// Sends from an unlocked dev account and waits until it is mined; returns the hash.
    pub fn send(&self, tx: Value) -> String {
        let hash = self.send_pending(tx);
        self.receipt(&hash);
        hash
    }

    /// `n` mined transfers of 1 wei from ALICE to BOB; their hashes.
    pub fn transfers(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| self.send(json!({"from": ALICE, "to": BOB, "value": "0x1"})))
            .collect()
    }

    /// Sends without waiting for a block (automine off, or a queued nonce).
    pub fn send_pending(&self, tx: Value) -> String {
        self.rpc("eth_sendTransaction", json!([tx]))
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn automine(&self, on: bool) {
        self.rpc("evm_setAutomine", json!([on]));
    }

    pub fn nonce(&self, account: &str, tag: &str) -> u64 {
        hex_u64(&self.rpc("eth_getTransactionCount", json!([account, tag])))
    }

    pub fn mine(&self, blocks: u64) {
        self.rpc("anvil_mine", json!([format!("0x{blocks:x}")]));
    }

    pub fn block_number(&self) -> u64 {
        u64::from_str_radix(
            self.rpc("eth_blockNumber", json!([]))
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
            16,
        )
        .unwrap()
    }

    /// The receipt, once anvil has mined the transaction (it mines asynchronously).
    pub fn receipt(&self, hash: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let r = self.rpc("eth_getTransactionReceipt", json!([hash]));
            if !r.is_null() {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{hash} was not mined within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Deploys tests/contracts/TestToken.sol; the deployer (ALICE) holds `supply`.
    pub fn deploy_token(&self, name: &str, symbol: &str, decimals: u8, supply: U256) -> String {
        let args = (
            name.to_string(),
            symbol.to_string(),
            U256::from(decimals),
            supply,
        )
            .abi_encode_params();
        let code = format!("0x{}{}", TOKEN_BIN.trim(), hex::encode(args));
        let hash = self.send(json!({"from": ALICE, "data": code, "gas": "0x500000"}));
        let receipt = self.receipt(&hash);
        assert_eq!(receipt["status"], "0x1", "token deployment failed");
        receipt["contractAddress"].as_str().unwrap().to_string()
    }

    /// A contract call from `from` with an explicit gas limit, so that a call
    /// that will fail is still sent (no estimate) and mined.
    pub fn call_tx(&self, from: &str, to: &str, data: Vec<u8>, gas: u64) -> String {
        self.send(json!({"from": from, "to": to, "data": hex::encode_prefixed(data), "gas": format!("0x{gas:x}")}))
    }

    /// An ERC-20 `transfer(to, units)` of `token` from `from`, mined.
    pub fn pay_token(&self, token: &str, from: &str, to: &str, units: u64) -> String {
        let call = erc20::transferCall {
            to: address(to),
            amount: U256::from(units),
        };
        self.call_tx(from, token, SolCall::abi_encode(&call), 100_000)
    }
}

mod erc20 {
    alloy_sol_types::sol! {
        function transfer(address to, uint256 amount) returns (bool);
    }
}

const GWEI: u64 = 1_000_000_000;

/// A 1-wei transfer ALICE → BOB with EIP-1559 fees in tenths of a gwei.
pub fn eip1559_transfer(nonce: u64, max_fee_tenths: u64, tip_tenths: u64) -> Value {
    let gwei = |tenths: u64| format!("0x{:x}", tenths * GWEI / 10);
    json!({
        "from": ALICE, "to": BOB, "value": "0x1",
        "nonce": format!("0x{nonce:x}"),
        "maxFeePerGas": gwei(max_fee_tenths),
        "maxPriorityFeePerGas": gwei(tip_tenths),
    })
}

pub fn hex_u64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

pub fn hex_u256(v: &Value) -> U256 {
    U256::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// One `[chains.<key>]` table for a test configuration.
pub struct ChainSpec<'a> {
    pub key: &'a str,
    pub chain_id: u64,
    pub rpc: Vec<String>,
    pub confirmations: u64,
    pub block_time_secs: f64,
    pub symbol: &'a str,
    pub explorer: &'a str,
    /// (symbol, address, decimals)
    pub tokens: Vec<(&'a str, String, u8)>,
    /// More `key = value` lines for the chain's table.
    pub extra: String,
}

impl<'a> ChainSpec<'a> {
    pub fn new(key: &'a str, chain_id: u64, rpc: Vec<String>) -> Self {
        ChainSpec {
            key,
            chain_id,
            rpc,
            confirmations: 12,
            block_time_secs: 12.0,
            symbol: "ETH",
            explorer: "https://etherscan.io/tx/{hash}",
            tokens: vec![],
            extra: String::new(),
        }
    }
}

/// A chains.toml in its own directory, with a cache directory beside it:
/// runs with the same `TestConfig` share their memory of pending transactions
/// (as one user's runs do), and no run touches the real ~/.cache.
pub struct TestConfig {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub cache: PathBuf,
}

impl TestConfig {
    /// `txdoctor ARGS --config <this>` with this configuration's memory.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", self.path.to_str().unwrap()]);
        txdoctor_with_cache(&all, &self.cache)
    }

    /// `run` with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", self.path.to_str().unwrap()]);
        let mut child = command(&all, &self.cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start txdoctor");
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&input);
        });
        let started = Instant::now();
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
            elapsed: started.elapsed(),
        }
    }

    /// `run` with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", self.path.to_str().unwrap()]);
        let mut c = command(&all, &self.cache);
        for (k, v) in env {
            c.env(k, v);
        }
        run_command(c)
    }

    /// The same, started in the background (for `watch` while the test mines).
    pub fn spawn(&self, args: &[&str]) -> Background {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", self.path.to_str().unwrap()]);
        Background {
            child: command(&all, &self.cache)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start txdoctor"),
            started: Instant::now(),
        }
    }
}

/// A txdoctor process running in the background.
pub struct Background {
    child: Child,
    started: Instant,
}

impl Background {
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for it to exit (killing it after `limit`).
    pub fn finish(mut self, limit: Duration) -> Run {
        while self.is_running() {
            if self.started.elapsed() > limit {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let Output {
            status,
            stdout,
            stderr,
        } = self.child.wait_with_output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
            elapsed: self.started.elapsed(),
        }
    }
}

pub fn write_config(chains: &[ChainSpec]) -> TestConfig {
    let mut text = String::new();
    for c in chains {
        let rpc: Vec<String> = c.rpc.iter().map(|u| format!("{u:?}")).collect();
        text.push_str(&format!(
            "[chains.{key}]\nname = \"Test {key}\"\nfamily = \"evm\"\nchain_id = {id}\nsymbol = \"{sym}\"\ndecimals = 18\nconfirmations = {conf}\nblock_time_secs = {bt}\nrpc = [{rpc}]\nexplorer_tx = \"{explorer}\"\n\n",
            key = c.key,
            id = c.chain_id,
            sym = c.symbol,
            conf = c.confirmations,
            bt = c.block_time_secs,
            rpc = rpc.join(", "),
            explorer = c.explorer,
        ));
        if !c.extra.is_empty() {
            let at = text.len() - 1;
            text.insert_str(at, &format!("{}\n", c.extra.trim_end()));
        }
        for (symbol, address, decimals) in &c.tokens {
            text.push_str(&format!("[[chains.{}.tokens]]\nsymbol = \"{symbol}\"\naddress = \"{address}\"\ndecimals = {decimals}\n\n", c.key));
        }
    }
    write_raw_config(&text)
}

/// A chains.toml with exactly this text.
pub fn write_raw_config(text: &str) -> TestConfig {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chains.toml");
    std::fs::write(&path, text).unwrap();
    let cache = dir.path().join("cache");
    TestConfig {
        _dir: dir,
        path,
        cache,
    }
}

/// A loopback address nothing listens on: connections are refused.
pub fn dead_endpoint() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// A batch's records, checked to come from a run that exited 0, one
    /// per hash of `hashes` and in their order.
    pub fn batch_records(&self, hashes: &[String]) -> Vec<Value> {
        assert_eq!(self.code, 0, "{}", self.stderr);
        let records = self.ndjson();
        assert_eq!(records.len(), hashes.len(), "{}", self.stdout);
        for (r, hash) in records.iter().zip(hashes) {
            assert_eq!(r["hash"], hash.as_str(), "{r}");
        }
        records
    }

    /// stdout as NDJSON: one value per line.
    pub fn ndjson(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {l}\nstderr:\n{}", self.stderr))
            })
            .collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON object ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The txdoctor binary with `args`, isolated from the user's environment.
pub fn command(args: &[&str], cache: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_txdoctor"));
    c.args(args)
        .env_remove("TXDOCTOR_CONFIG")
        // The reply's language follows the locale: tests choose it themselves.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", cache)
        // The case store (`case` without --store) lives beside the cache.
        .env("XDG_DATA_HOME", cache)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null());
    c
}

/// Runs the txdoctor binary with `args`, isolated from the user's environment
/// (a fresh, empty cache directory: no memory of earlier runs).
pub fn txdoctor(args: &[&str]) -> Run {
    let cache = tempfile::tempdir().unwrap();
    txdoctor_with_cache(args, cache.path())
}

/// The same with a given cache directory (the memory of pending transactions).
pub fn txdoctor_with_cache(args: &[&str], cache: &Path) -> Run {
    run_command(command(args, cache))
}

fn run_command(mut c: Command) -> Run {
    let started = Instant::now();
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("run txdoctor");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
        elapsed: started.elapsed(),
    }
}

/// HTTP requests the binary sent, from its -v log: one line per request.
pub fn requests(run: &Run) -> usize {
    run.stderr
        .lines()
        .filter(|l| l.contains("answered in") || l.contains("failed after"))
        .count()
}

/// The requests of the lookup itself: without the one batch of `eth_getLogs`
/// that reads a payment's sender history for the address-poisoning check.
pub fn lookup_requests(run: &Run) -> usize {
    requests(run) - poisoning_checks(run)
}

/// Requests made for the address-poisoning check (issue 7).
pub fn poisoning_checks(run: &Run) -> usize {
    run.stderr
        .lines()
        .filter(|l| l.contains("batch [eth_getLogs") && l.contains("answered in"))
        .count()
}

/// `txdoctor check QUERY --config CFG --json`, parsed.
pub fn check_json(cfg: &TestConfig, query: &str) -> (Value, Run) {
    check_json_with(cfg, query, &[])
}

/// The same with more flags (`-v` to count the requests in the log).
pub fn check_json_with(cfg: &TestConfig, query: &str, extra: &[&str]) -> (Value, Run) {
    let mut args = vec!["check", query, "--json"];
    args.extend_from_slice(extra);
    let run = cfg.run(&args);
    (run.json(), run)
}

/// The report's paragraph says each of `wants`.
pub fn says(v: &Value, wants: &[&str]) {
    let d = v["diagnosis"].as_str().unwrap();
    for want in wants {
        assert!(d.contains(want), "{want:?} missing from: {d}");
    }
}

/// The warnings of a report with this code.
pub fn warnings_of<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["warnings"]
        .as_array()
        .map(|w| w.iter().filter(|w| w["code"] == code).collect())
        .unwrap_or_default()
}

pub fn address(s: &str) -> Address {
    s.parse().unwrap()
}
