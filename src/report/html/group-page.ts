import { labelOf } from '../error-scan';
import { formatCount, formatLocation, formatSeen, formatState, formatTime } from '../format';
import type { ErrorGroup, Report } from '../types';
import { UNKNOWN_APP } from '../../triage/release-health';
import { escapeHtml as e } from './escape';
import { htmlPage } from './page-shell';
import { lineChart } from './svg-charts';

/** The CLI's name, as the commands shown on a group's page call it. */
const CLI = 'opentelemetry-exporter-mongodb';

/**
 * One error group's page (app + fingerprint): its state when known, where and when it happens,
 * occurrences over time, the newest occurrence's stack trace and trail, and the commands that
 * resolve or ignore it. The static report holds one such section per listed group; the
 * dashboard serves each at `/group/<id>` (see {@link renderGroupPage}).
 */
export function groupSection(group: ErrorGroup, report: Report, backHref = '#errors'): string {
  const message = group.sample?.mensagem ?? ('mensagem' in group.key ? group.key.mensagem : null) ?? '';
  const where = group.sample ? formatLocation(group.sample) : '';
  const fingerprint = 'fingerprint' in group.key ? group.key.fingerprint : undefined;
  const facts: [string, string][] = [
    ['App', group.app],
    ...(group.state ? ([['State', stateFact(group)]] as [string, string][]) : []),
    ['Location', where || '(not recorded)'],
    ['Fingerprint', fingerprint ?? '(none: grouped by type and message)'],
    ['Occurrences', `${formatCount(group.occurrences)} (${formatCount(group.documents)} documents)`],
    [
      'Machines',
      `${formatCount(group.machines)}${group.machineIds.length > 0 ? `: ${group.machineIds.join(', ')}${group.machineIds.length < group.machines ? ' …' : ''}` : ''}`,
    ],
    ['Versions', group.versions.join(', ') || '-'],
    ['First seen', formatSeen(group.firstSeen)],
    ['Last seen', formatSeen(group.lastSeen)],
  ];
  const labels = report.errors.timeline.starts.map((start) =>
    new Date(start).toISOString().slice(5, 16).replace('T', ' '),
  );
  const chart =
    group.counts.length === 0
      ? ''
      : lineChart(
          labels,
          [{ label: labelOf(group), values: group.counts }],
          `Occurrences over time: ${labelOf(group)}`,
        ).replace('class="chart"', 'class="chart group-chart"');
  return `<section class="group" id="group-${e(group.id)}">
<p class="no-print"><a href="${e(backHref)}">← all error groups</a></p>
<h2><span class="tipo">${e(group.tipo ?? '(no type)')}</span>${group.state ? ` <span class="badge state state-${e(group.state)}" data-state="${e(group.state)}">${e(formatState(group))}</span>` : ''}</h2>
<p class="message">${e(message)}</p>
<dl class="facts">${facts.map(([term, value]) => `<dt>${e(term)}</dt><dd>${e(value)}</dd>`).join('')}</dl>
<h3>Occurrences over time</h3>
${chart}
${latestPart(group)}
<h3>What to do with it</h3>
${commands(group, fingerprint)}
</section>`;
}

/** The state as the page says it: with its versions, and since when a regression happened. */
function stateFact(group: ErrorGroup): string {
  const regressed = group.regressedAt ? `, at ${formatTime(new Date(group.regressedAt))}` : '';
  return `${formatState(group)}${group.state === 'regressed' ? regressed : ''}`;
}

/** The group's page on the dashboard: the frame of every page around {@link groupSection}. */
export function renderGroupPage(
  report: Report,
  group: ErrorGroup,
  options: { refreshSeconds?: number; banner?: string },
): string {
  return htmlPage({
    title: `${group.tipo ?? 'Error'} in ${group.app}: ${report.database}`,
    heading: `${group.app}: ${labelOf(group)}`,
    subtitle: `Error group ${group.id} in ${report.database}, last ${report.window.label}: ${formatTime(report.window.from)} to ${formatTime(report.window.to)}. Generated ${formatTime(report.generatedAt)}.`,
    main: groupSection(group, report, '/'),
    ...options,
  });
}

function latestPart(group: ErrorGroup): string {
  const latest = group.latest;
  if (!latest) return '<h3>Latest occurrence</h3><p class="empty">Its document could not be read.</p>';
  const trail =
    latest.trail.length === 0
      ? '<p class="empty">No trail: the process logged nothing below the remote level before the error (or trails were off).</p>'
      : `<table class="trail"><thead><tr><th>When</th><th>Level or action</th><th>Logger or entity</th><th>Message or details</th></tr></thead><tbody>${latest.trail
          .map((entry) => {
            const when =
              entry.timestamp instanceof Date ? formatTime(entry.timestamp) : String(entry.timestamp ?? '');
            const kind = String(entry.nivel ?? entry.acao ?? '');
            const who = String(
              entry.logger_name ??
                (entry.entidade ? `${String(entry.entidade)}:${String(entry.entidade_id ?? '')}` : ''),
            );
            const what =
              typeof entry.mensagem === 'string'
                ? entry.mensagem
                : JSON.stringify(entry.detalhes ?? entry.contexto ?? {});
            return `<tr><td>${e(when)}</td><td>${e(kind)}</td><td>${e(who)}</td><td>${e(what)}</td></tr>`;
          })
          .join('')}</tbody></table>`;
  return `<h3>Latest occurrence</h3>
<p class="hint">${e(formatTime(latest.timestamp))} on machine ${e(latest.machine ?? '(unknown)')}, version ${e(latest.version ?? 'unknown')}.</p>
<h4>Stack trace</h4>
${latest.stacktrace ? `<pre class="stack">${e(latest.stacktrace)}</pre>` : '<p class="empty">No stack trace was stored.</p>'}
<h4>Trail (what the process did just before, oldest first)</h4>
${trail}`;
}

function commands(group: ErrorGroup, fingerprint: string | undefined): string {
  if (fingerprint === undefined)
    return '<p class="empty">This group has no fingerprint (documents written before fingerprints existed): resolve and ignore name a fingerprint, so they cannot select it.</p>';
  const app = group.app === UNKNOWN_APP ? '' : ` --app ${shellWord(group.app)}`;
  const note =
    group.app === UNKNOWN_APP
      ? '<p class="hint">Its documents name no app (written before <code>app_nome</code>); the commands then take no <code>--app</code>.</p>'
      : '';
  return `<pre class="commands"><code>${e(`${CLI} resolve ${shellWord(fingerprint)}${app}\n${CLI} ignore ${shellWord(fingerprint)}${app}`)}</code></pre>${note}`;
}

/** A word as a POSIX shell reads it back unchanged: bare when safe, else single-quoted. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9._:/@%+=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
