import { labelOf } from '../error-scan';
import { formatCount, formatDuration, formatLocation, formatTime, formatVersions } from '../format';
import type { ErrorGroup, Report } from '../types';
import { escapeHtml as e } from './escape';
import { PAGE_STYLE } from './page-style';
import { barChart, columnChart, lineChart, PALETTE } from './svg-charts';

export interface HtmlOptions {
  /** Live page (dashboard): reloads itself every so many seconds. */
  refreshSeconds?: number;
  /** Shown above the report, such as "database unreachable: retrying". */
  banner?: string;
}

/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script in
 * the static file and a Content-Security-Policy that forbids every network request.
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const live = options.refreshSeconds !== undefined;
  const csp = live
    ? "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'"
    : "default-src 'none'; style-src 'unsafe-inline'";
  const { window } = report;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Fleet report: ${report.database}`)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>What the fleet did: ${e(report.database)}</h1>
<p>Last ${e(window.label)}: ${e(formatTime(window.from))} to ${e(formatTime(window.to))}. Generated ${e(formatTime(report.generatedAt))}${live ? `, refreshed every ${options.refreshSeconds} s` : ''}.</p>
</header>
<main id="report">
${options.banner ? `<div class="banner" role="alert" id="banner">${e(options.banner)}</div>` : ''}
${report.empty ? emptyPage() : body(report)}
</main>
<footer>opentelemetry-exporter-mongodb report. Numbers count documents in MongoDB; storm-guard summaries count as the occurrences they stand for.</footer>
${live ? refreshScript(options.refreshSeconds!) : ''}
</body>
</html>
`;
}

function emptyPage(): string {
  return `<section><h2>Nothing to report</h2><p class="empty">No errors, audit events or sessions were stored in this window. If the application should have written some, check that it writes to this database, or look at a longer window (<code>--since 7d</code>).</p></section>`;
}

function body(report: Report): string {
  const { errors, audit, sessions } = report;
  const cards = [
    [formatCount(errors.occurrences), 'error occurrences'],
    [formatCount(errors.groups.length), 'error groups'],
    [formatCount(errors.newGroups.length), 'new error groups'],
    [formatCount(audit.events), 'audit events'],
    [formatCount(sessions.sessions), 'sessions'],
    [sessions.durationSeconds ? formatDuration(sessions.durationSeconds.median) : '-', 'median session'],
  ];
  return `<div class="cards">${cards
    .map(
      ([value, label]) =>
        `<div class="card"><div class="value">${e(value)}</div><div class="label">${e(label)}</div></div>`,
    )
    .join('')}</div>
${errorSection(report)}
${newSection(report)}
<div class="grid2">
${auditSection(report)}
${sessionChartSection(report)}
</div>
${historySection(report)}
${sessionTables(report)}`;
}

function errorSection(report: Report): string {
  const { errors } = report;
  const { timeline } = errors;
  const spanDays = timeline.bucketMs >= 86_400_000;
  const labels = timeline.starts.map((start) =>
    spanDays
      ? new Date(start).toISOString().slice(5, 10)
      : new Date(start).toISOString().slice(5, 16).replace('T', ' '),
  );
  const chart =
    timeline.series.length === 0
      ? '<p class="empty">No errors in this window.</p>'
      : `${lineChart(
          labels,
          timeline.series.map((s) => ({ label: s.label, values: s.counts })),
          'Error occurrences over time, largest groups',
        )}<ul class="legend">${timeline.series
          .map(
            (s, i) => `<li><span style="background:${PALETTE[i % PALETTE.length]}"></span>${e(s.label)}</li>`,
          )
          .join('')}</ul>`;
  const newIds = new Set(errors.newGroups);
  const rows = errors.groups.map((group, index) => groupRow(group, index, newIds.has(group.id))).join('');
  return `<section id="errors">
<h2>Errors</h2>
<p class="hint">Grouped by fingerprint (or by type and message where documents have none); occurrences per ${e(formatBucket(timeline.bucketMs))}, UTC.</p>
${chart}
${
  errors.groups.length === 0
    ? ''
    : `<table><thead><tr><th>#</th><th>Error</th><th class="num">Occurrences</th><th class="num">Machines</th><th>Versions</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>${rows}</tbody></table>`
}
${errors.truncated ? `<p class="hint">Only the ${errors.groups.length} largest groups are listed.</p>` : ''}
</section>`;
}

function groupRow(group: ErrorGroup, index: number, isNew: boolean): string {
  const message = group.sample?.mensagem ?? ('mensagem' in group.key ? group.key.mensagem : null) ?? '';
  const where = group.sample ? formatLocation(group.sample) : '';
  const fingerprint =
    'fingerprint' in group.key
      ? `<div class="fingerprint">fingerprint ${e(group.key.fingerprint)}</div>`
      : '';
  return `<tr><td class="num">${index + 1}</td><td><span class="tipo">${e(group.tipo ?? '(no type)')}</span>${isNew ? '<span class="badge">new</span>' : ''}<div>${e(message.length > 300 ? `${message.slice(0, 299)}…` : message)}</div>${where ? `<div class="where">at ${e(where)}</div>` : ''}${fingerprint}</td><td class="num">${formatCount(group.occurrences)}</td><td class="num">${formatCount(group.machines)}</td><td>${e(formatVersions(group.versions))}</td><td>${e(formatTime(new Date(group.firstSeen)))}</td><td>${e(formatTime(new Date(group.lastSeen)))}</td></tr>`;
}

function newSection(report: Report): string {
  const { errors } = report;
  const byId = new Map(errors.groups.map((group) => [group.id, group]));
  const name = (id: string) => {
    const group = byId.get(id);
    return group ? e(labelOf(group)) : `group ${e(id)}`;
  };
  const items: string[] = [];
  if (errors.newGroups.length > 0) {
    items.push(
      `<p><strong>${errors.newGroups.length}</strong> error group(s) first seen in this window (none in the ${e(report.window.label)} before):</p><ul>${errors.newGroups
        .slice(0, 20)
        .map((id) => `<li>${name(id)}</li>`)
        .join('')}</ul>`,
    );
  }
  for (const novelty of errors.newInVersion) {
    items.push(
      `<p>Version <strong>${e(novelty.version)}</strong> has ${novelty.groups.length} error group(s) that ${e(novelty.previousVersion)} did not:</p><ul>${novelty.groups
        .slice(0, 20)
        .map((id) => `<li>${name(id)}</li>`)
        .join('')}</ul>`,
    );
  }
  return `<section id="new"><h2>New since the previous window</h2>${items.length === 0 ? '<p class="empty">No new error group and no version with new errors.</p>' : items.join('')}</section>`;
}

function auditSection(report: Report): string {
  const { audit } = report;
  const top = audit.actions.slice(0, 12);
  return `<section id="audit"><h2>Audit: top actions</h2><p class="hint">${formatCount(audit.events)} events in the window.</p>${
    top.length === 0
      ? '<p class="empty">No audit events.</p>'
      : barChart(
          top.map((a) => ({ label: a.acao, value: a.count })),
          'Audit events per action',
          460,
        )
  }</section>`;
}

function sessionChartSection(report: Report): string {
  const { sessions } = report;
  const d = sessions.durationSeconds;
  return `<section id="sessions"><h2>Sessions per day</h2><p class="hint">${formatCount(sessions.sessions)} sessions${
    d ? `; duration median ${e(formatDuration(d.median))}, p95 ${e(formatDuration(d.p95))}` : ''
  } (UTC days).</p>${
    sessions.perDay.length === 0
      ? '<p class="empty">No sessions.</p>'
      : columnChart(
          sessions.perDay.map((p) => ({ label: p.day.slice(5), value: p.count })),
          'Sessions per day',
          460,
        )
  }</section>`;
}

function historySection(report: Report): string {
  const history = report.audit.history;
  if (!history) return '';
  const what = [
    history.filter.entidade ? `${history.filter.entidade}:${history.filter.entidade_id}` : '',
    history.filter.usuario_id ? `user ${history.filter.usuario_id}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const rows = history.events
    .map(
      (event) =>
        `<tr><td>${e(formatTime(new Date(event.timestamp)))}</td><td>${e(event.acao)}</td><td>${e(`${event.entidade ?? '-'}:${event.entidade_id ?? '-'}`)}</td><td>${e(event.usuario_id ?? '-')}</td><td>${e(JSON.stringify(event.detalhes))}</td></tr>`,
    )
    .join('');
  return `<section id="history"><h2>History of ${e(what)}</h2><p class="hint">Oldest first.</p>${
    history.events.length === 0
      ? '<p class="empty">No events in this window.</p>'
      : `<table><thead><tr><th>When</th><th>Action</th><th>Entity</th><th>User</th><th>Details</th></tr></thead><tbody>${rows}</tbody></table>`
  }</section>`;
}

function sessionTables(report: Report): string {
  const { sessions } = report;
  if (sessions.counters.length === 0 && sessions.timings.length === 0) return '';
  const counters = sessions.counters
    .map((c) => `<tr><td>${e(c.name)}</td><td class="num">${formatCount(c.total)}</td></tr>`)
    .join('');
  const timings = sessions.timings
    .map(
      (t) =>
        `<tr><td>${e(t.name)}</td><td class="num">${formatCount(t.count)}</td><td class="num">${t.min_ms.toFixed(2)}</td><td class="num">${t.avg_ms.toFixed(2)}</td><td class="num">${t.max_ms.toFixed(2)}</td></tr>`,
    )
    .join('');
  return `<div class="grid2"><section id="counters"><h2>Counters</h2><p class="hint">Totals over all sessions.</p><table><thead><tr><th>Counter</th><th class="num">Total</th></tr></thead><tbody>${counters}</tbody></table></section>
<section id="timings"><h2>Timings (ms)</h2><p class="hint">Merged across sessions; the average is weighted by count.</p><table><thead><tr><th>Operation</th><th class="num">Count</th><th class="num">Min</th><th class="num">Avg</th><th class="num">Max</th></tr></thead><tbody>${timings}</tbody></table></section></div>`;
}

function formatBucket(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 24) return hours === 1 ? 'hour' : `${hours} hours`;
  const days = hours / 24;
  return days === 1 ? 'day' : `${days} days`;
}

/** Live page: fetch the page again, swap the report in place; on failure show a banner and keep retrying. */
function refreshScript(seconds: number): string {
  return `<script>
(() => {
  const every = ${seconds * 1000};
  async function refresh() {
    try {
      const response = await fetch(location.pathname, { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      document.getElementById('report').replaceWith(page.getElementById('report'));
      document.querySelector('header').replaceWith(page.querySelector('header'));
    } catch (error) {
      let banner = document.getElementById('banner');
      if (!banner) {
        banner = document.createElement('div');
        banner.id = 'banner';
        banner.className = 'banner';
        banner.setAttribute('role', 'alert');
        document.getElementById('report').prepend(banner);
      }
      banner.textContent = 'The dashboard server does not answer (' + error.message + '); retrying every ${seconds} s.';
    } finally {
      setTimeout(refresh, every);
    }
  }
  setTimeout(refresh, every);
})();
</script>`;
}
