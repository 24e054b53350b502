#!/usr/bin/env bash
# `npm run demo`: builds the package, starts the local server unless MONGODB_URI is set,
# runs examples/main.ts (the plan's application start-up) and prints what each collection holds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
build_and_use_server demo
node examples/main.ts
node examples/summary.ts
