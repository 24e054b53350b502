#!/usr/bin/env bash
# `npm test`: installs what the tests need (Node 24, dependencies, FerretDB), type-checks,
# and runs the whole suite. Vitest's global setup starts the server, or uses MONGODB_URI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
ensure_node_modules
[ -n "${MONGODB_URI:-}" ] || bash scripts/mongo-server.sh install
# The browser test opens the report in Debian's chromium (headless, network blocked).
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y chromium >/dev/null 2>&1 || { $sudo apt-get update && $sudo apt-get install -y chromium; }
fi
npx tsc --noEmit
npx tsdown --log-level warn >/dev/null
npx vitest run "$@"
