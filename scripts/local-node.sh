# Sourced by scripts/demo.sh and bench/run.sh: installs the pinned anvil and
# cast when missing, and starts a local anvil on a free port.
#   start_anvil CHAIN_ID WORKDIR   → sets $node_url and $anvil_pid
anvil=node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
cast=node_modules/@foundry-rs/cast-linux-amd64/bin/cast
if ! { [ -x "$cast" ] && "$anvil" --version >/dev/null 2>&1; }; then
  npm ci --no-audit --no-fund --loglevel=error
fi

start_anvil() {
  "$anvil" --port 0 --host 127.0.0.1 --chain-id "$1" > "$2/anvil.log" 2>&1 &
  anvil_pid=$!
  for _ in $(seq 100); do grep -q 'Listening on' "$2/anvil.log" && break; sleep 0.1; done
  node_url="http://$(grep -o 'Listening on [0-9.:]*' "$2/anvil.log" | awk '{print $3}')"
}
