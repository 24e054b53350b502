#!/usr/bin/env bash
# `npm run demo`: builds the package, starts the local server unless MONGODB_URI is set,
# runs examples/main.ts (the plan's application start-up), prints what each collection holds,
# then the package's report (text, and report.html with charts), the command that opens it, and
# one line of release health.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/node.sh
build_and_use_server demo
node examples/main.ts
node examples/summary.ts
# The package's own view of the same data: a report in the terminal and as a page with charts.
node dist/cli.mjs report
node dist/cli.mjs report --html report.html >/dev/null
echo
echo "The report with charts (made by: npx opentelemetry-exporter-mongodb report --html report.html); open it with:"
echo "  xdg-open report.html"
# Last, one line of release health (docs/release-health.md) from the same report's JSON.
node dist/cli.mjs report --json | node -e '
const report = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const pct = (value) => (value === null ? "-" : `${value.toFixed(1)}%`);
const rows = report.releaseHealth.apps.flatMap((app) =>
  app.versions.map(({ version, current: c }) =>
    `${app.app} ${version}: ${c.sessions} session(s) on ${c.installations} machine(s), ${pct(c.crashFreeSessionsPct)} crash-free, ${pct(c.erroredSessionsPct)} errored`,
  ),
);
console.log(`Release health: ${rows.join("; ") || "no session in the last 24 h"}`);
'
