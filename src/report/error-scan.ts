import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import { inWindow, type QueryContext } from './context';
import { groupName } from './format';
import { readLatestOccurrences } from './latest-occurrence';
import { compareVersions } from './stats';
import { UNKNOWN_APP } from '../triage/release-health';
import type { ErrorGroup, ErrorSection, GroupKey } from './types';
import { type AccumulatedGroup, fingerprintKey, textOrNull } from './accumulated-group';
import { joinStates, readQuietGroups, type ReportGroupStates, stateFields } from './error-states';
import { versionNovelty } from './version-novelty';

/** Groups listed with their details. */
export const TOP_GROUPS = 25;
/** Groups drawn in the "occurrences over time" chart. */
export const CHART_GROUPS = 5;
/** Most error documents read (both windows); beyond it the report says it is cut. */
export const MAX_ERROR_DOCUMENTS = 2_000_000;

const HOUR = 3_600_000;
const BUCKETS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR];
const MAX_BUCKETS = 60;
/** Machine ids kept per group for its page; the count is always exact. */
export const LISTED_MACHINES = 50;

/**
 * The error section from one pass over the error documents of this window and the previous one,
 * projected to the fields it needs and read in `timestamp` order of the index. One indexed range
 * read is the cheapest plan on both servers: FerretDB 1.24 evaluates `$group` without index
 * pushdown (and lacks `$min`, `$max`, `$addToSet`, date operators), so every pipeline would be a
 * full scan of its own; MongoDB streams a covered range at disk speed.
 */
export async function errorSection(context: QueryContext, states?: ReportGroupStates): Promise<ErrorSection> {
  const { from, to, previousFrom } = context.window;
  const bucketMs = bucketLength(from, to);
  const firstBucket = Math.floor(from.getTime() / bucketMs) * bucketMs;
  const bucketCount = Math.max(1, Math.ceil((to.getTime() - firstBucket) / bucketMs));
  const current = new Map<string, AccumulatedGroup>();
  const previous = new Map<string, Set<string>>();
  const fromMs = from.getTime();

  context.progress('error documents');
  const cursor = context.db.collection(context.collections.errors).find(inWindow(previousFrom, to), {
    projection: {
      _id: 1,
      timestamp: 1,
      maquina_id: 1,
      app_nome: 1,
      app_version: 1,
      ocorrencias: 1,
      primeira: 1,
      ultima: 1,
      'erro.fingerprint': 1,
      'erro.tipo': 1,
      'erro.mensagem': 1,
      'erro.arquivo': 1,
      'erro.linha': 1,
      'erro.funcao': 1,
    },
    limit: MAX_ERROR_DOCUMENTS,
    batchSize: 10_000,
    maxTimeMS: context.maxTimeMS,
  });
  let read = 0;
  for await (const doc of cursor) {
    read++;
    if (read % 50_000 === 0) context.progress(`error documents (${read.toLocaleString('en-US')} read)`);
    if (!(doc.timestamp instanceof Date)) continue;
    const time = doc.timestamp.getTime();
    const erro = (doc.erro ?? {}) as Document;
    const fingerprint = typeof erro.fingerprint === 'string' ? erro.fingerprint : undefined;
    const tipo = textOrNull(erro.tipo);
    const mensagem = textOrNull(erro.mensagem);
    // A group is one bug of one app: two apps sharing a fingerprint are two groups. Documents
    // written before `app_nome` existed are one app of their own, UNKNOWN_APP.
    const app = typeof doc.app_nome === 'string' && doc.app_nome !== '' ? doc.app_nome : UNKNOWN_APP;
    const mapKey =
      fingerprint !== undefined
        ? fingerprintKey(app, fingerprint)
        : `${app}\u0000t\u0000${tipo}\u0000${mensagem}`;
    const version = typeof doc.app_version === 'string' ? doc.app_version : 'unknown';
    if (time < fromMs) {
      const versions = previous.get(mapKey) ?? new Set<string>();
      versions.add(version);
      previous.set(mapKey, versions);
      continue;
    }
    let group = current.get(mapKey);
    if (!group) {
      group = {
        app,
        key: fingerprint !== undefined ? { fingerprint } : { tipo, mensagem },
        tipo,
        occurrences: 0,
        documents: 0,
        machines: new Set(),
        versions: new Set(),
        firstSeen: Infinity,
        lastSeen: -Infinity,
        newest: -Infinity,
        newestId: undefined,
        sample: undefined,
        buckets: new Array<number>(bucketCount).fill(0),
      };
      current.set(mapKey, group);
    }
    // A storm-guard summary stands for `ocorrencias` occurrences, from `primeira` to `ultima`.
    const occurrences = typeof doc.ocorrencias === 'number' && doc.ocorrencias > 0 ? doc.ocorrencias : 1;
    group.occurrences += occurrences;
    group.documents++;
    group.tipo ??= tipo;
    if (typeof doc.maquina_id === 'string') group.machines.add(doc.maquina_id);
    group.versions.add(version);
    group.firstSeen = Math.min(
      group.firstSeen,
      time,
      doc.primeira instanceof Date ? doc.primeira.getTime() : time,
    );
    group.lastSeen = Math.max(group.lastSeen, time, doc.ultima instanceof Date ? doc.ultima.getTime() : time);
    if (time >= group.newest) {
      group.newest = time;
      group.newestId = doc._id;
      group.sample = {
        mensagem,
        arquivo: textOrNull(erro.arquivo),
        linha: typeof erro.linha === 'number' ? erro.linha : null,
        funcao: textOrNull(erro.funcao),
      };
    }
    const bucket = Math.floor((time - firstBucket) / bucketMs);
    if (bucket >= 0 && bucket < bucketCount) group.buckets[bucket]! += occurrences;
  }

  // The window's totals count every group, whatever `--state` lists.
  let occurrences = 0;
  let documents = 0;
  for (const group of current.values()) {
    occurrences += group.occurrences;
    documents += group.documents;
  }
  const only = states?.only !== undefined && states.only.length > 0 ? new Set(states.only) : undefined;
  if (states) joinStates(current, states.entries, only, bucketCount);

  const sorted = [...current.entries()].sort(
    ([, a], [, b]) => b.occurrences - a.occurrences || (b.lastSeen || 0) - (a.lastSeen || 0),
  );
  const ids = new Map(sorted.map(([mapKey, group]) => [mapKey, groupId(group.app, group.key)]));
  const groups: ErrorGroup[] = sorted.slice(0, TOP_GROUPS).map(([mapKey, group]) => ({
    app: group.app,
    key: group.key,
    id: ids.get(mapKey)!,
    tipo: group.tipo,
    occurrences: group.occurrences,
    documents: group.documents,
    machines: group.machines.size,
    machineIds: [...group.machines].sort().slice(0, LISTED_MACHINES),
    counts: group.buckets,
    versions: [...group.versions].sort(compareVersions),
    firstSeen: Number.isFinite(group.firstSeen) ? new Date(group.firstSeen) : null,
    lastSeen: Number.isFinite(group.lastSeen) ? new Date(group.lastSeen) : null,
    sample: group.sample,
    ...stateFields(group.state),
  }));
  await readQuietGroups(
    context,
    sorted.slice(0, TOP_GROUPS).flatMap(([mapKey, group]) => {
      const listed = groups.find((g) => g.id === ids.get(mapKey));
      return group.quiet && listed ? [{ group, listed }] : [];
    }),
  );
  const latest = await readLatestOccurrences(
    context,
    new Map(
      sorted
        .slice(0, TOP_GROUPS)
        .filter(([, group]) => group.newestId !== undefined)
        .map(([mapKey, group]) => [ids.get(mapKey)!, group.newestId]),
    ),
  );
  for (const group of groups) {
    const occurrence = latest.get(group.id);
    if (occurrence) group.latest = occurrence;
  }
  const active = sorted.filter(([, group]) => !group.quiet);
  return {
    occurrences,
    documents,
    groups,
    truncated: read >= MAX_ERROR_DOCUMENTS || sorted.length > groups.length,
    newGroups: active.filter(([mapKey]) => !previous.has(mapKey)).map(([mapKey]) => ids.get(mapKey)!),
    newInVersion: versionNovelty(active, previous, ids),
    timeline: {
      bucketMs,
      starts: Array.from({ length: bucketCount }, (_, i) => new Date(firstBucket + i * bucketMs)),
      // Quiet groups sort last and have nothing to draw: the series stay a prefix of `groups`.
      series: active.slice(0, CHART_GROUPS).map(([mapKey, group], index) => ({
        group: ids.get(mapKey)!,
        // Named whole (app, location, fingerprint): two legend entries never read alike.
        label: groupName(labelOf(groups[index]!), groups[index]!),
        counts: group.buckets,
      })),
      truncated: read >= MAX_ERROR_DOCUMENTS,
    },
    ...(only ? { stateFilter: { states: [...only], matching: sorted.length } } : {}),
  };
}

/** Bucket length for a window: the smallest that gives at most 60 buckets. */
export function bucketLength(from: Date, to: Date): number {
  const span = to.getTime() - from.getTime();
  return BUCKETS.find((length) => span / length <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS);
}

/** How a group is named in the report: its type and the start of its message (see also `groupName`). */
export function labelOf(group: Pick<ErrorGroup, 'tipo' | 'sample' | 'key'>): string {
  const message =
    group.sample?.mensagem ?? ('mensagem' in group.key ? group.key.mensagem : null) ?? '(no message)';
  const short = message.length > 60 ? `${message.slice(0, 59)}…` : message;
  return `${group.tipo ?? '(no type)'}: ${short}`;
}

/** A short id that is the same for the same key in every run (used in charts and JSON). */
export function groupId(app: string, key: GroupKey): string {
  const text =
    `${app}\u0000` +
    ('fingerprint' in key ? `f:${key.fingerprint}` : `t:${key.tipo ?? ''}\u0000${key.mensagem ?? ''}`);
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
