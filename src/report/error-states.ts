import type { Document } from 'mongodb';
import type { QueryContext } from './context';
import { groupFilter } from '../triage/group-key';
import type { GroupState } from '../triage/group-state';
import type { GroupStateEntry } from '../triage/read-group-states';
import { UNKNOWN_APP } from '../triage/release-health';
import { type AccumulatedGroup, fingerprintKey, textOrNull } from './accumulated-group';
import type { ErrorGroup } from './types';

// The report's error groups joined with their triage states (docs/triage.md).

/** The triage states of the window's groups, and the `--state` filter. */
export interface ReportGroupStates {
  /** `readGroupStates` of the report's window. */
  entries: readonly GroupStateEntry[];
  /** List only the groups in these states; undefined or empty: every group. */
  only?: readonly GroupState[];
}

/** The report's app of a triage app: documents without `app_nome` are `''` there, UNKNOWN_APP here. */
export function reportApp(triageApp: string): string {
  return triageApp === '' ? UNKNOWN_APP : triageApp;
}

/**
 * Gives each group with a fingerprint its triage state; with `only`, keeps just the groups in
 * those states and adds the resolved or ignored ones that have no occurrence in the window
 * (`readGroupStates` returns them; without `--state` they are not listed).
 */
export function joinStates(
  current: Map<string, AccumulatedGroup>,
  entries: readonly GroupStateEntry[],
  only: ReadonlySet<GroupState> | undefined,
  bucketCount: number,
): void {
  const byKey = new Map(
    entries.map((entry) => [fingerprintKey(reportApp(entry.app), entry.fingerprint), entry]),
  );
  for (const [mapKey, group] of current) {
    const entry = byKey.get(mapKey);
    if (entry) group.state = entry;
    if (only && !(entry && only.has(entry.state))) current.delete(mapKey);
  }
  if (!only) return;
  for (const [mapKey, entry] of byKey) {
    if (current.has(mapKey) || !only.has(entry.state)) continue;
    current.set(mapKey, {
      app: reportApp(entry.app),
      key: { fingerprint: entry.fingerprint },
      tipo: null,
      occurrences: 0,
      documents: 0,
      machines: new Set(),
      versions: new Set(),
      firstSeen: entry.firstSeen?.getTime() ?? NaN,
      // NaN (no document left) sorts last, and is listed as null.
      lastSeen: entry.lastSeen?.getTime() ?? NaN,
      newest: -Infinity,
      newestId: undefined,
      sample: undefined,
      buckets: new Array<number>(bucketCount).fill(0),
      state: entry,
      quiet: true,
    });
  }
}

export function stateFields(entry: GroupStateEntry | undefined): Partial<ErrorGroup> {
  if (!entry) return {};
  return {
    state: entry.state,
    ...(entry.resolvedIn === undefined ? {} : { resolvedIn: entry.resolvedIn }),
    ...(entry.regressedIn === undefined ? {} : { regressedIn: entry.regressedIn }),
    ...(entry.regressedAt ? { regressedAt: entry.regressedAt } : {}),
  };
}

/**
 * The type, message and location of the listed groups without occurrences in the window, from
 * their newest document before the window's end (one index seek each on
 * `{ erro.fingerprint, timestamp }`); its `_id` then gives the group's page its stack trace.
 */
export async function readQuietGroups(
  context: QueryContext,
  quiet: readonly { group: AccumulatedGroup; listed: ErrorGroup }[],
): Promise<void> {
  if (quiet.length > 0) context.progress('newest document of the quiet resolved or ignored groups');
  for (const { group, listed } of quiet) {
    const entry = group.state!;
    const doc = await context.db.collection(context.collections.errors).findOne(
      {
        ...groupFilter({ app: entry.app, fingerprint: entry.fingerprint }),
        timestamp: { $lt: context.window.to },
      },
      {
        sort: { timestamp: -1 },
        projection: {
          _id: 1,
          'erro.tipo': 1,
          'erro.mensagem': 1,
          'erro.arquivo': 1,
          'erro.linha': 1,
          'erro.funcao': 1,
        },
        maxTimeMS: context.maxTimeMS,
      },
    );
    if (!doc) continue;
    const erro = (doc.erro ?? {}) as Document;
    group.newestId = doc._id;
    listed.tipo = textOrNull(erro.tipo);
    listed.sample = {
      mensagem: textOrNull(erro.mensagem),
      arquivo: textOrNull(erro.arquivo),
      linha: typeof erro.linha === 'number' ? erro.linha : null,
      funcao: textOrNull(erro.funcao),
    };
  }
}
