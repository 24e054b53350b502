import type { Db } from 'mongodb';
import { componentLogger } from '../foundation/diag';
import { markAbsent, readLedger, recordSignature } from './alert-ledger';
import { crashFreeRates, observeCrashFree, observeGroups, type Alert, type Observation } from './alerts';
import { readGroupStates } from './read-group-states';
import { readReleaseHealth } from './release-health-reader';
import type { DeliveryResult } from './webhook';

const log = componentLogger('triage/watch');

/** Time limit of each release-health query of a poll with `--crash-free-below`. */
const CRASH_FREE_MAX_TIME_MS = 60_000;

/** Where `watch` reads and records. */
export interface WatchNames {
  errors: string;
  metrics: string;
  groups: string;
  alerts: string;
}

/** One place alerts go: a webhook, or the terminal. `send` never throws. */
export interface AlertDestination {
  id: string;
  label: string;
  send(alert: Alert, signal?: AbortSignal): Promise<DeliveryResult>;
}

export interface WatchSettings {
  /** Length of the watched window in ms: a group first seen in it is new; crash-free rates are over it. */
  windowMs: number;
  /** Alert when an app version's crash-free session rate is under this percentage; undefined: no check. */
  crashFreeBelow: number | undefined;
}

/** Counts over the life of one `watch`. */
export interface WatchStats {
  polls: number;
  /** Alerts delivered (one per destination). */
  delivered: number;
  /** Alerts whose delivery failed after its retries (or at once, for a 4xx). */
  failed: number;
  /** Retries made (attempts beyond the first). */
  retries: number;
}

export function newWatchStats(): WatchStats {
  return { polls: 0, delivered: 0, failed: 0, retries: 0 };
}

/**
 * One poll: the states of the groups of the window (and the crash-free rates), compared per
 * destination with what the ledger recorded. A subject whose signature changed into an alerting
 * one is sent; a delivered alert, a refused one (4xx) and a change to a quiet state are recorded.
 * An alert whose delivery failed for a reason a retry may mend (network, 5xx) is not recorded,
 * so the next poll sends it again. Failures are counted and reported through `report` and diag.
 */
export async function pollOnce(
  db: Db,
  names: WatchNames,
  settings: WatchSettings,
  destinations: readonly AlertDestination[],
  stats: WatchStats,
  report: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  stats.polls++;
  const now = new Date();
  const since = new Date(now.getTime() - settings.windowMs);
  const observations: Observation[] = observeGroups(
    await readGroupStates(db, names, { since, until: now }),
    now,
  );
  if (settings.crashFreeBelow !== undefined) {
    // Release health's figures over the watched window alone (no previous window to compare).
    const health = await readReleaseHealth({
      db,
      collections: { errors: names.errors, metrics: names.metrics, audit: '' },
      window: { from: since, to: now, previousFrom: since },
      maxTimeMS: CRASH_FREE_MAX_TIME_MS,
    });
    observations.push(...observeCrashFree(crashFreeRates(health), settings.crashFreeBelow, now));
  }
  const seen = new Set(observations.map((observation) => observation.subject));
  for (const destination of destinations) {
    const ledger = await readLedger(db, names.alerts, destination.id);
    for (const { subject, signature, alert } of observations) {
      if (signal?.aborted) return;
      if (ledger.get(subject)?.assinatura === signature) continue;
      if (!alert) {
        await recordSignature(db, names.alerts, destination, subject, signature, now);
        continue;
      }
      const result = await destination.send(alert, signal);
      stats.retries += result.attempts - 1;
      if (result.ok) stats.delivered++;
      else {
        stats.failed++;
        const line =
          `alert to ${destination.label} failed after ${result.attempts} attempt(s): ${result.error ?? 'unknown'}` +
          (result.permanent
            ? ' (not retried: the receiver refused it; recorded as sent)'
            : '; sent again at the next poll');
        report(line);
        log.warn(line);
      }
      if (!result.ok && !result.permanent) continue;
      await recordSignature(db, names.alerts, destination, subject, signature, now, {
        texto: alert.text,
        enviado_em: now,
        entregue: result.ok,
        tentativas: result.attempts,
        ...(result.status === undefined ? {} : { status: result.status }),
        ...(result.error === undefined ? {} : { erro: result.error }),
      });
    }
    const present = [...ledger.values()].filter((record) => record.assinatura !== 'absent');
    await markAbsent(
      db,
      names.alerts,
      destination.id,
      seen,
      present.map((record) => record.assunto),
      now,
    );
  }
}
