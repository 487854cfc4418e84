#!/usr/bin/env bash
# Offline demo: starts a local anvil node (installed from the npm registry),
# creates transactions in interesting states and runs txdoctor on each, so
# you can see real output without reaching any public endpoint.
#
#   scripts/demo.sh            human output
#   scripts/demo.sh --json     the JSON objects instead
set -euo pipefail
cd "$(dirname "$0")/.."
mode=("$@")

source scripts/local-node.sh
cargo build --locked -q
txdoctor=target/debug/txdoctor

work=$(mktemp -d)
start_anvil 56 "$work"
trap 'kill $anvil_pid 2>/dev/null; rm -rf "$work"' EXIT
rpc=$node_url

alice=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
bob=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
carol=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
dave=0x90F79bf6EB2c4f870365E785982E1f101E93b906
# The memory of pending transactions lives with the demo, not in ~/.cache.
export XDG_CACHE_HOME="$work/cache"
send() { "$cast" send --rpc-url "$rpc" --unlocked --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["transactionHash"])'; }

# A token with 18 decimals, like BSC's Binance-Peg USDT.
args=$("$cast" abi-encode "constructor(string,string,uint8,uint256)" "Tether USD" USDT 18 1000000000000000000000000)
token_deploy=$(send --from $alice --create "0x$(tr -d '\n' < tests/contracts/TestToken.bin)${args#0x}")
token=$("$cast" receipt --rpc-url "$rpc" "$token_deploy" contractAddress)

bnb=$(send --from $alice $bob --value 1.5ether)
"$cast" rpc -q --rpc-url "$rpc" anvil_mine 0x20 >/dev/null
usdt=$(send --from $alice "$token" "transfer(address,uint256)" $bob 250000000000000000000)
reverted=$(send --from $bob "$token" "transfer(address,uint256)" $alice 1000000000000000000000 --gas-limit 100000)
out_of_gas=$(send --from $alice "$token" "burnGas()" --gas-limit 60000)
"$cast" rpc -q --rpc-url "$rpc" evm_setAutomine false >/dev/null
pending=$("$cast" send --rpc-url "$rpc" --unlocked --from $alice $bob --value 0.1ether --async)
# Carol skips nonces 0 and 1.
gap=$("$cast" send --rpc-url "$rpc" --unlocked --from $carol $bob --value 0.2ether --nonce 2 --async)
# Dave offers at most 2 gwei per gas; then the base fee jumps to 10 gwei.
underpriced=$("$cast" send --rpc-url "$rpc" --unlocked --from $dave $bob --value 0.3ether --gas-price 2gwei --priority-gas-price 1gwei --async)

cat > "$work/chains.toml" <<TOML
[chains.bsc]
name = "BNB Smart Chain (local demo node)"
family = "evm"
chain_id = 56
symbol = "BNB"
decimals = 18
confirmations = 15
block_time_secs = 0.45
rpc = ["$rpc"]
explorer_tx = "https://bscscan.com/tx/{hash}"

[[chains.bsc.tokens]]
symbol = "USDT"
address = "$token"
decimals = 18
TOML

show() {
  echo
  echo "\$ txdoctor check $2   # $1"
  set +e
  "$txdoctor" check "$2" --config "$work/chains.toml" "${mode[@]}"
  echo "(exit code $?)"
  set -e
}
show "1.5 BNB, 33 blocks deep: finalized" "$bnb"
show "250 USDT to Bob: confirmed, a few blocks to go" "https://bscscan.com/tx/$usdt"
show "a token transfer the contract rejected" "$reverted"
show "a call that ran out of gas" "${out_of_gas#0x}"
show "sent, but no block yet" "$pending"
show "sent with nonce 2 while nonces 0 and 1 were never sent" "$gap"
"$cast" rpc -q --rpc-url "$rpc" anvil_setNextBlockBaseFeePerGas 10000000000 >/dev/null
show "max fee 2 gwei, then the base fee jumped to 10 gwei" "$underpriced"
"$cast" rpc -q --rpc-url "$rpc" anvil_dropTransaction "$pending" >/dev/null
show "the first pending transfer, after the node dropped it (remembered from above)" "$pending"
show "a hash the chain has never seen" "0x$(printf '5c%.0s' $(seq 32))"
