#!/usr/bin/env bash
# Benchmark for `txdoctor batch` (issue 8): N real transfers on a local anvil,
# txdoctor against a plain JSON-RPC client directly and through a 20 ms
# proxy, and peak memory over 20,000 lines. See bench/batch.rs.
#
#   bench/batch.sh [N] [ROUNDS]      (defaults: 2000 transfers, 3 rounds)
#   BENCH_PIN=1 bench/batch.sh       anvil on CPU 0, the clients on CPU 1
#   BENCH_CONCURRENCY=N bench/batch.sh   txdoctor with --concurrency N
set -euo pipefail
cd "$(dirname "$0")/.."
anvil=node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
"$anvil" --version >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error
cargo build --release --locked -q --bin txdoctor --example batch_bench
exec target/release/examples/batch_bench target/release/txdoctor "${1:-2000}" "${2:-3}"
