import type { EnvironmentInfo } from '../resource/environment';
import type { SessionEnd } from '../resource/session';

/**
 * The documents the package stores, one type per collection, with the plan's Portuguese keys.
 * `docs/document-schema.md` describes each field; the mapping (`pipeline/transform.ts`,
 * `metrics/transform.ts`) builds them and the readers (report, gateway) read them.
 */

/** The plan's level names, as stored in `nivel`. */
export type LevelName = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Collection names of the three document kinds. */
export interface CollectionNames {
  errors: string;
  audit: string;
  metrics: string;
}

/** A document of the `errors` collection. */
export interface ErrorDocument {
  _id: string;
  timestamp: Date;
  nivel: LevelName;
  maquina_id: string;
  /** The application: the resource's `service.name`. Absent from documents written before it was added. */
  app_nome: string;
  app_version: string;
  /** The usage session the error happened in: joins errors to `metrics` session documents. */
  sessao_id?: string;
  logger_name: string;
  erro: {
    tipo: string | null;
    mensagem: string;
    stacktrace: string | null;
    arquivo: string | null;
    linha: number | null;
    funcao: string | null;
    /** The group key: see `docs/document-schema.md`. */
    fingerprint: string;
  };
  contexto: Record<string, unknown>;
  ambiente: Readonly<EnvironmentInfo>;
  nao_tratada?: true;
  trace_id?: string;
  span_id?: string;
  /** The records the same process emitted before this one, below the threshold: see `trail-entries.ts`. */
  trilha?: TrailEntry[];
}

/** One record of an error's `trilha`, oldest first: a log line, or an audit event. */
export type TrailEntry =
  | {
      timestamp: Date;
      nivel: LevelName;
      logger_name: string;
      mensagem: string;
      contexto?: Record<string, unknown>;
    }
  | {
      timestamp: Date;
      acao: string;
      entidade: string;
      entidade_id: string;
      detalhes: Record<string, unknown>;
    };

/** A document of the `audit` collection. */
export interface AuditDocument {
  _id: string;
  timestamp: Date;
  acao: string;
  entidade: string;
  entidade_id: string;
  detalhes: Record<string, unknown>;
  usuario_id: string | null;
  maquina_id: string;
  /** The application: the resource's `service.name`. Absent from documents written before it was added. */
  app_nome: string;
  app_version: string;
  /** The usage session the action happened in. */
  sessao_id?: string;
  trace_id?: string;
  span_id?: string;
}

/** A document standing for `ocorrencias` folded occurrences: the last one's content. */
export type StormSummaryDocument = ErrorDocument & {
  ocorrencias: number;
  primeira: Date;
  ultima: Date;
};

/** A duration histogram's statistics, in milliseconds rounded to 2 decimals (`total_ms` is extra). */
export interface TimingStats {
  count: number;
  min_ms: number | null;
  max_ms: number | null;
  avg_ms: number | null;
  total_ms: number | null;
}

/** Statistics of a histogram that does not measure time, in its own unit. */
export interface HistogramStats {
  unidade: string;
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number | null;
}

/** One attributed series of a number-valued metric. */
export interface AttributedValue {
  atributos: Record<string, unknown>;
  valor: number | null;
}

/** One attributed series of a duration histogram. */
export type AttributedTiming = { atributos: Record<string, unknown> } & TimingStats;

/** One attributed series of a histogram that does not measure time. */
export type AttributedHistogram = { atributos: Record<string, unknown> } & HistogramStats;

/**
 * A document of the `metrics` collection: one per usage session. The plan's keys come
 * first; the `*_por_atributo`, `medidores`, `contadores_bidirecionais` and `histogramas`
 * keys hold what the plan had no place for and appear only when not empty.
 * A dotted metric name is a nested path (`contadores.http.requests`), by the rule of
 * `fieldPath`; a name whose path is taken is stored flat under `encodeKey(name)`.
 */
export interface SessionDocument {
  _id: string;
  timestamp: Date;
  maquina_id: string;
  /** The application: the resource's `service.name`. Absent from documents written before it was added. */
  app_nome: string;
  app_version: string;
  tipo: 'SESSAO';
  /** The session's id, the same as `_id`: what `errors` and `audit` documents join on. */
  sessao_id: string;
  sessao: {
    inicio: Date;
    fim: Date;
    duracao_segundos: number;
    ativa: boolean;
    /** How the session ended, once `ativa` is false: closed by the application, or by a crash. */
    encerramento?: SessionEnd;
  };
  contadores: MetricFields<number | null>;
  timings: MetricFields<TimingStats>;
  contadores_por_atributo?: MetricFields<AttributedValue[]>;
  timings_por_atributo?: MetricFields<AttributedTiming[]>;
  medidores?: MetricFields<number | null>;
  medidores_por_atributo?: MetricFields<AttributedValue[]>;
  contadores_bidirecionais?: MetricFields<number | null>;
  contadores_bidirecionais_por_atributo?: MetricFields<AttributedValue[]>;
  histogramas?: MetricFields<HistogramStats>;
  histogramas_por_atributo?: MetricFields<AttributedHistogram[]>;
}

/** Values by metric name: `http.requests` is the nested field `http` → `requests`. */
export interface MetricFields<T> {
  [name: string]: T | MetricFields<T>;
}
