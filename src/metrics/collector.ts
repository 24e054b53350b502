import { END_SESSION_CRASHED } from '../foundation/internal-symbols';
import { type Counter, type Histogram, type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { componentLogger } from '../foundation/diag';
import { type OptionTable, keysOf, resolveTable } from '../options/descriptor';
import { meterProviderOption } from '../options/validators';
import {
  type MongoExporterOptions,
  resolvePartSwitches,
  SHARED_OPTION_KEYS,
} from '../shared-options/shared-options';
import { currentSessionRegistry, type SessionRegistry } from '../resource/session';

const log = componentLogger('metrics-collector');

/** The meter (instrumentation scope) the collector's instruments belong to. */
export const METRICS_COLLECTOR_METER = 'opentelemetry-exporter-mongodb/metrics-collector';

/** Options of `MetricsCollector`; an object holding the package's other options is accepted as well. */
export interface MetricsCollectorOptions extends Pick<MongoExporterOptions, 'metricsEnabled'> {
  /**
   * Where the instruments are created; its `forceFlush()` runs when a session ends.
   * @default metrics.getMeterProvider(), read at each call (a provider registered later is picked up)
   */
  meterProvider?: MeterProvider;
}

/** The collector's own options; `metricsEnabled` is a shared one. */
const METRICS_COLLECTOR_OPTIONS = {
  meterProvider: { transform: meterProviderOption },
} satisfies OptionTable<Omit<MetricsCollectorOptions, 'metricsEnabled'>>;

/** Every key {@link MetricsCollector} accepts: its own and the shared ones. */
export const METRICS_COLLECTOR_KEYS = keysOf(SHARED_OPTION_KEYS, METRICS_COLLECTOR_OPTIONS);

/** A MeterProvider that may be flushed: the SDK's is, the API's no-op is not. */
type FlushableMeterProvider = MeterProvider & { forceFlush?: () => Promise<unknown> };

/** What the collector refused so far (bad names or values), and why in `diag`. */
export interface MetricsCollectorStats {
  dropped: number;
}

/**
 * The plan's metrics API on OpenTelemetry instruments: `increment` adds to a Counter and
 * `recordTiming` records into a Histogram in milliseconds, so every metric exporter of the
 * MeterProvider sees the same data; `MongoMetricExporter` turns them into the session
 * document. Recording is synchronous and never throws into the caller.
 */
export class MetricsCollector {
  private readonly enabled: boolean;
  private readonly sessions: SessionRegistry;
  private readonly givenProvider: FlushableMeterProvider | undefined;
  private meter: Meter | undefined;
  private meterSource: MeterProvider | undefined;
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private dropped = 0;

  constructor(options: MetricsCollectorOptions = {}) {
    this.enabled = resolvePartSwitches('MetricsCollector', options, METRICS_COLLECTOR_KEYS).metricsEnabled;
    this.givenProvider = resolveTable(METRICS_COLLECTOR_OPTIONS, options).meterProvider;
    this.sessions = currentSessionRegistry();
  }

  /** The running session's id (the `_id` of its document), if one is running. */
  get sessionId(): string | undefined {
    return this.enabled ? this.sessions.peek()?.id : undefined;
  }

  /** Starts a new session now; a running one ends first (await `endSession()` to end it precisely). */
  startSession(): void {
    if (!this.enabled) return;
    this.sessions.start();
  }

  /** Adds `value` (default 1) to the counter `name`. */
  increment(name: string, value = 1): void {
    if (!this.enabled) return;
    try {
      if (!this.accepts(name, value, 'increment')) return;
      const meter = this.getMeter();
      let counter = this.counters.get(name);
      if (!counter) {
        counter = meter.createCounter(name);
        this.counters.set(name, counter);
      }
      counter.add(value);
    } catch (error) {
      this.drop(`increment(${JSON.stringify(name)}) failed`, error);
    }
  }

  /** Records one duration of `operation`, in milliseconds. */
  recordTiming(operation: string, milliseconds: number): void {
    if (!this.enabled) return;
    try {
      if (!this.accepts(operation, milliseconds, 'recordTiming')) return;
      const meter = this.getMeter();
      let histogram = this.histograms.get(operation);
      if (!histogram) {
        histogram = meter.createHistogram(operation, { unit: 'ms' });
        this.histograms.set(operation, histogram);
      }
      histogram.record(milliseconds);
    } catch (error) {
      this.drop(`recordTiming(${JSON.stringify(operation)}) failed`, error);
    }
  }

  /**
   * Runs `fn` and records how long it took under `operation`; for a promise, until it
   * settles. The duration is recorded even when `fn` throws or rejects, and the error is
   * passed on unchanged.
   */
  timeOperation<T>(operation: string, fn: () => T): T {
    if (!this.enabled) return fn();
    const started = performance.now();
    const record = () => this.recordTiming(operation, performance.now() - started);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      record();
      throw error;
    }
    if (!isPromiseLike(result)) {
      record();
      return result;
    }
    return result.then(
      (value) => {
        record();
        return value;
      },
      (error: unknown) => {
        record();
        throw error;
      },
    ) as T;
  }

  /**
   * Ends the running session: flushes the MeterProvider so that what was recorded reaches
   * the exporters, then has `MongoMetricExporter` write the final document. Resolves true
   * once it is stored; false when disabled, when no MongoMetricExporter is attached, or when
   * the write failed (the exporter reported why). Never rejects. The next recording or
   * `startSession()` begins a new session with a new document.
   */
  async endSession(): Promise<boolean> {
    if (!this.enabled) return false;
    try {
      return await this.sessions.end(() => this.flush());
    } catch (error) {
      log.error('ending the metrics session failed', error);
      return false;
    }
  }

  /** Ends the session as crashed: its final document says `encerramento: 'crash'`. */
  async [END_SESSION_CRASHED](): Promise<boolean> {
    if (!this.enabled) return false;
    try {
      return await this.sessions.end(() => this.flush(), 'crash');
    } catch (error) {
      log.error('ending the metrics session after a crash failed', error);
      return false;
    }
  }

  /** What the collector refused so far. */
  getStats(): MetricsCollectorStats {
    return { dropped: this.dropped };
  }

  private async flush(): Promise<void> {
    const provider = this.provider();
    if (typeof provider.forceFlush === 'function') await provider.forceFlush();
  }

  private provider(): FlushableMeterProvider {
    return this.givenProvider ?? metrics.getMeterProvider();
  }

  /** The meter of the current provider: a global provider registered after the collector was made is picked up. */
  private getMeter(): Meter {
    const provider = this.provider();
    if (provider !== this.meterSource || !this.meter) {
      this.meterSource = provider;
      this.meter = provider.getMeter(METRICS_COLLECTOR_METER);
      this.counters.clear();
      this.histograms.clear();
    }
    return this.meter;
  }

  private accepts(name: unknown, value: unknown, method: string): boolean {
    if (typeof name !== 'string' || name.length === 0) {
      this.drop(`${method}: the name must be a non-empty string, got ${typeof name}`);
      return false;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      this.drop(
        `${method}(${JSON.stringify(name)}): the value must be a finite number >= 0, got ${String(value)}`,
      );
      return false;
    }
    return true;
  }

  private drop(message: string, error?: unknown): void {
    this.dropped++;
    if (error === undefined) log.warn(`${message}; not recorded`);
    else log.error(`${message}; not recorded`, error);
  }
}

function isPromiseLike<T>(value: T): value is T & PromiseLike<Awaited<T>> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
