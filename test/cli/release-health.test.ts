import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report';
import { renderHtml } from '../../src/report/html/render-html';
import { renderText } from '../../src/report/render-text';
import type { Report } from '../../src/report/types';
import { parseWindow } from '../../src/report/window';
import type { HealthFigures } from '../../src/triage/release-health';
import { useTestDatabase } from '../support/database';
import { HOST, MACHINES, PLAN, type PlannedSession } from './support/seed-health-fleet';
import { seedHealthFleet } from './support/seed-health-fleet';

const HOUR = 3_600_000;
const database = useTestDatabase('health');
let report: Report;

beforeAll(async () => {
  const now = await seedHealthFleet(database.uri, database.name);
  // Read 2 h after the seeding: the sessions that never ended have been silent for longer than
  // the 1 h bound, so they are abnormal; every other session was closed.
  report = await buildReport({
    db: database.db,
    collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
    window: parseWindow('24h', new Date(now.getTime() + 2 * HOUR)),
  });
}, 240_000);

/** The figures the plan says, counted here from PLAN alone (not from the stored documents). */
function planned(app: string, version: string, inPrevious: boolean): Partial<HealthFigures> {
  const inWindow = (p: PlannedSession) => (inPrevious ? p.hoursAgo >= 24 : p.hoursAgo < 24);
  const appSessions = PLAN.filter((p) => p.app === app && inWindow(p));
  const sessions = appSessions.filter((p) => p.version === version);
  const machines = new Set(sessions.map((p) => p.machine));
  const crashedMachines = new Set(sessions.filter((p) => p.ending === 'crash').map((p) => p.machine));
  const pct = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
  const crashed = sessions.filter((p) => p.ending === 'crash').length;
  // A crash's unhandled error carries the session id too: a crashed session is also errored.
  const errored = sessions.filter((p) => p.ending === 'errored' || p.ending === 'crash').length;
  const abnormal = sessions.filter((p) => p.ending === 'hang').length;
  return {
    sessions: sessions.length,
    installations: machines.size,
    crashedSessions: crashed,
    erroredSessions: errored,
    abnormalSessions: abnormal,
    crashFreeSessionsPct: pct(sessions.length - crashed, sessions.length),
    erroredSessionsPct: pct(errored, sessions.length),
    abnormalSessionsPct: pct(abnormal, sessions.length),
    crashFreeInstallationsPct: pct(machines.size - crashedMachines.size, machines.size),
    adoptionPct: pct(sessions.length, appSessions.length),
  };
}

const VERSIONS = [
  ['editor', '1.1.0'],
  ['editor', '1.0.0'],
  ['corretor', '2.0.0'],
] as const;

function figures(app: string, version: string, which: 'current' | 'previous'): HealthFigures {
  const found = report.releaseHealth.apps
    .find((a) => a.app === app)
    ?.versions.find((v) => v.version === version);
  if (!found) throw new Error(`no release health for ${app} ${version}`);
  return found[which];
}

function pick(f: Partial<HealthFigures>, keys: (keyof HealthFigures)[]): Partial<HealthFigures> {
  return Object.fromEntries(keys.map((k) => [k, f[k]]));
}

describe('release health over a fleet seeded through the package (2 apps, 3 versions, 20 machines)', () => {
  it('the plan has 20 machines, 2 apps and 3 versions (the fleet the figures are about)', () => {
    expect(new Set(PLAN.map((p) => p.machine)).size).toBe(MACHINES.length + 1);
    expect(new Set(PLAN.map((p) => p.app)).size).toBe(2);
    expect(new Set(PLAN.map((p) => p.version)).size).toBe(3);
    expect(PLAN.some((p) => p.machine === HOST)).toBe(true);
  });

  it('apps and versions: both apps, versions latest first', () => {
    expect(report.releaseHealth.apps.map((a) => [a.app, a.versions.map((v) => v.version)])).toEqual([
      ['corretor', ['2.0.0']],
      ['editor', ['1.1.0', '1.0.0']],
    ]);
  });

  it('sessions, installations, abnormal sessions (never closed, silent for over 1 h) and adoption match the plan, in this window and the previous one', () => {
    const keys: (keyof HealthFigures)[] = [
      'sessions',
      'installations',
      'abnormalSessions',
      'abnormalSessionsPct',
      'adoptionPct',
    ];
    for (const [app, version] of VERSIONS) {
      expect(pick(figures(app, version, 'current'), keys), `${app} ${version}`).toEqual(
        pick(planned(app, version, false), keys),
      );
      expect(pick(figures(app, version, 'previous'), keys), `${app} ${version} before`).toEqual(
        pick(planned(app, version, true), keys),
      );
    }
  });

  it('errored sessions: those whose errors carry their sessao_id (handled errors and crashes), per version', () => {
    const keys: (keyof HealthFigures)[] = ['erroredSessions', 'erroredSessionsPct', 'unlinkedSessions'];
    for (const [app, version] of VERSIONS) {
      expect(pick(figures(app, version, 'current'), keys), `${app} ${version}`).toEqual({
        ...pick(planned(app, version, false), keys),
        unlinkedSessions: 0,
      });
      expect(pick(figures(app, version, 'previous'), keys), `${app} ${version} before`).toEqual({
        ...pick(planned(app, version, true), keys),
        unlinkedSessions: 0,
      });
    }
  });

  it('crashed sessions (closed as a crash by the crash path) make crash-free sessions and installations drop for their version only', () => {
    const keys: (keyof HealthFigures)[] = [
      'crashedSessions',
      'crashFreeSessionsPct',
      'crashFreeInstallationsPct',
    ];
    for (const [app, version] of VERSIONS) {
      expect(pick(figures(app, version, 'current'), keys), `${app} ${version}`).toEqual(
        pick(planned(app, version, false), keys),
      );
    }
    expect(figures('editor', '1.0.0', 'current').crashedSessions).toBe(0);
  });

  it("the text report shows corretor 2.0.0's sessions, installations and crash-free share, and the 60 min abnormal bound; the HTML report has editor 1.1.0's row with its sessions", () => {
    const text = renderText(report);
    const section = text.slice(text.indexOf('RELEASE HEALTH'));
    const corretor = planned('corretor', '2.0.0', false);
    const crashFree = `${corretor.crashFreeSessionsPct!.toFixed(1)}% (new)`;
    expect(section).toMatch(
      new RegExp(
        `app corretor\\n.*\\n\\s+2\\.0\\.0\\s+${corretor.sessions}\\s+${corretor.installations}\\s+${crashFree.replace(/[.()]/g, '\\$&')}`,
      ),
    );
    expect(section).toContain('silent for over 60 min');
    const html = renderHtml(report);
    expect(html).toContain('<section id="release-health">');
    expect(html).toContain(
      `<tr data-version="1.1.0"><td>1.1.0</td><td class="num">${planned('editor', '1.1.0', false).sessions}</td>`,
    );
  });
});
