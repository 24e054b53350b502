import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { resourceFields } from '../document/resource-fields';
import { componentLogger } from '../foundation/diag';
import { type ExporterStats, StatsCounter } from '../foundation/stats';
import { acquireDestination, type DestinationLease } from '../delivery/destination';
import { ABORT } from '../foundation/internal-symbols';
import { SessionAccumulator } from './accumulator';
import { LatestDocumentQueue } from './latest-document-queue';
import {
  currentSessionRegistry,
  type MetricsSession,
  type SessionListener,
  type SessionRegistry,
} from '../resource/session';
import { sessionTemporality } from './temporality';
import { toSessionDocument } from './transform';
import { runExport } from '../foundation/export-result';
import { InFlight } from '../foundation/in-flight';
import type { SessionDocument } from '../document/schema';
import type { MongoExporterOptions } from '../shared-options/shared-options';
import { resolveOptions } from '../shared-options/shared-options';
import { SanitizeReport } from '../document/sanitize-report';

const log = componentLogger('metric-exporter');
const SUCCESS: ExportResult = Object.freeze({ code: ExportResultCode.SUCCESS });

/** The exporter's state for one session. */
interface SessionState {
  readonly session: MetricsSession;
  readonly accumulator: SessionAccumulator;
  /** What the last stored document was built from. */
  stored: { version: number; final: boolean } | undefined;
}

/**
 * A `PushMetricExporter` that keeps one document per usage session in `metrics`, for a
 * `PeriodicExportingMetricReader`. Each export adds the new points to the session's state
 * and replaces the session's document with the whole state, so a crash loses at most one
 * export interval. When the session ends (`MetricsCollector.endSession()`, or shutdown
 * with `sendMetricsOnShutdown`) the document is written one last time with `ativa: false`.
 *
 * `export()` never throws and calls back exactly once; `forceFlush()` waits for the writes
 * in flight; `shutdown()` flushes, then closes the client if the exporter made it.
 */
export class MongoMetricExporter implements PushMetricExporter {
  private readonly enabled: boolean;
  private readonly sendOnShutdown: boolean;
  private readonly destination: DestinationLease;
  private readonly sessions: SessionRegistry;
  private readonly stats = new StatsCounter();
  private readonly queue = new LatestDocumentQueue<SessionDocument>((documents) => this.write(documents));
  private readonly inFlight = new InFlight();
  private readonly reportedChanges = new Set<string>();
  private state: SessionState | undefined;
  private retired: { session: MetricsSession; result: Promise<boolean> } | undefined;
  private resource: Resource | undefined;
  private shutdownPromise: Promise<void> | undefined;

  /** Reads `metricsEnabled` and `sendMetricsOnShutdown` besides the connection options. */
  constructor(options: MongoExporterOptions = {}) {
    const sessions = currentSessionRegistry();
    const resolved = resolveOptions(options, process.env, 'MongoMetricExporter');
    this.enabled = resolved.metricsEnabled;
    this.sendOnShutdown = resolved.sendMetricsOnShutdown;
    this.destination = acquireDestination(resolved, ['metrics'], this.stats);
    this.sessions = sessions;
    if (this.enabled) {
      sessions.attach(this.sessionListener);
      sessions.current(); // an implicit session begins now unless one is running
    }
  }

  /** Whether the last contact with the server succeeded. */
  get isConnected(): boolean {
    return this.destination.writer.isConnected;
  }

  /** What the exporter has done so far: `written` counts document writes, `filtered` points ignored while disabled. */
  getStats(): ExporterStats {
    return this.stats.snapshot();
  }

  /** Delta for counters and histograms, cumulative for up-down counters: see `sessionTemporality`. */
  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return sessionTemporality(instrumentType);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const call = { exporter: 'MongoMetricExporter', log, shutDown: this.shutdownPromise !== undefined };
    const exported = runExport(call, resultCallback, () => {
      if (!this.enabled) {
        const points = countPoints(metrics);
        this.stats.add('accepted', points);
        this.stats.add('filtered', points);
        return SUCCESS;
      }
      return this.absorb(metrics);
    });
    this.inFlight.track(exported);
  }

  /** What the session registry calls when a session ends; kept out of the public type. */
  private readonly sessionListener: SessionListener = {
    finishSession: (session) => this.finishSession(session),
  };

  /** Writes the final document of `session`. */
  private finishSession(session: MetricsSession): Promise<boolean> {
    if (this.state?.session === session) return this.retire(this.state);
    if (this.retired?.session === session) return this.retired.result;
    // An explicit session that never reached an export still gets its (empty) document, as in the plan.
    if (session.explicit) return this.retire(newState(session));
    return Promise.resolve(true);
  }

  async forceFlush(): Promise<void> {
    await this.queue.idle();
    await this.inFlight.settled();
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.close();
    return this.shutdownPromise;
  }

  private async close(): Promise<void> {
    if (this.enabled) {
      this.sessions.detach(this.sessionListener);
      const session = this.state?.session ?? this.sessions.peek();
      if (session) {
        if (this.sendOnShutdown) {
          session.endedAt ??= new Date();
          await this.retire(this.state?.session === session ? this.state : newState(session));
        }
        // A later exporter in this process starts a new document instead of replacing this one.
        this.sessions.release(session);
      }
    }
    await this.forceFlush();
    await this.destination.release();
  }

  /** Bounded shutdown ran out of time: what is in flight goes to the spool now. */
  [ABORT](): void {
    this.destination.abort();
  }

  /** Adds an export's points to the current session and queues its document. */
  private absorb(metrics: ResourceMetrics): Promise<ExportResult> {
    this.resource = metrics.resource;
    const session = this.sessions.current();
    if (this.state && this.state.session !== session) void this.retire(this.state);
    const state = (this.state ??= newState(session));
    state.accumulator.merge(metrics);
    if (!worthWriting(state)) return Promise.resolve(SUCCESS);
    return this.push(state);
  }

  /** Stops following `state`'s session and stores its final document unless that is already done. */
  private retire(state: SessionState): Promise<boolean> {
    if (this.state === state) this.state = undefined;
    state.session.endedAt ??= new Date();
    let result: Promise<boolean>;
    if (!worthWriting(state)) result = Promise.resolve(true);
    else if (state.stored?.final && state.stored.version === state.accumulator.version)
      result = Promise.resolve(true);
    else result = this.push(state).then((outcome) => outcome.code === ExportResultCode.SUCCESS);
    this.retired = { session: state.session, result };
    return result;
  }

  private push(state: SessionState): Promise<ExportResult> {
    const version = state.accumulator.version;
    const final = state.session.endedAt !== undefined;
    const report = new SanitizeReport();
    const document = toSessionDocument({
      session: state.session,
      series: state.accumulator.values(),
      fields: resourceFields(this.resource ?? emptyResource()),
      now: new Date(),
      report,
    });
    this.noteSanitized(report);
    return this.queue.push([document]).then((result) => {
      if (result.code === ExportResultCode.SUCCESS) state.stored = { version, final };
      return result;
    });
  }

  /**
   * The one place that writes: the whole state of each session, replaced by `_id`, through
   * the delivery layer (retries, then the disk spool; replayed in order, so the latest state wins).
   */
  private async write(documents: SessionDocument[]): Promise<ExportResult> {
    this.stats.add('accepted', documents.length);
    const result = await this.destination.delivery.deliver('metrics', 'upsert', documents, this.stats);
    return result.code === 'failed' ? { code: ExportResultCode.FAILED, error: result.error } : SUCCESS;
  }

  /** Says once per distinct change what was made storable; the same value is not reported at every export. */
  private noteSanitized(report: SanitizeReport): void {
    const fresh = report.changes.filter((change) => !this.reportedChanges.has(change));
    if (fresh.length === 0) return;
    for (const change of fresh) this.reportedChanges.add(change);
    this.stats.add('sanitized', fresh.length);
    log.warn(`made ${fresh.length} metric value(s) storable: ${fresh.join('; ')}`);
  }
}

function newState(session: MetricsSession): SessionState {
  return { session, accumulator: new SessionAccumulator(), stored: undefined };
}

/** Implicit sessions without a single point are not worth a document; explicit ones always are. */
function worthWriting(state: SessionState): boolean {
  return state.session.explicit || state.accumulator.size > 0;
}

function countPoints(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) points += metric.dataPoints.length;
  }
  return points;
}
