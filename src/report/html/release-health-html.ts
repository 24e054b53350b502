import { formatCount, formatPercent, formatTrend } from '../format';
import type { Report } from '../types';
import type { HealthFigures } from '../../triage/release-health';
import { escapeHtml as e } from './escape';

/** The release-health section: per app a table, one row per version, latest first. */
export function releaseHealthSection(report: Report): string {
  const health = report.releaseHealth;
  const minutes = health.abandonedAfterMs / 60_000;
  const hint = `Per app and version, sessions by their last update in this window; in brackets the change since the previous ${e(report.window.label)}. Crashed: closed as a crash, or an unhandled error carries the session's id. Errored: at least one error carries its id. Abnormal: still marked running and silent for over ${minutes} min.`;
  if (health.apps.length === 0)
    return `<section id="release-health"><h2>Release health</h2><p class="hint">${hint}</p><p class="empty">No sessions in this window or the previous one.</p></section>`;
  const cell = (c: HealthFigures, p: HealthFigures, pick: (f: HealthFigures) => number | null) =>
    `<td class="num">${e(formatPercent(pick(c)))} <span class="trend">(${e(formatTrend(pick(c), pick(p)))})</span></td>`;
  const tables = health.apps
    .map((app) => {
      const rows = app.versions
        .map(({ version, current: c, previous: p }) => {
          return `<tr data-version="${e(version)}"><td>${e(version)}</td><td class="num">${formatCount(c.sessions)}</td><td class="num">${formatCount(c.installations)}</td>${cell(c, p, (f) => f.crashFreeSessionsPct)}${cell(c, p, (f) => f.erroredSessionsPct)}${cell(c, p, (f) => f.abnormalSessionsPct)}${cell(c, p, (f) => f.crashFreeInstallationsPct)}<td class="num">${e(formatPercent(c.adoptionPct))}</td></tr>`;
        })
        .join('');
      return `<h3>${e(app.app)}</h3><table class="health" data-app="${e(app.app)}"><thead><tr><th>Version</th><th class="num">Sessions</th><th class="num">Installations</th><th class="num">Crash-free sessions</th><th class="num">Errored sessions</th><th class="num">Abnormal sessions</th><th class="num">Crash-free installations</th><th class="num">Adoption</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('');
  const unlinked = health.apps.flatMap((a) => a.versions).reduce((n, v) => n + v.current.unlinkedSessions, 0);
  const notes = [
    unlinked > 0
      ? `${formatCount(unlinked)} session(s) have no sessao_id (written before it existed): no error joins them, so they count as crashed only when closed as a crash.`
      : '',
    health.truncated ? 'The documents read hit their limit: figures may be short.' : '',
  ].filter(Boolean);
  return `<section id="release-health"><h2>Release health</h2><p class="hint">${hint}</p>${tables}${notes.map((n) => `<p class="hint">${e(n)}</p>`).join('')}</section>`;
}
