import { compareVersions } from '../document/version-order';

/**
 * Release health (issue 21, section 2): per app and version, how its sessions ended. Pure
 * functions over session and error facts; `release-health-reader.ts` reads those facts from
 * MongoDB. The report and the dashboard show the result.
 */

/**
 * How long a running session (`sessao.ativa: true`) may go without an update before it counts as
 * abnormal: it ended without being closed (killed, power lost, the machine slept for good). An
 * exporter rewrites the session document at every metric export (every 60 s by default, and at
 * most every few minutes in any configuration the docs suggest), so an hour of silence is many
 * missed exports, never a slow one; and a session that really is still running comes back as
 * soon as it is written again.
 */
export const ABANDONED_AFTER_MS = 3_600_000;

/** The app of documents written before `app_nome` existed: all of them, together. */
export const UNKNOWN_APP = '(unknown app)';
/** The version of documents without `app_version`. */
export const UNKNOWN_VERSION = 'unknown';

/** One session document, as release health reads it. */
export interface SessionFact {
  /** `sessao_id`; undefined for documents written before it existed: they join no errors. */
  sessionId: string | undefined;
  app: string;
  version: string;
  machine: string | undefined;
  /** `timestamp`: the document's last update. */
  lastUpdate: Date;
  /** `sessao.inicio`, when stored. */
  start: Date | undefined;
  active: boolean;
  /** `sessao.encerramento`, once the session ended. */
  closing: 'normal' | 'crash' | undefined;
}

/** What the errors documents say about one session id. */
export interface SessionErrors {
  /** At least one errors document carries this `sessao_id`. */
  errored: boolean;
  /** One of them has `nao_tratada: true`. */
  unhandled: boolean;
}

/** The figures of one version over one window. Percentages are 0-100 with one decimal; null with no sessions. */
export interface HealthFigures {
  sessions: number;
  installations: number;
  crashedSessions: number;
  erroredSessions: number;
  abnormalSessions: number;
  /** Sessions without `sessao_id`: counted everywhere, but no error can be joined to them. */
  unlinkedSessions: number;
  crashFreeSessionsPct: number | null;
  erroredSessionsPct: number | null;
  abnormalSessionsPct: number | null;
  crashFreeInstallationsPct: number | null;
  /** Share of the app's sessions in this window that ran this version. */
  adoptionPct: number | null;
}

export interface VersionHealth {
  version: string;
  current: HealthFigures;
  /** The same figures over the previous window of the same length (the trend). */
  previous: HealthFigures;
}

export interface AppHealth {
  app: string;
  /** Latest version first (semver when semver, otherwise by first seen). */
  versions: VersionHealth[];
}

export interface ReleaseHealth {
  abandonedAfterMs: number;
  apps: AppHealth[];
  /** The session or error documents read hit their limit: figures may be short. */
  truncated: boolean;
}

export interface HealthWindow {
  from: Date;
  to: Date;
  previousFrom: Date;
}

/** Crashed: closed as a crash, or an unhandled error carries its id. */
export function isCrashed(session: SessionFact, errors: ReadonlyMap<string, SessionErrors>): boolean {
  if (session.closing === 'crash') return true;
  return session.sessionId !== undefined && errors.get(session.sessionId)?.unhandled === true;
}

/** Abnormal: still marked running, and not updated for longer than {@link ABANDONED_AFTER_MS} at `now`. */
export function isAbnormal(session: SessionFact, now: Date): boolean {
  return session.active && now.getTime() - session.lastUpdate.getTime() > ABANDONED_AFTER_MS;
}

/** The figures of a set of sessions (one app, one version, one window); `appSessions` for adoption. */
export function healthFigures(
  sessions: readonly SessionFact[],
  errors: ReadonlyMap<string, SessionErrors>,
  now: Date,
  appSessions: number,
): HealthFigures {
  const machines = new Set<string>();
  const crashedMachines = new Set<string>();
  let crashed = 0;
  let errored = 0;
  let abnormal = 0;
  let unlinked = 0;
  for (const session of sessions) {
    const crash = isCrashed(session, errors);
    if (session.machine !== undefined) {
      machines.add(session.machine);
      if (crash) crashedMachines.add(session.machine);
    }
    if (crash) crashed++;
    if (session.sessionId === undefined) unlinked++;
    else if (errors.get(session.sessionId)?.errored) errored++;
    if (isAbnormal(session, now)) abnormal++;
  }
  const n = sessions.length;
  return {
    sessions: n,
    installations: machines.size,
    crashedSessions: crashed,
    erroredSessions: errored,
    abnormalSessions: abnormal,
    unlinkedSessions: unlinked,
    crashFreeSessionsPct: percent(n - crashed, n),
    erroredSessionsPct: percent(errored, n),
    abnormalSessionsPct: percent(abnormal, n),
    crashFreeInstallationsPct: percent(machines.size - crashedMachines.size, machines.size),
    adoptionPct: percent(n, appSessions),
  };
}

/**
 * Release health of every app and version with a session in either window. A session belongs to
 * the window its last update (`timestamp`) falls in, as the report's session section counts them;
 * abnormal is judged at the end of each window (`to`, then `from` for the previous one).
 */
export function releaseHealth(
  sessions: readonly SessionFact[],
  errors: ReadonlyMap<string, SessionErrors>,
  window: HealthWindow,
  truncated = false,
): ReleaseHealth {
  const byApp = new Map<string, Map<string, { current: SessionFact[]; previous: SessionFact[] }>>();
  const firstSeen = new Map<string, number>();
  const from = window.from.getTime();
  for (const session of sessions) {
    const time = session.lastUpdate.getTime();
    if (time < window.previousFrom.getTime() || time >= window.to.getTime()) continue;
    const versions = byApp.get(session.app) ?? new Map();
    byApp.set(session.app, versions);
    const slot = versions.get(session.version) ?? { current: [], previous: [] };
    versions.set(session.version, slot);
    (time < from ? slot.previous : slot.current).push(session);
    const seen = (session.start ?? session.lastUpdate).getTime();
    const key = `${session.app}\u0000${session.version}`;
    firstSeen.set(key, Math.min(firstSeen.get(key) ?? Infinity, seen));
  }
  const apps: AppHealth[] = [...byApp.entries()]
    .sort(([a], [b]) => (a === UNKNOWN_APP ? 1 : b === UNKNOWN_APP ? -1 : a.localeCompare(b)))
    .map(([app, versions]) => {
      let current = 0;
      let previous = 0;
      for (const slot of versions.values()) {
        current += slot.current.length;
        previous += slot.previous.length;
      }
      const seen = (version: string) => {
        const time = firstSeen.get(`${app}\u0000${version}`);
        return time === undefined ? undefined : new Date(time);
      };
      return {
        app,
        versions: [...versions.entries()]
          .sort(([a], [b]) => compareVersions(b, a, seen))
          .map(([version, slot]) => ({
            version,
            current: healthFigures(slot.current, errors, window.to, current),
            previous: healthFigures(slot.previous, errors, window.from, previous),
          })),
      };
    });
  return { abandonedAfterMs: ABANDONED_AFTER_MS, apps, truncated };
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}
