#!/usr/bin/env bash
# Benchmark: `txdoctor check` against what an agent runs by hand with cast,
# both through a proxy that adds 150 ms to every HTTP request (a distant
# public endpoint), run alternately in one session, for two cases:
#   mined   an ERC-20 transfer: cast tx + receipt + block-number
#   stuck   a pending transfer behind a nonce gap: cast tx + nonce (latest) +
#           nonce (pending) + base-fee + eth_feeHistory
# Prints per-round timings, the medians, their ratio and how many HTTP
# requests each side made.
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
export XDG_CACHE_HOME="$work/cache"   # txdoctor's memory of pending transactions
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
# Bob skips nonce 0: his nonce-1 transfer waits in the pool for good.
stuck=$("$cast" send --rpc-url "$node_url" --unlocked --from $bob $alice --value 1ether --nonce 1 --async)

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
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# (exit code 3 for the pending case is the answer, not a failure)
run_txdoctor() { "$txdoctor" check "$1" --config "$work/chains.toml" --json > "$work/txdoctor.json" || [ $? -eq 3 ]; }
cast_mined() {
  "$cast" tx "$1" --rpc-url "$proxy" > /dev/null
  "$cast" receipt "$1" --rpc-url "$proxy" > /dev/null
  "$cast" block-number --rpc-url "$proxy" > /dev/null
}
cast_stuck() {
  "$cast" tx "$1" --rpc-url "$proxy" > /dev/null
  "$cast" nonce $bob --rpc-url "$proxy" > /dev/null
  "$cast" nonce $bob --block pending --rpc-url "$proxy" > /dev/null
  "$cast" base-fee --rpc-url "$proxy" > /dev/null
  "$cast" rpc eth_feeHistory 0x14 latest '[10,50,90]' --rpc-url "$proxy" > /dev/null
}

# compare NAME HASH CAST_FUNCTION EXPECTED_JSON_SNIPPET
compare() {
  # One warm-up of each, not counted; then check the answer is right.
  run_txdoctor "$2"; "$3" "$2"
  grep -q "$4" "$work/txdoctor.json" || { echo "$1: txdoctor did not answer $4" >&2; exit 1; }
  curl -sf "$proxy/count" > /dev/null
  local t_times=() c_times=() a b c d t_req c_req
  for i in $(seq "$rounds"); do
    a=$(now); run_txdoctor "$2"; b=$(now); t_req=$(curl -sf "$proxy/count")
    c=$(now); "$3" "$2"; d=$(now); c_req=$(curl -sf "$proxy/count")
    t_times+=("$(ms "$a" "$b")"); c_times+=("$(ms "$c" "$d")")
    printf '%s round %2d: txdoctor %4d ms (%s requests)   %s %4d ms (%s requests)\n' "$1" "$i" "${t_times[-1]}" "$t_req" "$3" "${c_times[-1]}" "$c_req"
  done
  local mt mc
  mt=$(median "${t_times[@]}"); mc=$(median "${c_times[@]}")
  echo "$1 median: txdoctor ${mt} ms, $3 ${mc} ms, ratio $(awk -v a="$mt" -v b="$mc" 'BEGIN {printf "%.2f", a/b}') (goal <= 0.5)"
}

compare mined "$hash" cast_mined '"symbol": "USDT"'
compare stuck "$stuck" cast_stuck '"reason": "nonce_gap"'
