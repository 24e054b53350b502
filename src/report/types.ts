import type { GroupState } from '../triage/group-state';
import type { ReleaseHealth } from '../triage/release-health';

/** The time span a report covers, and the one before it (same length) for "new" groups. */
export interface ReportWindow {
  from: Date;
  to: Date;
  /** Start of the previous window, which ends at `from`. */
  previousFrom: Date;
  /** How the window was asked for: `24h`, `7d`, or a date. */
  label: string;
}

/** How an error group is identified: its fingerprint, or type and message for documents without one. */
export type GroupKey = { fingerprint: string } | { tipo: string | null; mensagem: string | null };

export interface ErrorSample {
  mensagem: string | null;
  arquivo: string | null;
  linha: number | null;
  funcao: string | null;
}

/** The newest occurrence of a group, read for its page. */
export interface LatestOccurrence {
  timestamp: Date;
  machine: string | null;
  version: string | null;
  stacktrace: string | null;
  /** `trilha`: what the process did just before, oldest first (absent on older documents). */
  trail: Record<string, unknown>[];
}

export interface ErrorGroup {
  /** `app_nome`, or UNKNOWN_APP for documents written before it existed. */
  app: string;
  key: GroupKey;
  /** Short stable id of the group, for charts and links. */
  id: string;
  tipo: string | null;
  /** Occurrences: documents, with storm-guard summary documents counting their `ocorrencias`. */
  occurrences: number;
  documents: number;
  machines: number;
  /** The first LISTED_MACHINES machine ids, sorted. */
  machineIds: string[];
  versions: string[];
  /**
   * First and last occurrence in the window; for a resolved or ignored group listed by `--state`
   * without occurrences in the window, its first and last ever (null when none is left).
   */
  firstSeen: Date | null;
  lastSeen: Date | null;
  sample: ErrorSample | undefined;
  /** Occurrences per bucket of the section's timeline. */
  counts: number[];
  /** Filled for the listed groups by `build-report.ts`. */
  latest?: LatestOccurrence;
  /**
   * The group's triage state over the report's window (`readGroupStates`, docs/triage.md);
   * absent for a group without a fingerprint, which triage cannot name.
   */
  state?: GroupState;
  /** A resolved or regressed group: the version it was resolved in. */
  resolvedIn?: string;
  /** A regressed group: the version and time of the occurrence that regressed it. */
  regressedIn?: string;
  regressedAt?: Date;
}

export interface VersionNovelty {
  app: string;
  version: string;
  previousVersion: string;
  /** Ids of the groups with errors in `version` and none in `previousVersion`. */
  groups: string[];
}

export interface ErrorTimeline {
  bucketMs: number;
  /** Start of each bucket. */
  starts: Date[];
  series: { group: string; label: string; counts: number[] }[];
  /** The documents read for the chart hit the limit: later buckets may be short. */
  truncated: boolean;
}

export interface ErrorSection {
  occurrences: number;
  documents: number;
  groups: ErrorGroup[];
  /** Groups beyond the limit were left out of `groups`. */
  truncated: boolean;
  /** Ids of groups with occurrences in this window and none in the previous one. */
  newGroups: string[];
  newInVersion: VersionNovelty[];
  timeline: ErrorTimeline;
  /**
   * `--state`: only the groups in these states are in `groups`, `newGroups`, `newInVersion` and
   * the chart (`matching` of them, before the TOP_GROUPS limit); `occurrences` and `documents`
   * still count the whole window.
   */
  stateFilter?: { states: GroupState[]; matching: number };
}

export interface AuditEvent {
  timestamp: Date;
  acao: string;
  entidade: string | null;
  entidade_id: string | null;
  usuario_id: string | null;
  maquina_id: string | null;
  detalhes: Record<string, unknown>;
}

export interface AuditHistory {
  filter: { entidade?: string; entidade_id?: string; usuario_id?: string };
  events: AuditEvent[];
  truncated: boolean;
}

export interface AuditSection {
  events: number;
  actions: { acao: string; count: number }[];
  history: AuditHistory | undefined;
}

export interface TimingSummary {
  name: string;
  count: number;
  min_ms: number;
  max_ms: number;
  avg_ms: number;
}

export interface SessionSection {
  sessions: number;
  /** Per UTC day of `sessao.inicio`, oldest first. */
  perDay: { day: string; count: number }[];
  durationSeconds: { median: number; p95: number; max: number } | undefined;
  counters: { name: string; total: number }[];
  timings: TimingSummary[];
  truncated: boolean;
}

export interface Report {
  generatedAt: Date;
  database: string;
  window: ReportWindow;
  /** Nothing at all in the window: no error, audit event or session. */
  empty: boolean;
  errors: ErrorSection;
  audit: AuditSection;
  sessions: SessionSection;
  releaseHealth: ReleaseHealth;
}
