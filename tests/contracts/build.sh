#!/usr/bin/env bash
# Rebuilds TestToken.bin from TestToken.sol with the npm package solc (solcjs),
# pinned to the compiler version in the pragma. Only needed after editing the
# source; the tests use the committed TestToken.bin.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm install --silent --no-audit --no-fund solc@0.8.28 >/dev/null)
"$tmp/node_modules/.bin/solcjs" --bin --optimize --output-dir "$tmp/out" TestToken.sol
cp "$tmp/out/TestToken_sol_TestToken.bin" TestToken.bin
echo "wrote $(wc -c < TestToken.bin) hex characters to TestToken.bin"
