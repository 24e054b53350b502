#!/usr/bin/env bash
# `npm run demo`: builds the package, starts the local server unless MONGODB_URI is set,
# runs examples/main.ts (the plan's application start-up) and prints what each collection holds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
ensure_node_modules
npx tsdown --log-level warn >/dev/null
if [ -z "${MONGODB_URI:-}" ]; then
  MONGODB_URI="$(bash scripts/mongo-server.sh start demo)"
  trap 'bash scripts/mongo-server.sh stop demo' EXIT
fi
export MONGODB_URI
node examples/main.ts
node examples/summary.ts
