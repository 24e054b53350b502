import type { DiagLogger } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { applyBeforeSend, type BeforeSend } from '../document/before-send';
import { createIdSource } from '../document/id';
import { type ResourceFields, resourceFields } from '../document/resource-fields';
import type { AuditDocument, ErrorDocument } from '../document/schema';
import { mapLogRecord } from './map-record';
import { type LogRoute, routeOf } from './route';
import { StormGuard, type StormGuardSettings, type StormGuardSinks } from './storm-guard';
import { type MappingContext, newStackFactsMemo } from './transform';
import type { SanitizeLimits } from '../document/sanitize-report';
import { SanitizeReport } from '../document/sanitize-report';

/** What the pipeline reads of the resolved options (`ResolvedOptions` has all of it). */
export interface LogPipelineSettings {
  /** Records below this severity are filtered; audit events pass whatever their severity. */
  remoteSeverity: number;
  sanitizeLimits: SanitizeLimits;
  /** Folders stack-frame paths are made relative to for the fingerprint. */
  appRoots: readonly string[];
  beforeSend: BeforeSend | undefined;
  /** Off when undefined. */
  stormGuard: StormGuardSettings | undefined;
}

/** What the pipeline hands back to its owner: diag output and the storm guard's summaries. */
export interface LogPipelineOutlets {
  /** The owner's component logger: `beforeSend` failures are reported under its name. */
  log: DiagLogger;
  /** Where the storm guard's summaries go; not used when the guard is off. */
  stormSinks: StormGuardSinks;
  /** The process's running session, for in-process records; the gateway has none. */
  localSession?: () => string | undefined;
}

/** Received records that share a resource, each with its own `_id` (the gateway's groups). */
export interface RecordGroup {
  fields: ResourceFields;
  records: readonly { record: ReadableLogRecord; id: string }[];
}

/** One batch's documents per collection, and what became of the records that have none. */
export interface LogBatch {
  errors: ErrorDocument[];
  audit: AuditDocument[];
  /** Below the threshold, or dropped by `beforeSend`. */
  filtered: number;
  /** Folded by the storm guard into a summary. */
  suppressed: number;
  /** Why each record the mapping could not read at all was dropped (never fatal to the batch). */
  failures: unknown[];
  /** What the sanitizer changed to make the batch's values storable. */
  report: SanitizeReport;
}

/**
 * The one log pipeline, shared by the in-process exporter and the OTLP gateway: each record
 * is routed, mapped (with its trail, shrunk to MongoDB's 16 MB limit), given to `beforeSend`
 * and to the storm guard. The stack memo and the storm guard's windows live as long as the
 * pipeline; one `SanitizeReport` serves a whole batch.
 */
export class LogPipeline {
  private readonly settings: LogPipelineSettings;
  private readonly log: DiagLogger;
  private readonly stormGuard: StormGuard | undefined;
  private readonly stacks = newStackFactsMemo();
  private readonly nextId = createIdSource();
  private readonly localSession: (() => string | undefined) | undefined;

  constructor(settings: LogPipelineSettings, outlets: LogPipelineOutlets) {
    this.settings = settings;
    this.log = outlets.log;
    this.localSession = outlets.localSession;
    this.stormGuard = settings.stormGuard && new StormGuard(settings.stormGuard, outlets.stormSinks);
  }

  /** In-process records: new ids, and each document's resource part from its record's resource. */
  map(records: readonly ReadableLogRecord[]): LogBatch {
    const batch = emptyBatch();
    for (const record of records) {
      const route = this.route(record, batch);
      // The resource part is looked up only for a record that is kept (the first lookup of a
      // resource reads the host).
      if (route) this.add(batch, record, route, this.nextId(), resourceFields(record.resource));
    }
    return batch;
  }

  /** Received records: each group's resource part, and the ids the records came with. */
  mapGroups(groups: readonly RecordGroup[]): LogBatch {
    const batch = emptyBatch();
    for (const group of groups) {
      for (const { record, id } of group.records) {
        const route = this.route(record, batch);
        if (route) this.add(batch, record, route, id, group.fields);
      }
    }
    return batch;
  }

  /**
   * An error record's document as a batch would store it, without the storm guard and without
   * counting: for a record that must be kept whatever the guard has seen (a crash). Undefined
   * when the record is not an error or `beforeSend` dropped it; a mapping error is thrown.
   */
  errorDocumentOf(record: ReadableLogRecord, fields: ResourceFields): ErrorDocument | undefined {
    if (routeOf(record, this.settings.remoteSeverity) !== 'errors') return undefined;
    const document = mapLogRecord(
      record,
      'errors',
      this.context(this.nextId(), fields, new SanitizeReport()),
    );
    return this.beforeSend(document as ErrorDocument, 'errors') ?? undefined;
  }

  /** Ends the storm guard's windows: their summaries go to the sinks now. */
  close(): void {
    this.stormGuard?.close();
  }

  private route(record: ReadableLogRecord, batch: LogBatch): Exclude<LogRoute, 'filtered'> | undefined {
    const route = routeOf(record, this.settings.remoteSeverity);
    if (route !== 'filtered') return route;
    batch.filtered++;
    return undefined;
  }

  private add(
    batch: LogBatch,
    record: ReadableLogRecord,
    route: 'errors' | 'audit',
    id: string,
    fields: ResourceFields,
  ): void {
    try {
      const mapped = mapLogRecord(record, route, this.context(id, fields, batch.report));
      const document = this.beforeSend(mapped, route);
      if (!document) batch.filtered++;
      else if (route === 'audit') batch.audit.push(document as AuditDocument);
      else if (!this.stormGuard || this.stormGuard.admit(document as ErrorDocument))
        batch.errors.push(document as ErrorDocument);
      else batch.suppressed++;
    } catch (error) {
      batch.failures.push(error);
    }
  }

  private beforeSend<D extends ErrorDocument | AuditDocument>(
    document: D,
    route: 'errors' | 'audit',
  ): D | null {
    const { beforeSend } = this.settings;
    return beforeSend ? applyBeforeSend(beforeSend, document, route, this.log) : document;
  }

  private context(id: string, fields: ResourceFields, report: SanitizeReport): MappingContext {
    const { sanitizeLimits: limits, appRoots } = this.settings;
    return { id, fields, report, limits, appRoots, stacks: this.stacks, localSession: this.localSession };
  }
}

function emptyBatch(): LogBatch {
  return { errors: [], audit: [], filtered: 0, suppressed: 0, failures: [], report: new SanitizeReport() };
}
