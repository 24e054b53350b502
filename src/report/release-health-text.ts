import { formatCount, formatPercent, formatTrend } from './format';
import type { Report } from './types';
import type { HealthFigures } from '../triage/release-health';

/** The release-health lines of the text report: per app, one row per version, latest first. */
export function releaseHealthText(report: Report, out: string[]): void {
  const health = report.releaseHealth;
  out.push(
    '',
    `RELEASE HEALTH (per app and version; in brackets the change since the previous ${report.window.label})`,
  );
  if (health.apps.length === 0) {
    out.push('  no sessions in this window or the previous one');
    return;
  }
  for (const app of health.apps) {
    out.push(`  app ${app.app}`);
    out.push(
      `    ${'version'.padEnd(14)}  ${'sessions'.padStart(8)}  ${'installs'.padStart(8)}  ${'crash-free'.padStart(16)}  ${'errored'.padStart(16)}  ${'abnormal'.padStart(16)}  ${'crash-free inst.'.padStart(16)}  ${'adoption'.padStart(8)}`,
    );
    for (const version of app.versions) {
      const { current: c, previous: p } = version;
      const cell = (pick: (f: HealthFigures) => number | null) =>
        `${formatPercent(pick(c))} (${formatTrend(pick(c), pick(p))})`.padStart(16);
      out.push(
        `    ${version.version.padEnd(14)}  ${formatCount(c.sessions).padStart(8)}  ${formatCount(c.installations).padStart(8)}  ` +
          `${cell((f) => f.crashFreeSessionsPct)}  ${cell((f) => f.erroredSessionsPct)}  ${cell((f) => f.abnormalSessionsPct)}  ` +
          `${cell((f) => f.crashFreeInstallationsPct)}  ${formatPercent(c.adoptionPct).padStart(8)}`,
      );
    }
  }
  const unlinked = health.apps.flatMap((a) => a.versions).reduce((n, v) => n + v.current.unlinkedSessions, 0);
  out.push(
    `  crashed: closed as a crash, or an unhandled error carries the session id; abnormal: still marked running and silent for over ${health.abandonedAfterMs / 60_000} min.`,
  );
  if (unlinked > 0)
    out.push(
      `  ${formatCount(unlinked)} session(s) without sessao_id (written before it existed): no error joins them; they count as crashed only when closed as a crash.`,
    );
  if (health.truncated) out.push('  (the documents read hit their limit: figures may be short)');
}
