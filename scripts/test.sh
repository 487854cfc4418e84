#!/usr/bin/env bash
# The one test command (README, .ci/run). Installs what the tests need by
# itself — the pinned anvil and cast from the npm registry, as package-lock.json
# records them, and Debian's chromium and chromium-driver — then checks
# formatting and lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

anvil=node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
if ! "$anvil" --version 2>/dev/null | grep -q '1\.7\.1'; then
  echo "installing anvil and cast (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
"$anvil" --version | head -1 >&2

# The page of `serve` is tested in a real browser: Debian's Chromium and
# its WebDriver (tests/it/browser.rs).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "installing chromium and chromium-driver (apt-get)…" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
/usr/bin/chromium --version >&2

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
# Snapshots (tests/snapshots, src/render/snapshots) are compared, never
# written: a changed reply fails until `cargo insta review` accepts it.
INSTA_UPDATE=no cargo test --locked "$@"
