import type { Document } from 'mongodb';
import { inWindow, type QueryContext } from './context';
import { percentile, round2 } from './stats';
import type { SessionSection, TimingSummary } from './types';

/** Most session documents read; the section says when it is cut. */
export const MAX_SESSIONS = 200_000;

/**
 * Sessions written in the window: per day, duration median and p95, counter totals and the
 * timings merged across sessions. Counters and timings are objects with user-chosen keys,
 * which FerretDB cannot aggregate (no `$objectToArray`), so the documents are read once,
 * projected to what the section needs, and summed here.
 */
export async function sessionSection(context: QueryContext): Promise<SessionSection> {
  const { from, to } = context.window;
  context.progress('sessions');
  const cursor = context.db.collection(context.collections.metrics).find(
    { ...inWindow(from, to), tipo: 'SESSAO' },
    {
      projection: { _id: 0, sessao: 1, contadores: 1, timings: 1 },
      limit: MAX_SESSIONS,
      maxTimeMS: context.maxTimeMS,
    },
  );
  const perDay = new Map<string, number>();
  const durations: number[] = [];
  const counters = new Map<string, number>();
  const timings = new Map<string, { count: number; min: number; max: number; weighted: number }>();
  let sessions = 0;
  for await (const doc of cursor) {
    sessions++;
    const sessao = (doc.sessao ?? {}) as Document;
    const start = sessao.inicio instanceof Date ? sessao.inicio : undefined;
    if (start) {
      const day = start.toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    if (typeof sessao.duracao_segundos === 'number') durations.push(sessao.duracao_segundos);
    for (const [name, value] of leaves(doc.contadores, (v) => typeof v === 'number')) {
      counters.set(name, (counters.get(name) ?? 0) + (value as number));
    }
    for (const [name, value] of leaves(doc.timings, isTiming)) {
      const timing = value as { count: number; min_ms: number; max_ms: number; avg_ms: number };
      if (timing.count <= 0) continue;
      const merged = timings.get(name) ?? { count: 0, min: Infinity, max: -Infinity, weighted: 0 };
      merged.count += timing.count;
      merged.min = Math.min(merged.min, timing.min_ms);
      merged.max = Math.max(merged.max, timing.max_ms);
      merged.weighted += timing.avg_ms * timing.count;
      timings.set(name, merged);
    }
  }
  durations.sort((a, b) => a - b);
  return {
    sessions,
    perDay: [...perDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, count]) => ({ day, count })),
    durationSeconds:
      durations.length === 0
        ? undefined
        : { median: percentile(durations, 50)!, p95: percentile(durations, 95)!, max: durations.at(-1)! },
    counters: [...counters.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, total]) => ({ name, total: round2(total) })),
    timings: [...timings.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, t]): TimingSummary => ({
        name,
        count: t.count,
        min_ms: round2(t.min),
        max_ms: round2(t.max),
        avg_ms: round2(t.weighted / t.count),
      })),
    truncated: sessions >= MAX_SESSIONS,
  };
}

function isTiming(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const t = value as Record<string, unknown>;
  return ['count', 'min_ms', 'max_ms', 'avg_ms'].every((key) => typeof t[key] === 'number');
}

/**
 * The named values of a counters or timings object. Dotted names may be stored nested
 * (`{ questoes: { criadas: 3 } }`) or flat (`{ 'questoes.criadas': 3 }`): both read as `questoes.criadas`.
 */
function* leaves(value: unknown, isLeaf: (v: unknown) => boolean, prefix = ''): Generator<[string, unknown]> {
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  for (const [key, entry] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(entry)) yield [name, entry];
    else yield* leaves(entry, isLeaf, name);
  }
}
