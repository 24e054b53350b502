import type { Document } from 'mongodb';
import { inWindow, type QueryContext } from './context';
import type { ErrorGroup, ErrorTimeline } from './types';

/** Groups drawn in the "occurrences over time" chart. */
export const CHART_GROUPS = 5;
/** Most error documents read for the chart; beyond it the chart says it is cut. */
export const MAX_CHART_DOCUMENTS = 250_000;

const HOUR = 3_600_000;
const BUCKETS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR];
const MAX_BUCKETS = 60;

/** Bucket length for a window: the smallest that gives at most 60 buckets. */
export function bucketLength(from: Date, to: Date): number {
  const span = to.getTime() - from.getTime();
  return BUCKETS.find((length) => span / length <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS);
}

/**
 * Occurrences per time bucket of the top groups. The documents of those groups are read once
 * (timestamp, key and summary size only) and counted here: FerretDB has no date operators.
 */
export async function errorTimeline(
  context: QueryContext,
  groups: readonly ErrorGroup[],
): Promise<ErrorTimeline> {
  const { from, to } = context.window;
  const bucketMs = bucketLength(from, to);
  const first = Math.floor(from.getTime() / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((to.getTime() - first) / bucketMs));
  const starts = Array.from({ length: count }, (_, i) => new Date(first + i * bucketMs));
  const top = groups.slice(0, CHART_GROUPS);
  const series = top.map((group) => ({
    group: group.id,
    label: labelOf(group),
    counts: new Array<number>(count).fill(0),
  }));
  if (top.length === 0) return { bucketMs, starts, series, truncated: false };

  const byFingerprint = new Map<string, number[]>();
  const byMessage = new Map<string, number[]>();
  const or: Document[] = [];
  top.forEach((group, index) => {
    const counts = series[index]!.counts;
    if ('fingerprint' in group.key) {
      byFingerprint.set(group.key.fingerprint, counts);
    } else {
      byMessage.set(messageKey(group.key.tipo, group.key.mensagem), counts);
      or.push({ 'erro.fingerprint': null, 'erro.tipo': group.key.tipo, 'erro.mensagem': group.key.mensagem });
    }
  });
  if (byFingerprint.size > 0) or.push({ 'erro.fingerprint': { $in: [...byFingerprint.keys()] } });

  context.progress('error occurrences over time');
  const cursor = context.db.collection(context.collections.errors).find(
    { ...inWindow(from, to), $or: or },
    {
      projection: {
        _id: 0,
        timestamp: 1,
        'erro.fingerprint': 1,
        'erro.tipo': 1,
        'erro.mensagem': 1,
        ocorrencias: 1,
      },
      limit: MAX_CHART_DOCUMENTS,
      maxTimeMS: context.maxTimeMS,
    },
  );
  let read = 0;
  for await (const doc of cursor) {
    read++;
    const erro = (doc.erro ?? {}) as Document;
    const counts =
      typeof erro.fingerprint === 'string'
        ? byFingerprint.get(erro.fingerprint)
        : byMessage.get(messageKey(erro.tipo ?? null, erro.mensagem ?? null));
    if (!counts || !(doc.timestamp instanceof Date)) continue;
    const bucket = Math.floor((doc.timestamp.getTime() - first) / bucketMs);
    const occurrences = typeof doc.ocorrencias === 'number' && doc.ocorrencias > 0 ? doc.ocorrencias : 1;
    if (bucket >= 0 && bucket < count) counts[bucket]! += occurrences;
  }
  return { bucketMs, starts, series, truncated: read >= MAX_CHART_DOCUMENTS };
}

/** How a group is named in the report: its type and the start of its message. */
export function labelOf(group: Pick<ErrorGroup, 'tipo' | 'sample' | 'key'>): string {
  const message =
    group.sample?.mensagem ?? ('mensagem' in group.key ? group.key.mensagem : null) ?? '(no message)';
  const short = message.length > 60 ? `${message.slice(0, 59)}…` : message;
  return `${group.tipo ?? '(no type)'}: ${short}`;
}

function messageKey(tipo: unknown, mensagem: unknown): string {
  return `${String(tipo)}\u0000${String(mensagem)}`;
}
