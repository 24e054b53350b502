/** The page's own CSS: readable on a laptop, sensible on paper. */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #e2e2e2; --accent: #0072b2; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header p { margin: 0; color: var(--muted); }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; break-inside: avoid; }
section h2 { margin: 0 0 4px; font-size: 17px; }
section > p.hint { margin: 0 0 12px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td .where, td .fingerprint { color: var(--muted); font-size: 12px; word-break: break-all; }
.tipo { font-weight: 600; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 11px; background: #fdecea; color: var(--bad); margin-left: 6px; }
.badge.state-ongoing, .badge.state-resolved, .badge.state-ignored { background: #eceff3; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 8px 0 0; padding: 0; list-style: none; font-size: 12px; }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -2px; }
.chart { display: block; max-width: 100%; height: auto; }
.empty { color: var(--muted); font-style: italic; }
.banner { background: #fdecea; color: var(--bad); border: 1px solid #f4c7c3; border-radius: 8px; padding: 10px 14px; margin: 16px 0 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.legend svg.key { vertical-align: -1px; margin-right: 6px; }
.app { color: var(--muted); font-size: 12px; }
a.group-link { color: inherit; }
.trend { color: var(--muted); font-size: 12px; }
section h3 { margin: 16px 0 6px; font-size: 15px; }
section h4 { margin: 12px 0 4px; font-size: 13px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
pre.stack, pre.commands { background: #f6f7f9; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
.message { white-space: pre-wrap; word-break: break-word; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 12px; }
@media print {
  body { background: #fff; font-size: 11pt; }
  header, section, .card { border-color: #bbb; }
  main { max-width: none; padding: 0; }
  section { page-break-inside: avoid; }
  .no-print { display: none !important; }
}
`;
