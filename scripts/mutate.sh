#!/usr/bin/env bash
# `npm run mutate`: mutation testing of the core with Stryker (stryker.config.mjs), on the
# project's Node 24 (Stryker refuses an older node). Arguments go to `stryker run`, e.g.
#   npm run mutate -- --mutate 'src/storage/**/*.ts'
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
ensure_node_modules
npx stryker run "$@"
