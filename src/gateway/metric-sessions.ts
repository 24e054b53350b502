import { createHash } from 'node:crypto';
import { componentLogger } from '../foundation/diag';
import { SessionAccumulator } from '../metrics/accumulator';
import { toSessionDocument } from '../metrics/transform';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import type { GatewayStorage } from './storage';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SESSION_ID, type ReceivedResourceMetrics } from './otlp-metrics';
import { SanitizeReport } from '../document/sanitize-report';

const log = componentLogger('gateway');
/** Sessions not heard from for this long are forgotten (their document stays as last written). */
const IDLE_SESSION_MS = 60 * 60 * 1000;
const MAX_SESSIONS = 50_000;

interface SessionState {
  readonly id: string;
  readonly accumulator: SessionAccumulator;
  startedAt: Date;
  lastSeen: number;
  /** End time (ns text) of the last delta point merged per series: a retried delta is not added twice. */
  readonly deltaSeen: Map<string, string>;
  /** Writes of one session run in order, so a later state never loses to an earlier one. */
  writing: Promise<void>;
}

/**
 * One `metrics` document per sender session, built with the in-process exporter's accumulator
 * and mapping. Cumulative points (the default of most SDKs, Python's included) replace the
 * session's value; delta points are added, once per reporting interval.
 *
 * The session is the resource's `session.id`, else its `service.instance.id`, else the resource
 * as a whole with the process start time of its cumulative points. The document's `_id` is derived
 * from the app and that key, so one app cannot overwrite another's sessions.
 */
export class MetricSessions {
  private readonly sessions = new Map<string, SessionState>();

  private readonly storage: GatewayStorage;

  constructor(storage: GatewayStorage) {
    this.storage = storage;
  }

  async store(groups: readonly ReceivedResourceMetrics[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const group of groups) {
      if (group.points === 0) continue;
      const state = this.sessionOf(group);
      const fresh = this.withoutRepeatedDeltas(state, group);
      state.accumulator.merge(fresh.metrics);
      const report = new SanitizeReport();
      const document = toSessionDocument({
        session: { id: state.id, startedAt: state.startedAt, endedAt: undefined },
        series: state.accumulator.values(),
        fields: group.fields,
        now: new Date(),
        report,
      });
      if (report.count > 0) this.storage.stats.add('sanitized', report.count);
      // As the metrics exporter counts them: session documents handed to the delivery.
      this.storage.stats.add('accepted', 1);
      const write = state.writing.then(() => this.storage.store('metrics', 'upsert', [document]));
      state.writing = write.catch(() => undefined);
      writes.push(write);
    }
    this.evictIdle();
    await Promise.all(writes);
  }

  private sessionOf(group: ReceivedResourceMetrics): SessionState {
    const attributes = group.attributes;
    const given = attributes[ATTR_SESSION_ID] ?? attributes[ATTR_SERVICE_INSTANCE_ID];
    const key =
      typeof given === 'string' && given !== ''
        ? `id:${given}`
        : `resource:${JSON.stringify(attributes)}:${group.startedAt?.getTime() ?? ''}`;
    const id = createHash('sha256').update(`${group.app}\u0000${key}`).digest('hex').slice(0, 24);
    let state = this.sessions.get(id);
    if (!state) {
      state = {
        id,
        accumulator: new SessionAccumulator(),
        startedAt: group.startedAt ?? new Date(),
        lastSeen: Date.now(),
        deltaSeen: new Map(),
        writing: Promise.resolve(),
      };
      this.sessions.set(id, state);
    }
    // Most recently seen last, so eviction can stop at the first session still in use.
    this.sessions.delete(id);
    this.sessions.set(id, state);
    if (group.startedAt && group.startedAt < state.startedAt) state.startedAt = group.startedAt;
    state.lastSeen = Date.now();
    return state;
  }

  /** The group's metrics without delta points whose interval was already merged (a client retry). */
  private withoutRepeatedDeltas(
    state: SessionState,
    group: ReceivedResourceMetrics,
  ): ReceivedResourceMetrics {
    for (const scope of group.metrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.aggregationTemporality !== AggregationTemporality.DELTA) continue;
        const points = metric.dataPoints as { attributes: object; endTime: [number, number] }[];
        const kept = points.filter((point) => {
          const series = `${metric.descriptor.name}\u0000${JSON.stringify(point.attributes)}`;
          const end = `${String(point.endTime[0]).padStart(12, '0')}.${String(point.endTime[1]).padStart(9, '0')}`;
          const last = state.deltaSeen.get(series);
          if (last !== undefined && end <= last) return false;
          state.deltaSeen.set(series, end);
          return true;
        });
        (metric as { dataPoints: unknown[] }).dataPoints = kept;
      }
    }
    return group;
  }

  private evictIdle(): void {
    const cutoff = Date.now() - IDLE_SESSION_MS;
    for (const [id, state] of this.sessions) {
      if (state.lastSeen < cutoff || this.sessions.size > MAX_SESSIONS) this.sessions.delete(id);
      else break;
    }
    if (this.sessions.size > MAX_SESSIONS) log.warn(`more than ${MAX_SESSIONS} metric sessions held`);
  }
}
