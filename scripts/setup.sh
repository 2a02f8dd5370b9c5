#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's chromium, which the
# explorer's browser test (test/src/explorer.test.ts) drives through playwright-core.
# Idempotent; needs root (or sudo) only when chromium is missing. CHROMIUM_PATH overrides.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "chromium: $("$browser" --version 2>/dev/null || echo present) at $browser"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "chromium is missing at $browser and this is not a Debian/Ubuntu machine: install Chromium and set CHROMIUM_PATH." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
echo "chromium: $(/usr/bin/chromium --version)"
