import { appLabel, groupId } from './group-key';
import type { GroupState } from './group-state';
import type { GroupStateEntry } from './read-group-states';
import { type ReleaseHealth, UNKNOWN_APP } from './release-health';

/** What `watch` alerts on. */
export type AlertKind = 'new' | 'regressed' | 'escalating' | 'crash_free_below';

/** One alert: sent once per subject and change of its signature (see {@link Observation}). */
export interface Alert {
  kind: AlertKind;
  app: string;
  fingerprint?: string;
  version?: string;
  /** One line for people. */
  text: string;
  /** The figures behind it (counts, versions, rates), for the generic JSON body. */
  details: Record<string, unknown>;
  at: Date;
}

/**
 * What one poll sees of one subject (a group, or an app's version for the crash-free rate): its
 * signature, and the alert to send when the signature changed since the last one recorded.
 * A regressed group's signature holds its resolution time, so a group resolved again and
 * regressed again alerts again.
 */
export interface Observation {
  subject: string;
  signature: string;
  alert: Alert | undefined;
}

const ALERTING: ReadonlySet<GroupState> = new Set(['new', 'regressed', 'escalating']);

/** The observation of every group: an alert for `new`, `regressed` and `escalating`. */
export function observeGroups(entries: readonly GroupStateEntry[], at: Date): Observation[] {
  return entries.map((entry) => {
    const signature =
      entry.state === 'regressed' ? `regressed@${entry.resolvedAt?.toISOString() ?? ''}` : entry.state;
    return {
      subject: `group:${groupId(entry)}`,
      signature,
      alert: ALERTING.has(entry.state) ? groupAlert(entry, at) : undefined,
    };
  });
}

/**
 * One app version's crash-free session rate over the watched window, from release health's
 * figures (release-health.ts: one definition of a crashed session for the report and `watch`).
 * `app` is `''` for documents without `app_nome`, as everywhere in triage.
 */
export interface CrashFreeRate {
  app: string;
  version: string;
  sessions: number;
  crashed: number;
  /** 0-100, unrounded: the threshold is compared with the exact rate. */
  crashFreePercent: number;
}

/** The crash-free rate of every app version with sessions in release health's current window. */
export function crashFreeRates(health: ReleaseHealth): CrashFreeRate[] {
  return health.apps.flatMap((app) =>
    app.versions
      .filter((version) => version.current.sessions > 0)
      .map((version) => {
        const { sessions, crashedSessions } = version.current;
        return {
          app: app.app === UNKNOWN_APP ? '' : app.app,
          version: version.version,
          sessions,
          crashed: crashedSessions,
          crashFreePercent: ((sessions - crashedSessions) / sessions) * 100,
        };
      }),
  );
}

/** The observation of every app version's crash-free rate: an alert when it is under `thresholdPercent`. */
export function observeCrashFree(
  rates: readonly CrashFreeRate[],
  thresholdPercent: number,
  at: Date,
): Observation[] {
  return rates.map((rate) => {
    const below = rate.crashFreePercent < thresholdPercent;
    return {
      subject: `crash-free:${rate.app}/${rate.version}`,
      signature: below ? 'below' : 'ok',
      alert: below
        ? {
            kind: 'crash_free_below',
            app: rate.app,
            version: rate.version,
            text:
              `${appLabel(rate.app)} ${rate.version}: crash-free sessions ${rate.crashFreePercent.toFixed(2)}% ` +
              `(${rate.crashed} of ${rate.sessions} crashed), under ${thresholdPercent}%`,
            details: { ...rate, thresholdPercent },
            at,
          }
        : undefined,
    };
  });
}

function groupAlert(entry: GroupStateEntry, at: Date): Alert {
  const app = appLabel(entry.app);
  const title = entry.title ?? entry.fingerprint;
  const text =
    entry.state === 'new'
      ? `${app}: new error group ${entry.fingerprint}: ${title} (${entry.count} occurrences)`
      : entry.state === 'regressed'
        ? `${app}: regression of ${entry.fingerprint} in ${entry.regressedIn ?? '?'} ` +
          `(resolved in ${entry.resolvedIn ?? '?'}): ${title}`
        : `${app}: ${entry.fingerprint} is escalating: ${entry.lastHour} in the last hour ` +
          `(${entry.previousSevenDays} in the 7 days before): ${title}`;
  const version = entry.state === 'regressed' ? entry.regressedIn : entry.versions.at(-1);
  return {
    kind: entry.state as AlertKind,
    app: entry.app,
    fingerprint: entry.fingerprint,
    ...(version === undefined ? {} : { version }),
    text,
    details: {
      state: entry.state,
      count: entry.count,
      lastHour: entry.lastHour,
      previousSevenDays: entry.previousSevenDays,
      versions: entry.versions,
      firstSeen: entry.firstSeen?.toISOString() ?? null,
      lastSeen: entry.lastSeen?.toISOString() ?? null,
      ...(entry.resolvedIn === undefined ? {} : { resolvedIn: entry.resolvedIn }),
      ...(entry.regressedAt ? { regressedAt: entry.regressedAt.toISOString() } : {}),
    },
    at,
  };
}
