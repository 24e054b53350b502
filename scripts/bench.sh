#!/usr/bin/env bash
# `npm run bench`: builds the package, starts a dedicated local server unless MONGODB_URI is
# set, and runs every benchmark in bench/ against it. Tables go to stdout (Markdown, as in
# docs/benchmarks.md), progress to stderr.
#   npm run bench                 defaults (see docs/benchmarks.md; about 10 minutes on 2 cores)
#   npm run bench -- --quick      a short run of every benchmark
#   npm run bench -- --records N  passed on to every benchmark
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
build_and_use_server bench
export BENCH_MONGODB_URI="$MONGODB_URI"
# The local server's process, when the script started it: bench/gateway-load.ts reports its CPU per record.
if [ -f .tools/mongo-server/bench/pid ] && [ -z "${BENCH_SERVER_PID:-}" ]; then
  export BENCH_SERVER_PID="$(cat .tools/mongo-server/bench/pid)"
fi

echo "## Benchmark run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "- machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//'), $(free -h | awk '/^Mem:/ {print $2}') RAM"
echo "- node $(node --version), mongodb driver $(node -p 'require("mongodb/package.json").version'), winston-mongodb $(node -p 'require("winston-mongodb/package.json").version'), pino-mongodb $(node -p 'require("pino-mongodb/package.json").version')"
echo "- server: $(node bench/server-info.ts "$BENCH_MONGODB_URI")"
echo "- command: npm run bench${*:+ -- $*}"

for script in mapping emit-latency composed-cpu throughput outage-memory spill-exit gateway-load gateway-memory; do
  echo "[bench] $script" >&2
  node --expose-gc "bench/$script.ts" "$@"
done
