import { labelOf } from './error-scan';
import {
  formatCount,
  formatDuration,
  formatLocation,
  formatState,
  formatTime,
  formatVersions,
  groupName,
} from './format';
import { releaseHealthText } from './release-health-text';
import type { ErrorGroup, Report } from './types';

/** The report as plain text for a terminal (80 columns where it can). */
export function renderText(report: Report): string {
  const out: string[] = [];
  const { window } = report;
  out.push(
    `Report of ${report.database}, since ${window.label}: ${formatTime(window.from)} to ${formatTime(window.to)}`,
  );
  if (report.empty) {
    out.push(
      '',
      'Nothing to report: no errors, audit events or sessions were stored in this window.',
      'If the application should have written some, check that it uses this database, or widen --since.',
    );
    return `${out.join('\n')}\n`;
  }
  errorsText(report, out);
  auditText(report, out);
  sessionsText(report, out);
  releaseHealthText(report, out);
  return `${out.join('\n')}\n`;
}

function errorsText(report: Report, out: string[]): void {
  const { errors } = report;
  const byId = new Map(errors.groups.map((group) => [group.id, group]));
  out.push(
    '',
    `ERRORS: ${formatCount(errors.occurrences)} occurrences (${formatCount(errors.documents)} documents)`,
  );
  if (errors.groups.length === 0) {
    out.push(
      errors.stateFilter
        ? `  no error group in state ${errors.stateFilter.states.join(', ')} (--state)`
        : '  none',
    );
  } else {
    if (errors.stateFilter)
      out.push(
        `  listed: the ${formatCount(errors.stateFilter.matching)} group(s) in state ${errors.stateFilter.states.join(', ')} (--state); the totals above count every group`,
      );
    out.push('   #  occurrences  machines  versions          first seen        last seen');
    errors.groups.forEach((group, index) => {
      out.push(
        `  ${String(index + 1).padStart(2)}  ${formatCount(group.occurrences).padStart(11)}  ${String(group.machines).padStart(8)}  ` +
          `${formatVersions(group.versions).padEnd(16)}  ${seenColumn(group.firstSeen)}       ${seenColumn(group.lastSeen)}`,
      );
      const state = formatState(group);
      out.push(`      ${group.app}: ${labelOf(group)}${state ? `  [${state}]` : ''}`);
      const where = group.sample ? formatLocation(group.sample) : '';
      if (where) out.push(`      at ${where}`);
      if ('fingerprint' in group.key) out.push(`      fingerprint ${group.key.fingerprint}`);
    });
    if (errors.truncated) out.push(`  (only the ${errors.groups.length} largest groups are shown)`);
  }

  out.push('', 'NEW SINCE THE PREVIOUS WINDOW');
  const newGroups = errors.newGroups
    .map((id) => byId.get(id))
    .filter((g): g is ErrorGroup => g !== undefined);
  if (errors.newGroups.length === 0) out.push('  no error group is new');
  else {
    out.push(`  ${errors.newGroups.length} error group(s) first seen in this window:`);
    for (const group of newGroups)
      out.push(`    ${groupName(labelOf(group), group)}  (${formatCount(group.occurrences)})`);
    if (newGroups.length < errors.newGroups.length)
      out.push(`    … and ${errors.newGroups.length - newGroups.length} smaller ones`);
  }
  for (const novelty of errors.newInVersion) {
    out.push(
      `  ${novelty.app} version ${novelty.version} has ${novelty.groups.length} error group(s) that ${novelty.previousVersion} did not:`,
    );
    for (const id of novelty.groups) {
      const group = byId.get(id);
      out.push(`    ${group ? groupName(labelOf(group), group) : `group ${id}`}`);
    }
  }
}

/** `11-29 19:55`, or `-` padded to the same width. */
function seenColumn(date: Date | null): string {
  return date === null ? '-'.padEnd(11) : formatTime(date).slice(5, 16);
}

function auditText(report: Report, out: string[]): void {
  const { audit } = report;
  out.push('', `AUDIT: ${formatCount(audit.events)} events`);
  if (audit.actions.length === 0) out.push('  none');
  const width = Math.max(0, ...audit.actions.map((a) => a.acao.length));
  for (const action of audit.actions)
    out.push(`  ${action.acao.padEnd(width)}  ${formatCount(action.count).padStart(8)}`);
  if (audit.history) {
    const { filter } = audit.history;
    const what = [
      filter.entidade ? `${filter.entidade}:${filter.entidade_id}` : undefined,
      filter.usuario_id ? `user ${filter.usuario_id}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    out.push('', `HISTORY of ${what} (oldest first): ${audit.history.events.length} events`);
    for (const event of audit.history.events) {
      const details = Object.keys(event.detalhes).length > 0 ? `  ${JSON.stringify(event.detalhes)}` : '';
      out.push(
        `  ${formatTime(event.timestamp)}  ${event.acao}  ${event.entidade ?? '-'}:${event.entidade_id ?? '-'}  user ${event.usuario_id ?? '-'}${details}`,
      );
    }
    if (audit.history.truncated) out.push(`  (only the first ${audit.history.events.length} are shown)`);
  }
}

function sessionsText(report: Report, out: string[]): void {
  const { sessions } = report;
  out.push('', `SESSIONS: ${formatCount(sessions.sessions)}`);
  if (sessions.sessions === 0) {
    out.push('  none');
    return;
  }
  if (sessions.durationSeconds) {
    const d = sessions.durationSeconds;
    out.push(
      `  duration: median ${formatDuration(d.median)}, p95 ${formatDuration(d.p95)}, longest ${formatDuration(d.max)}`,
    );
  }
  out.push(`  per day (UTC): ${sessions.perDay.map((d) => `${d.day} ${formatCount(d.count)}`).join(', ')}`);
  if (sessions.counters.length > 0) {
    out.push('  counters (total over all sessions):');
    const width = Math.max(...sessions.counters.map((c) => c.name.length));
    for (const counter of sessions.counters)
      out.push(`    ${counter.name.padEnd(width)}  ${formatCount(counter.total).padStart(10)}`);
  }
  if (sessions.timings.length > 0) {
    const width = Math.max(4, ...sessions.timings.map((t) => t.name.length));
    out.push(
      '  timings (merged across sessions, ms):',
      `    ${'name'.padEnd(width)}  ${'count'.padStart(8)}  ${'min'.padStart(9)}  ${'avg'.padStart(9)}  ${'max'.padStart(9)}`,
    );
    for (const t of sessions.timings) {
      out.push(
        `    ${t.name.padEnd(width)}  ${formatCount(t.count).padStart(8)}  ${t.min_ms.toFixed(2).padStart(9)}  ${t.avg_ms.toFixed(2).padStart(9)}  ${t.max_ms.toFixed(2).padStart(9)}`,
      );
    }
  }
  if (sessions.truncated) out.push(`  (only the first ${formatCount(sessions.sessions)} sessions were read)`);
}
