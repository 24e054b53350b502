import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import { aggregate, inWindow, type QueryContext } from './context';
import { compareVersions } from './stats';
import type { ErrorGroup, ErrorSample, GroupKey, VersionNovelty } from './types';

/** Most (group, summary size) rows read; more groups than this in one window are cut. */
export const MAX_GROUP_ROWS = 5000;
/** Groups given with their sample and details in the report. */
export const TOP_GROUPS = 25;

/** The two kinds of group: by fingerprint, and by type + message where documents have none. */
const KINDS = [
  { match: { 'erro.fingerprint': { $exists: true, $ne: null } }, id: { f: '$erro.fingerprint' } },
  {
    match: { 'erro.fingerprint': null },
    id: { t: '$erro.tipo', m: '$erro.mensagem' },
  },
] as const;

interface Accumulated {
  key: GroupKey;
  tipo: string | null;
  occurrences: number;
  documents: number;
  machines: number;
  versions: Set<string>;
  inPreviousWindow: boolean;
}

export interface ErrorGroupsResult {
  groups: ErrorGroup[];
  occurrences: number;
  documents: number;
  truncated: boolean;
  newGroups: string[];
  newInVersion: VersionNovelty[];
}

/**
 * Error groups of the window, by occurrences, with machines, versions and what is new.
 * FerretDB's `$group` has only `$sum`, so first/last seen and the sample come from two
 * indexed `find`s per listed group (oldest and newest document).
 */
export async function errorGroups(context: QueryContext): Promise<ErrorGroupsResult> {
  const { from, to, previousFrom } = context.window;
  const all = new Map<string, Accumulated>();
  const versionsSeen = new Map<string, Set<string>>();
  let truncated = false;
  for (const kind of KINDS) {
    context.progress('error groups');
    // Grouping by the summary size too counts a storm-guard summary as its `ocorrencias`.
    const rows = await aggregate<Document>(context, 'errors', [
      { $match: { ...inWindow(from, to), ...kind.match } },
      { $group: { _id: { k: kind.id, s: '$ocorrencias', t: '$erro.tipo' }, n: { $sum: 1 } } },
      { $limit: MAX_GROUP_ROWS },
    ]);
    truncated ||= rows.length >= MAX_GROUP_ROWS;
    for (const row of rows) {
      const key = groupKey(row._id.k as Document);
      const id = groupId(key);
      const size = row._id.s;
      const summarySize = typeof size === 'number' && size > 0 ? size : undefined;
      const n = row.n as number;
      const group = all.get(id) ?? newGroup(key);
      group.documents += n;
      group.occurrences += summarySize === undefined ? n : summarySize * n;
      group.tipo ??= textOrNull(row._id.t);
      all.set(id, group);
    }

    context.progress('machines per error group');
    const machines = await aggregate<Document>(context, 'errors', [
      { $match: { ...inWindow(from, to), ...kind.match } },
      { $group: { _id: { k: kind.id, m: '$maquina_id' } } },
      { $group: { _id: '$_id.k', machines: { $sum: 1 } } },
      { $limit: MAX_GROUP_ROWS },
    ]);
    for (const row of machines) {
      const group = all.get(groupId(groupKey(row._id as Document)));
      if (group) group.machines = row.machines as number;
    }

    context.progress('versions per error group');
    for (const [windowFrom, windowTo, current] of [
      [from, to, true],
      [previousFrom, from, false],
    ] as const) {
      const versions = await aggregate<Document>(context, 'errors', [
        { $match: { ...inWindow(windowFrom, windowTo), ...kind.match } },
        { $group: { _id: { k: kind.id, v: '$app_version' }, n: { $sum: 1 } } },
        { $limit: MAX_GROUP_ROWS * 4 },
      ]);
      for (const row of versions) {
        const id = groupId(groupKey(row._id.k as Document));
        const version = String(row._id.v ?? 'unknown');
        const seen = versionsSeen.get(id) ?? new Set<string>();
        seen.add(version);
        versionsSeen.set(id, seen);
        const group = all.get(id);
        if (!group) continue;
        if (current) group.versions.add(version);
        else group.inPreviousWindow = true;
      }
    }
  }

  const sorted = [...all.entries()].sort(([, a], [, b]) => b.occurrences - a.occurrences);
  const top = sorted.slice(0, TOP_GROUPS);
  const groups: ErrorGroup[] = [];
  for (const [id, group] of top) {
    context.progress('first and last occurrence of each error group');
    const ends = await endsOf(context, group.key);
    groups.push({
      key: group.key,
      id,
      tipo: group.tipo,
      occurrences: group.occurrences,
      documents: group.documents,
      machines: group.machines,
      versions: [...group.versions].sort(compareVersions),
      firstSeen: ends.firstSeen,
      lastSeen: ends.lastSeen,
      sample: ends.sample,
    });
  }
  let occurrences = 0;
  let documents = 0;
  for (const [, group] of sorted) {
    occurrences += group.occurrences;
    documents += group.documents;
  }
  const currentVersions = new Map([...all.entries()].map(([id, group]) => [id, group.versions]));
  return {
    groups,
    occurrences,
    documents,
    truncated: truncated || sorted.length > top.length,
    newGroups: sorted.filter(([, group]) => !group.inPreviousWindow).map(([id]) => id),
    newInVersion: versionNovelty(currentVersions, versionsSeen),
  };
}

/**
 * For each version with errors in this window: the groups it has that the version before it
 * (in version order, among versions with errors in either window) had in neither window.
 */
function versionNovelty(current: Map<string, Set<string>>, seen: Map<string, Set<string>>): VersionNovelty[] {
  const allVersions = new Set<string>();
  for (const versions of seen.values()) for (const version of versions) allVersions.add(version);
  const ordered = [...allVersions].sort(compareVersions);
  const result: VersionNovelty[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const version = ordered[i]!;
    const previousVersion = ordered[i - 1]!;
    const groups = [...current.entries()]
      .filter(([id, versions]) => versions.has(version) && !seen.get(id)?.has(previousVersion))
      .map(([id]) => id);
    if (groups.length > 0) result.push({ version, previousVersion, groups });
  }
  return result;
}

/** The oldest and newest document of a group in the window: first and last seen, and the sample. */
async function endsOf(
  context: QueryContext,
  key: GroupKey,
): Promise<{ firstSeen: Date; lastSeen: Date; sample: ErrorSample | undefined }> {
  const filter = {
    ...inWindow(context.window.from, context.window.to),
    ...('fingerprint' in key
      ? { 'erro.fingerprint': key.fingerprint }
      : { 'erro.fingerprint': null, 'erro.tipo': key.tipo, 'erro.mensagem': key.mensagem }),
  };
  const one = (direction: 1 | -1) =>
    context.db.collection(context.collections.errors).findOne(filter, {
      projection: { _id: 0, timestamp: 1, primeira: 1, ultima: 1, erro: 1 },
      sort: { timestamp: direction },
      maxTimeMS: context.maxTimeMS,
    });
  const oldest = await one(1);
  const newest = await one(-1);
  const firstSeen = earliest(oldest?.timestamp, oldest?.primeira);
  const lastSeen = latest(newest?.timestamp, newest?.ultima);
  const erro = (newest?.erro ?? undefined) as Document | undefined;
  return {
    firstSeen,
    lastSeen,
    sample: erro && {
      mensagem: textOrNull(erro.mensagem),
      arquivo: textOrNull(erro.arquivo),
      linha: typeof erro.linha === 'number' ? erro.linha : null,
      funcao: textOrNull(erro.funcao),
    },
  };
}

function groupKey(id: Document): GroupKey {
  if (typeof id.f === 'string') return { fingerprint: id.f };
  return { tipo: textOrNull(id.t), mensagem: textOrNull(id.m) };
}

/** A short id that is the same for the same key in every run (used in charts and JSON). */
export function groupId(key: GroupKey): string {
  const text =
    'fingerprint' in key ? `f:${key.fingerprint}` : `t:${key.tipo ?? ''}\u0000${key.mensagem ?? ''}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function newGroup(key: GroupKey): Accumulated {
  return {
    key,
    tipo: null,
    occurrences: 0,
    documents: 0,
    machines: 0,
    versions: new Set(),
    inPreviousWindow: false,
  };
}

function earliest(...dates: unknown[]): Date {
  const valid = dates.filter((d): d is Date => d instanceof Date);
  return new Date(Math.min(...valid.map((d) => d.getTime())));
}

function latest(...dates: unknown[]): Date {
  const valid = dates.filter((d): d is Date => d instanceof Date);
  return new Date(Math.max(...valid.map((d) => d.getTime())));
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
