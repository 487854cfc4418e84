#!/usr/bin/env bash
# Benchmark: `txdoctor check` of an ERC-20 transfer against
# `cast tx` + `cast receipt` + `cast block-number` for the same hash, both
# through a proxy that adds 150 ms to every HTTP request (a distant public
# endpoint), run alternately in one session. Prints per-round timings, the
# medians, their ratio and how many HTTP requests each side made.
#
#   bench/run.sh [ROUNDS] [DELAY_MS]      (defaults: 10 rounds, 150 ms)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
delay=${2:-150}

source scripts/local-node.sh
cargo build --release --locked -q
txdoctor=target/release/txdoctor

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

start_anvil 1 "$work"
pids+=("$anvil_pid")

alice=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
bob=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
args=$("$cast" abi-encode "constructor(string,string,uint8,uint256)" "Tether USD" USDT 6 1000000000000)
code="0x$(tr -d '\n' < tests/contracts/TestToken.bin)${args#0x}"
"$cast" send -q --rpc-url "$node_url" --unlocked --from $alice --create "$code"
token=$("$cast" compute-address $alice --nonce 0 | awk '{print $NF}')
hash=$("$cast" send --rpc-url "$node_url" --unlocked --from $alice "$token" "transfer(address,uint256)" $bob 250000000 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["transactionHash"])')
"$cast" rpc -q --rpc-url "$node_url" anvil_mine 0x5 >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 bench/delay_proxy.py "$port" "$node_url" "$delay" &
pids+=($!)
proxy="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$proxy/count" >/dev/null && break; sleep 0.1; done

cat > "$work/chains.toml" <<TOML
[chains.eth]
name = "Ethereum (local anvil behind a ${delay} ms proxy)"
family = "evm"
chain_id = 1
symbol = "ETH"
decimals = 18
confirmations = 64
block_time_secs = 12
rpc = ["$proxy"]
explorer_tx = "https://etherscan.io/tx/{hash}"

[[chains.eth.tokens]]
symbol = "USDT"
address = "$token"
decimals = 6
TOML

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
run_txdoctor() { "$txdoctor" check "$hash" --config "$work/chains.toml" --json > "$work/txdoctor.json"; }
run_cast() {
  "$cast" tx "$hash" --rpc-url "$proxy" > /dev/null
  "$cast" receipt "$hash" --rpc-url "$proxy" > /dev/null
  "$cast" block-number --rpc-url "$proxy" > /dev/null
}

# One warm-up of each, not counted; then check the answer is right.
run_txdoctor; run_cast
grep -q '"symbol": "USDT"' "$work/txdoctor.json" || { echo "txdoctor did not decode the transfer" >&2; exit 1; }
curl -sf "$proxy/count" > /dev/null

t_times=(); c_times=()
for i in $(seq "$rounds"); do
  a=$(now); run_txdoctor; b=$(now); t_req=$(curl -sf "$proxy/count")
  c=$(now); run_cast; d=$(now); c_req=$(curl -sf "$proxy/count")
  t_times+=("$(ms "$a" "$b")"); c_times+=("$(ms "$c" "$d")")
  printf 'round %2d: txdoctor %4d ms (%s requests)   cast x3 %4d ms (%s requests)\n' "$i" "${t_times[-1]}" "$t_req" "${c_times[-1]}" "$c_req"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mt=$(median "${t_times[@]}"); mc=$(median "${c_times[@]}")
echo "median: txdoctor ${mt} ms, cast tx+receipt+block-number ${mc} ms, ratio $(awk -v a="$mt" -v b="$mc" 'BEGIN {printf "%.2f", a/b}') (goal <= 0.5)"
