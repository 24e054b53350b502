import type { SessionEnd } from '../resource/session';
import { toBsonSafeObject } from '../document/bson-safe';
import { fieldPath, locate } from '../document/field-path';
import { encodeKey } from '../document/keys';
import type { ResourceFields } from '../document/resource-fields';
import { attributesKey, type HistogramTotals, type Series } from './accumulator';
import type { HistogramStats, MetricFields, SessionDocument, TimingStats } from '../document/schema';
import type { SanitizeReport } from '../document/sanitize-report';
import { DEFAULT_SANITIZE_LIMITS } from '../document/sanitize-report';

/** The session part of the mapping's input. */
export interface SessionInfo {
  id: string;
  startedAt: Date;
  /** Set once the session has ended; the document is then final (`ativa: false`). */
  endedAt: Date | undefined;
  /** How it ended (`encerramento`); `normal` when not said. */
  endReason?: SessionEnd;
}

/** Everything the document is made of; the mapping itself reads no clock and does no I/O. */
export interface SessionMappingInput {
  session: SessionInfo;
  series: Iterable<Series>;
  fields: ResourceFields;
  /** The time of this write: `timestamp`, and `sessao.fim` while the session runs. */
  now: Date;
  report: SanitizeReport;
}

type Section = 'contadores' | 'medidores' | 'contadores_bidirecionais';
const SECTION_OF = {
  counter: 'contadores',
  gauge: 'medidores',
  upDownCounter: 'contadores_bidirecionais',
} as const;

/** The session's document as of `now`. */
export function toSessionDocument(input: SessionMappingInput): SessionDocument {
  const { session, fields, now, report } = input;
  const end = session.endedAt ?? now;
  const document: SessionDocument = {
    _id: session.id,
    timestamp: now,
    maquina_id: fields.maquina_id,
    app_nome: fields.app_nome,
    app_version: fields.app_version,
    sessao_id: session.id,
    tipo: 'SESSAO',
    sessao: {
      inicio: session.startedAt,
      fim: end,
      duracao_segundos: Math.max(0, Math.floor((end.getTime() - session.startedAt.getTime()) / 1000)),
      ativa: session.endedAt === undefined,
      ...(session.endedAt === undefined ? {} : { encerramento: session.endReason ?? 'normal' }),
    },
    contadores: {},
    timings: {},
  };
  const sorted = [...input.series].sort(bySeriesOrder);
  const slots = new MetricSlots();
  for (const series of sorted) {
    const name = series.name;
    const attributed = Object.keys(series.attributes).length > 0;
    const path = (section: string) => `${section}.${name}`;
    const atributos = () =>
      toBsonSafeObject(series.attributes, report, DEFAULT_SANITIZE_LIMITS, `${path('atributos')}`);

    if (series.kind === 'histogram') {
      if (!series.histogram) continue;
      if (series.timing) {
        const stats = timingStats(series.histogram, report, path('timings'));
        if (!attributed) slots.set(document.timings, name, stats);
        else
          slots.list((document.timings_por_atributo ??= {}), name).push({ atributos: atributos(), ...stats });
      } else {
        const stats = histogramStats(series, series.histogram, report, path('histogramas'));
        if (!attributed) slots.set((document.histogramas ??= {}), name, stats);
        else
          slots
            .list((document.histogramas_por_atributo ??= {}), name)
            .push({ atributos: atributos(), ...stats });
      }
      continue;
    }
    const section: Section = SECTION_OF[series.kind];
    const valor = finiteOrNull(series.value, report, path(section));
    if (!attributed) slots.set((document[section] ??= {}), name, valor);
    else
      slots.list((document[`${section}_por_atributo`] ??= {}), name).push({ atributos: atributos(), valor });
  }
  return document;
}

/**
 * Puts values at their metric name's path. Only the objects made here are extended by a
 * longer name; a value (a number, a stats object, a list) is never. Series come sorted by
 * name, so `a` is placed before `a.b` and the outcome does not depend on the SDK's order.
 */
class MetricSlots {
  private readonly containers = new WeakSet<object>();
  private readonly lists = new WeakSet<object>();
  private readonly isContainer = (value: unknown) =>
    typeof value === 'object' && value !== null && this.containers.has(value);
  private readonly create = () => {
    const created = {};
    this.containers.add(created);
    return created;
  };

  set<T>(fields: MetricFields<T>, name: string, value: T): void {
    const slot = this.slot(fields, name);
    if (slot.parent[slot.key] === undefined) slot.parent[slot.key] = value;
    else (fields as Record<string, unknown>)[encodeKey(name)] = value;
  }

  /** The list of `name`'s attributed series, made on first use. */
  list<T>(fields: MetricFields<T[]>, name: string): T[] {
    const slot = this.slot(fields, name);
    const existing = slot.parent[slot.key];
    if (existing === undefined || (Array.isArray(existing) && this.lists.has(existing))) {
      return (existing as T[] | undefined) ?? this.newList(slot.parent, slot.key);
    }
    const flat = fields as Record<string, unknown>;
    return (flat[encodeKey(name)] as T[] | undefined) ?? this.newList(flat, encodeKey(name));
  }

  private newList<T>(parent: Record<string, unknown>, key: string): T[] {
    const list: T[] = [];
    this.lists.add(list);
    parent[key] = list;
    return list;
  }

  private slot(fields: object, name: string) {
    const target = fields as Record<string, unknown>;
    const segments = fieldPath(name);
    const nested = segments && locate(target, segments, this.isContainer, this.create);
    return nested ?? { parent: target, key: encodeKey(name) };
  }
}

function timingStats(totals: HistogramTotals, report: SanitizeReport, path: string): TimingStats {
  return {
    count: totals.count,
    min_ms: rounded(totals.min, report, `${path}.min_ms`),
    max_ms: rounded(totals.max, report, `${path}.max_ms`),
    avg_ms: rounded(totals.sum / totals.count, report, `${path}.avg_ms`),
    total_ms: rounded(totals.sum, report, `${path}.total_ms`),
  };
}

function histogramStats(
  series: Series,
  totals: HistogramTotals,
  report: SanitizeReport,
  path: string,
): HistogramStats {
  return {
    unidade: series.unit,
    count: totals.count,
    min: rounded(totals.min, report, `${path}.min`),
    max: rounded(totals.max, report, `${path}.max`),
    avg: rounded(totals.sum / totals.count, report, `${path}.avg`),
    sum: rounded(totals.sum, report, `${path}.sum`),
  };
}

/** Rounded to 2 decimals; a missing or non-finite value becomes null (noted when non-finite). */
function rounded(value: number | undefined, report: SanitizeReport, path: string): number | null {
  if (value === undefined) return null;
  const finite = finiteOrNull(value, report, path);
  return finite === null ? null : Math.round(finite * 100) / 100;
}

function finiteOrNull(value: number, report: SanitizeReport, path: string): number | null {
  if (Number.isFinite(value)) return value;
  report.note(path, `${value} stored as null`);
  return null;
}

/** Name, then attribute set: documents come out the same whatever order the SDK reported in. */
function bySeriesOrder(a: Series, b: Series): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const ka = attributesKey(a.attributes);
  const kb = attributesKey(b.attributes);
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}
