import { labelOf } from '../error-scan';
import {
  formatCount,
  formatDuration,
  formatLocation,
  formatSeen,
  formatState,
  formatTime,
  formatVersions,
  groupName,
} from '../format';
import type { ErrorGroup, Report } from '../types';
import { escapeHtml as e } from './escape';
import { groupSection } from './group-page';
import { htmlPage } from './page-shell';
import { releaseHealthSection } from './release-health-html';
import { barChart, columnChart, lineChart, seriesKey } from './svg-charts';

export interface HtmlOptions {
  /** Live page (dashboard): reloads itself every so many seconds. */
  refreshSeconds?: number;
  /** Shown above the report, such as "database unreachable: retrying". */
  banner?: string;
  /**
   * Where a group's row links to. Default: its section further down this same page (the static
   * report holds every listed group's page); the dashboard serves each at `/group/<id>`.
   */
  groupHref?: (id: string) => string;
  /**
   * The database could not be read and no report was ever read: the page says so instead of
   * the report, which would claim that nothing was stored.
   */
  unreachable?: { message: string; since: Date };
}

/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script in
 * the static file and a Content-Security-Policy that forbids every network request.
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const live = options.refreshSeconds !== undefined;
  const { window } = report;
  const inPage = options.groupHref === undefined;
  const href = options.groupHref ?? ((id: string) => `#group-${id}`);
  const main = options.unreachable
    ? unreachablePage(options.unreachable)
    : report.empty
      ? emptyPage()
      : `${body(report, href)}${inPage ? report.errors.groups.map((g) => groupSection(g, report)).join('\n') : ''}`;
  return htmlPage({
    title: `Fleet report: ${report.database}`,
    heading: `What the fleet did: ${report.database}`,
    subtitle: `Last ${window.label}: ${formatTime(window.from)} to ${formatTime(window.to)}. Generated ${formatTime(report.generatedAt)}${live ? `, refreshed every ${options.refreshSeconds} s` : ''}.`,
    main,
    refreshSeconds: options.refreshSeconds,
    banner: options.banner,
  });
}

function unreachablePage(failure: { message: string; since: Date }): string {
  return `<section id="unreachable"><h2>Database unreachable</h2><p class="empty">The database has not answered since ${e(formatTime(failure.since))}: ${e(failure.message)}. Nothing is known about this window until it answers: no errors, audit events or sessions could be read, which does not mean there are none.</p></section>`;
}

function emptyPage(): string {
  return `<section><h2>Nothing to report</h2><p class="empty">No errors, audit events or sessions were stored in this window. If the application should have written some, check that it writes to this database, or look at a longer window (<code>--since 7d</code>).</p></section>`;
}

function body(report: Report, href: (id: string) => string): string {
  const { errors, audit, sessions } = report;
  const cards = [
    [formatCount(errors.occurrences), 'error occurrences'],
    [
      formatCount(errors.groups.length),
      errors.stateFilter ? `error groups (${errors.stateFilter.states.join(', ')})` : 'error groups',
    ],
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
${errorSection(report, href)}
${newSection(report, href)}
${releaseHealthSection(report)}
<div class="grid2">
${auditSection(report)}
${sessionChartSection(report)}
</div>
${historySection(report)}
${sessionTables(report)}`;
}

function errorSection(report: Report, href: (id: string) => string): string {
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
          .map((s, i) => `<li data-series="${i}">${seriesKey(i)}${e(s.label)}</li>`)
          .join('')}</ul>`;
  const newIds = new Set(errors.newGroups);
  const rows = errors.groups
    .map((group, index) => groupRow(group, index, newIds.has(group.id), href(group.id)))
    .join('');
  return `<section id="errors">
<h2>Errors</h2>
<p class="hint">Grouped by app and fingerprint (or by type and message where documents have none); occurrences per ${e(formatBucket(timeline.bucketMs))}, UTC.</p>
${chart}
${
  errors.groups.length === 0
    ? ''
    : `<table><thead><tr><th>#</th><th>Error</th><th class="num">Occurrences</th><th class="num">Machines</th><th>Versions</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>${rows}</tbody></table>`
}
${errors.stateFilter ? `<p class="hint" id="state-filter">Listed: the ${formatCount(errors.stateFilter.matching)} group(s) in state ${e(errors.stateFilter.states.join(', '))} (<code>--state</code>); the totals count every group of the window.</p>` : ''}
${errors.groups.length === 0 && errors.stateFilter ? `<p class="empty">No error group in state ${e(errors.stateFilter.states.join(', '))}.</p>` : ''}
${errors.truncated ? `<p class="hint">Only the ${errors.groups.length} largest groups are listed.</p>` : ''}
</section>`;
}

function groupRow(group: ErrorGroup, index: number, isNew: boolean, link: string): string {
  const message = group.sample?.mensagem ?? ('mensagem' in group.key ? group.key.mensagem : null) ?? '';
  const where = group.sample ? formatLocation(group.sample) : '';
  const fingerprint =
    'fingerprint' in group.key
      ? `<div class="fingerprint">fingerprint ${e(group.key.fingerprint)}</div>`
      : '';
  // Triage's `new` (first seen ever in the window) implies the report's "new" (none in the
  // previous window): one badge says it.
  const state = group.state
    ? `<span class="badge state state-${e(group.state)}" data-state="${e(group.state)}">${e(formatState(group))}</span>`
    : '';
  return `<tr id="row-${e(group.id)}"><td class="num">${index + 1}</td><td><div class="app">${e(group.app)}</div><a class="group-link" href="${e(link)}"><span class="tipo">${e(group.tipo ?? '(no type)')}</span></a>${state}${isNew && group.state !== 'new' ? '<span class="badge">new</span>' : ''}<div>${e(message.length > 300 ? `${message.slice(0, 299)}…` : message)}</div>${where ? `<div class="where">at ${e(where)}</div>` : ''}${fingerprint}</td><td class="num">${formatCount(group.occurrences)}</td><td class="num">${formatCount(group.machines)}</td><td>${e(formatVersions(group.versions))}</td><td>${e(formatSeen(group.firstSeen))}</td><td>${e(formatSeen(group.lastSeen))}</td></tr>`;
}

function newSection(report: Report, href: (id: string) => string): string {
  const { errors } = report;
  const byId = new Map(errors.groups.map((group) => [group.id, group]));
  const name = (id: string) => {
    const group = byId.get(id);
    return group
      ? `<a href="${e(href(id))}">${e(groupName(labelOf(group), group))}</a>`
      : `group ${e(id)} (not among the ${errors.groups.length} listed)`;
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
      `<p>${e(novelty.app)} version <strong>${e(novelty.version)}</strong> has ${novelty.groups.length} error group(s) that ${e(novelty.previousVersion)} did not:</p><ul>${novelty.groups
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
