//! Benchmark for issue 8: `txdoctor batch` against a plain client, on real
//! transactions in a local anvil node. Run it with `bench/batch.sh`.
//!
//! 1. Starts anvil (chain id 1) and mines N transfers (default 2,000), one per block.
//! 2. Peak memory: `txdoctor batch` over a file of 20,000 lines (the N hashes
//!    repeated), as the kernel counted it for that process (`wait4`'s
//!    `ru_maxrss`).
//! 3. Time, directly against anvil and then through a proxy adding 20 ms to
//!    every HTTP request: the plain client (sequential JSON-RPC batches of
//!    `eth_getTransactionByHash` + `eth_getTransactionReceipt` for 100 hashes,
//!    200 calls a request, nothing else) against `txdoctor batch` over the
//!    same N hashes (its config allows 200 calls a request too), alternately,
//!    ROUNDS times; medians and their ratio.
//!
//! Usage: batch_bench TXDOCTOR_BIN [N] [ROUNDS]

#[path = "../tests/it/common/fake.rs"]
#[allow(dead_code)]
mod fake;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ALICE: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const PLAIN_HASHES_PER_REQUEST: usize = 100;
/// The concurrent plain client's requests in flight (issue 24).
const PLAIN_IN_FLIGHT: usize = 20;
const MEMORY_LINES: usize = 20_000;
const DELAY: Duration = Duration::from_millis(20);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(PLAIN_PROCESS) {
        return plain_process_main(&args[2], Path::new(&args[3]));
    }
    let txdoctor = PathBuf::from(
        args.get(1)
            .expect("usage: batch_bench TXDOCTOR_BIN [N] [ROUNDS]"),
    );
    let n: usize = args.get(2).map_or(2_000, |s| s.parse().unwrap());
    let rounds: usize = args.get(3).map_or(3, |s| s.parse().unwrap());
    let work = tempfile::tempdir().unwrap();

    let (mut anvil, url) = start_anvil();
    let started = Instant::now();
    let hashes = make_transfers(&url, n);
    println!(
        "{n} transfers mined in {:.1} s on anvil at {url}",
        started.elapsed().as_secs_f64()
    );

    let big = work.path().join("20000.txt");
    let lines: Vec<&str> = hashes
        .iter()
        .map(String::as_str)
        .cycle()
        .take(MEMORY_LINES)
        .collect();
    std::fs::write(&big, lines.join("\n")).unwrap();
    let direct_cfg = config(work.path(), "direct", &url);
    let (records, elapsed, peak_kib, _) = run_txdoctor(&txdoctor, &direct_cfg, &big);
    assert_eq!(records, MEMORY_LINES, "one record per line");
    println!(
        "memory: {MEMORY_LINES} lines in {:.1} s, peak resident set {:.1} MiB (goal < 100 MiB)",
        elapsed.as_secs_f64(),
        peak_kib as f64 / 1024.0
    );

    let file = work.path().join("hashes.txt");
    std::fs::write(&file, hashes.join("\n")).unwrap();
    let anvil_pid = anvil.id();
    compare(
        "direct",
        anvil_pid,
        &txdoctor,
        &direct_cfg,
        &file,
        &url,
        &hashes,
        rounds,
    );

    let proxy = fake::FakeServer::proxy(&url, |_| {
        std::thread::sleep(DELAY);
        None
    });
    let slow_cfg = config(work.path(), "slow", &proxy.url);
    compare(
        "20 ms proxy",
        anvil_pid,
        &txdoctor,
        &slow_cfg,
        &file,
        &proxy.url,
        &hashes,
        rounds,
    );
    let _ = anvil.kill();
}

#[allow(clippy::too_many_arguments)]
fn compare(
    name: &str,
    anvil: u32,
    txdoctor: &Path,
    cfg: &Path,
    file: &Path,
    url: &str,
    hashes: &[String],
    rounds: usize,
) {
    let (mut t, mut p, mut c, mut q) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Each round's txdoctor / concurrent plain client, in this process's
    // threads and as a process of its own.
    let (mut ratios, mut process_ratios) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        // CPU time as the kernel counted it: txdoctor's own (wait4), the
        // concurrent plain client's (this process, RUSAGE_SELF) and anvil's
        // (/proc) over each run. Both share the machine's cores with anvil.
        let run_td = || {
            let anvil_before = process_cpu(anvil);
            let (records, td, _, t_cpu) = run_txdoctor(txdoctor, cfg, file);
            assert_eq!(records, hashes.len());
            (td, t_cpu, process_cpu(anvil) - anvil_before)
        };
        let run_concurrent = || {
            let (self_before, anvil_before) = (self_cpu(), process_cpu(anvil));
            let (_, cd) = plain_concurrent(url, hashes);
            (
                cd,
                self_cpu() - self_before,
                process_cpu(anvil) - anvil_before,
            )
        };
        let run_process = || {
            let anvil_before = process_cpu(anvil);
            let (lines, took, p_cpu) = run_plain_process(url, file);
            assert_eq!(lines, hashes.len());
            (took, p_cpu, process_cpu(anvil) - anvil_before)
        };
        // The three compared run back to back, in turn first and last: the
        // machine's mood drifts over seconds, and each round's ratios are
        // fair pairs.
        let ((td, t_cpu, anvil_t), (cd, c_cpu, anvil_c), (pd, p_cpu, anvil_p)) = if round % 2 == 1 {
            let t = run_td();
            let p = run_process();
            (t, run_concurrent(), p)
        } else {
            let c = run_concurrent();
            let p = run_process();
            (run_td(), c, p)
        };
        let (requests, sd) = plain_client(url, hashes);
        println!(
            "{name} round {round}: txdoctor {:>6.0} ms   plain client {:>6.0} ms ({requests} requests)   concurrent plain client {:>6.0} ms, as a process {:>6.0} ms",
            ms(td),
            ms(sd),
            ms(cd),
            ms(pd)
        );
        println!(
            "{name} round {round} CPU: txdoctor {:.0} ms + anvil {:.0} ms   concurrent plain client {:.0} ms + anvil {:.0} ms, as a process {:.0} ms + anvil {:.0} ms",
            ms(t_cpu),
            ms(anvil_t),
            ms(c_cpu),
            ms(anvil_c),
            ms(p_cpu),
            ms(anvil_p)
        );
        t.push(td);
        p.push(sd);
        c.push(cd);
        q.push(pd);
        ratios.push(td.as_secs_f64() / cd.as_secs_f64());
        process_ratios.push(td.as_secs_f64() / pd.as_secs_f64());
    }
    let (mt, mp, mc, mq) = (
        median(&mut t),
        median(&mut p),
        median(&mut c),
        median(&mut q),
    );
    println!(
        "{name} median: txdoctor {:.0} ms, plain client {:.0} ms, ratio {:.2} (goal <= 1.0)",
        ms(mt),
        ms(mp),
        mt.as_secs_f64() / mp.as_secs_f64()
    );
    compared(name, "concurrent plain client", mt, mc, ratios);
    compared(
        name,
        "concurrent plain client as a process",
        mt,
        mq,
        process_ratios,
    );
}

/// txdoctor's median against `what`'s, and the rounds' ratios: their
/// median, with a 95 % bootstrap interval for it (this machine's speed
/// drifts from round to round, and a median of 1.01 may be no different
/// from 0.99), the best and the worst.
fn compared(name: &str, what: &str, txdoctor: Duration, other: Duration, mut ratios: Vec<f64>) {
    ratios.sort_by(f64::total_cmp);
    println!(
        "{name} median: txdoctor {:.0} ms, {what} {:.0} ms, ratio {:.2} (issue 24's goal <= 1.0)",
        ms(txdoctor),
        ms(other),
        txdoctor.as_secs_f64() / other.as_secs_f64()
    );
    let (low, high) = median_interval(&ratios);
    println!(
        "{name} rounds' ratios txdoctor / {what}: median {:.2} (95 % interval {low:.2}-{high:.2}), best {:.2}, worst {:.2}",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

/// A 95 % percentile-bootstrap interval for the median of `values`:
/// 10,000 resamples drawn with a fixed-seed xorshift (the same rounds give
/// the same interval).
fn median_interval(values: &[f64]) -> (f64, f64) {
    const RESAMPLES: usize = 10_000;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = values.len();
    let mut medians: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let mut sample: Vec<f64> = (0..n).map(|_| values[next() as usize % n]).collect();
            sample.sort_by(f64::total_cmp);
            sample[n / 2]
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    (
        medians[RESAMPLES / 40],
        medians[RESAMPLES - 1 - RESAMPLES / 40],
    )
}

/// The first argument that makes this program the plain client as a
/// process: `batch_bench --plain-process URL FILE`.
const PLAIN_PROCESS: &str = "--plain-process";

/// The concurrent plain client as a script author runs it: a process of its
/// own that reads the file of hashes, asks as `plain_concurrent` does and
/// prints one line per hash (hash, block, receipt status), in order.
fn plain_process_main(url: &str, file: &Path) {
    let text = std::fs::read_to_string(file).expect("read the hashes");
    let hashes: Vec<String> = text.lines().map(str::to_string).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    plain_waves(url, &hashes, |chunk, answer| {
        for (i, hash) in chunk.iter().enumerate() {
            let receipt = &answer[2 * i + 1]["result"];
            writeln!(
                out,
                "{hash} {} {}",
                receipt["blockNumber"].as_str().unwrap_or("-"),
                receipt["status"].as_str().unwrap_or("-")
            )
            .unwrap();
        }
    });
}

/// The plain client as a process (`plain_process_main`) over `file`: the
/// lines it printed, its wall time and its CPU time.
// The child is waited for with wait4 (for its rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_plain_process(url: &str, file: &Path) -> (usize, Duration, Duration) {
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([PLAIN_PROCESS, url, file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the plain client");
    let mut out = Vec::with_capacity(1 << 20);
    std::io::Read::read_to_end(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let (code, _, cpu) = wait_with_peak_rss(child.id());
    let took = started.elapsed();
    assert_eq!(code, 0, "the plain client failed");
    let lines = out.lines().map(Result::unwrap);
    let mut count = 0;
    for line in lines {
        assert!(line.ends_with(" 0x1"), "not found or failed: {line}");
        count += 1;
    }
    (count, took, cpu)
}

/// The plain client with up to `PLAIN_IN_FLIGHT` requests at once (issue
/// 24's comparison): what a script author writes with a thread pool.
fn plain_concurrent(url: &str, hashes: &[String]) -> (usize, Duration) {
    let started = Instant::now();
    let mut requests = 0;
    plain_waves(url, hashes, |_, _| requests += 1);
    (requests, started.elapsed())
}

/// `hashes` asked 100 a request, 20 requests at once (a thread each); each
/// request's hashes and answers handed to `each` in the order of the hashes.
fn plain_waves(url: &str, hashes: &[String], mut each: impl FnMut(&[String], Vec<Value>)) {
    let chunks: Vec<Vec<String>> = hashes
        .chunks(PLAIN_HASHES_PER_REQUEST)
        .map(<[String]>::to_vec)
        .collect();
    for wave in chunks.chunks(PLAIN_IN_FLIGHT) {
        let handles: Vec<_> = wave
            .iter()
            .cloned()
            .map(|chunk| {
                let url = url.to_string();
                std::thread::spawn(move || plain_request(&ureq::agent(), &url, &chunk))
            })
            .collect();
        for (chunk, handle) in wave.iter().zip(handles) {
            each(chunk, handle.join().unwrap());
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `txdoctor batch FILE`: the records it wrote (all checked to be found),
/// the wall time, the process's peak resident set in KiB and its CPU time.
// The child is waited for with wait4 (for its rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_txdoctor(bin: &Path, cfg: &Path, file: &Path) -> (usize, Duration, i64, Duration) {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args([
            "batch",
            file.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ])
        // An experiment's concurrency (issue 24); the default otherwise.
        .args(
            std::env::var("BENCH_CONCURRENCY")
                .ok()
                .map(|c| vec!["--concurrency".to_string(), c])
                .unwrap_or_default(),
        )
        .env("XDG_CACHE_HOME", cfg.parent().unwrap().join("cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start txdoctor");
    // Read whole (the records are checked once txdoctor is done): this
    // process shares the cores, and reading line by line as they come
    // would charge its own work to the run timed.
    let mut out = Vec::with_capacity(8 << 20);
    std::io::Read::read_to_end(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    // The summary line; stderr holds nothing else without -v.
    let mut summary = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut summary).unwrap();
    let (code, peak_kib, cpu) = wait_with_peak_rss(child.id());
    let took = started.elapsed();
    assert_eq!(code, 0, "txdoctor batch failed");
    if let Some(line) = summary.lines().find(|l| l.contains("HTTP requests")) {
        println!("  {}", line.trim_start_matches("txdoctor: "));
    }
    let mut records = 0;
    for line in out.lines() {
        let line = line.unwrap();
        assert!(
            line.contains(r#""status":"finalized""#),
            "not found or not final: {line}"
        );
        records += 1;
    }
    (records, took, peak_kib, cpu)
}

/// Waits for the child `pid` and returns its exit status and its own peak
/// resident set (KiB) and CPU time, as the kernel counted them (`wait4`).
fn wait_with_peak_rss(pid: u32) -> (i32, i64, Duration) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only into `status` and `usage`, which we own.
    let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid as libc::pid_t, "wait4");
    (libc::WEXITSTATUS(status), usage.ru_maxrss, cpu_of(&usage))
}

fn cpu_of(usage: &libc::rusage) -> Duration {
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// This process's CPU time so far, all threads.
fn self_cpu() -> Duration {
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only into `usage`, which we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    cpu_of(&usage)
}

/// Another running process's CPU time so far (utime + stime in /proc, in clock ticks).
fn process_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    // SAFETY: sysconf only reads a system setting.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / hz)
}

/// The plain client: `eth_getTransactionByHash` + `eth_getTransactionReceipt`
/// for 100 hashes per request, one request after another. Returns the
/// number of requests and the wall time.
fn plain_client(url: &str, hashes: &[String]) -> (usize, Duration) {
    let started = Instant::now();
    let agent = ureq::agent();
    let mut requests = 0;
    for chunk in hashes.chunks(PLAIN_HASHES_PER_REQUEST) {
        plain_request(&agent, url, chunk);
        requests += 1;
    }
    (requests, started.elapsed())
}

/// One request of the plain client: `eth_getTransactionByHash` and
/// `eth_getTransactionReceipt` for each of `chunk`; the answers, all found.
fn plain_request(agent: &ureq::Agent, url: &str, chunk: &[String]) -> Vec<Value> {
    let body: Vec<Value> = chunk
        .iter()
        .enumerate()
        .flat_map(|(i, h)| {
            [
                json!({"jsonrpc": "2.0", "id": 2 * i, "method": "eth_getTransactionByHash", "params": [h]}),
                json!({"jsonrpc": "2.0", "id": 2 * i + 1, "method": "eth_getTransactionReceipt", "params": [h]}),
            ]
        })
        .collect();
    let mut answer: Vec<Value> = agent
        .post(url)
        .send_json(Value::Array(body))
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(answer.len(), 2 * chunk.len());
    assert!(
        answer.iter().all(|a| !a["result"].is_null()),
        "every hash found"
    );
    // A batch's answers may come in any order (JSON-RPC 2.0): by id.
    answer.sort_by_key(|a| a["id"].as_u64());
    answer
}

fn config(dir: &Path, name: &str, url: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            r#"[chains.eth]
name = "Ethereum (local anvil)"
family = "evm"
chain_id = 1
symbol = "ETH"
decimals = 18
confirmations = 1
block_time_secs = 12
# The plain client's request size: 100 hashes x 2 calls.
max_batch = 200
rpc = ["{url}"]
explorer_tx = "https://etherscan.io/tx/{{hash}}"
"#
        ),
    )
    .unwrap();
    path
}

fn start_anvil() -> (std::process::Child, String) {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    // BENCH_PIN=1: anvil on CPU 0, this process and its children on CPU 1
    // (how they compare when they do not share a core).
    let pin = std::env::var_os("BENCH_PIN").is_some();
    if pin {
        // SAFETY: a zeroed cpu_set_t is an empty set; CPU_SET and
        // sched_setaffinity only touch it and this process's own mask.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(1, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }
    let mut command = if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    // Quiet: anvil otherwise prints every method it serves, and reading
    // those 4,000 lines a run would load the machine the clients are timed on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = command
        .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
        .args(["--chain-id", "1", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e} (bench/batch.sh installs it)", bin.display()));
    let addr = format!("127.0.0.1:{port}");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "anvil did not listen on {addr}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, format!("http://{addr}"))
}

/// Mines `n` transfers from ALICE to BOB (automine: one block each), one
/// request after another (anvil leaves transactions sent out of nonce order
/// in a batch queued); returns their hashes.
fn make_transfers(url: &str, n: usize) -> Vec<String> {
    let agent = ureq::agent();
    let hashes: Vec<String> = (0..n)
        .map(|i| {
            let tx = json!({"from": ALICE, "to": BOB, "value": "0x1", "gas": "0x5208"});
            let a: Value = agent
                .post(url)
                .send_json(json!({"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction", "params": [tx]}))
                .unwrap()
                .into_json()
                .unwrap();
            a["result"]
                .as_str()
                .unwrap_or_else(|| panic!("send failed: {a}"))
                .to_string()
        })
        .collect();
    // anvil answers with a hash before the block holding it is mined.
    loop {
        let a: Value = agent
            .post(url)
            .send_json(json!({"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionCount", "params": [ALICE, "latest"]}))
            .unwrap()
            .into_json()
            .unwrap();
        let mined = u64::from_str_radix(a["result"].as_str().unwrap().trim_start_matches("0x"), 16)
            .unwrap();
        if mined >= n as u64 {
            return hashes;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
