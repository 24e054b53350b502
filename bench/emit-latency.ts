// Hot-path cost per call (p50/p99/p99.9/max, µs) of logger.emit() of an error record, an
// audit shortcut and MetricsCollector.increment(), with the database up and unreachable,
// against a no-op logger. Each call is timed alone with process.hrtime.bigint().
// Run: BENCH_MONGODB_URI=mongodb://... node --expose-gc bench/emit-latency.ts [--records N] [--quick]
import { type Logger, logs, type LogRecord, SeverityNumber } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuditLogger,
  MetricsCollector,
  MongoBatchLogRecordProcessor,
  MongoLogRecordExporter,
  MongoMetricExporter,
} from 'opentelemetry-exporter-mongodb';
import {
  BENCH_RESOURCE,
  benchUri,
  collectGarbage,
  errorLogRecord,
  fixed,
  integer,
  note,
  parseArgs,
  percentile,
  printTable,
  temporaryDir,
  unreachableUri,
} from './support.ts';

const args = parseArgs('Emit cost per call', { records: 100_000, quickRecords: 20_000 });
const CALLS = args.records;
const WARM_UP = Math.min(20_000, CALLS);
const BURST = 100; // calls between two event-loop turns: exports and retries run in between, as in an application
const PREBUILT = 1024;
const RETRY_DEADLINE_MS = 2000;
const upUri = benchUri();
const downUri = await unreachableUri();
const runId = Date.now().toString(36);

/** Times `call` CALLS times after WARM_UP calls; sorted nanoseconds of all calls and of each turn's first call. */
async function measure(
  call: (i: number) => void,
): Promise<{ all: Float64Array; first: Float64Array; others: Float64Array }> {
  for (let i = 0; i < WARM_UP; i++) {
    call(i);
    if (i % BURST === BURST - 1) await sleep(0);
  }
  collectGarbage();
  const samples = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const started = process.hrtime.bigint();
    call(i);
    samples[i] = Number(process.hrtime.bigint() - started);
    if (i % BURST === BURST - 1) await sleep(0);
  }
  const first = samples.filter((_, i) => i % BURST === 0).sort();
  const others = samples.filter((_, i) => i % BURST !== 0).sort();
  return { all: samples.sort(), first, others };
}

interface Pipeline {
  logger: Logger;
  audit: AuditLogger;
  metrics: MetricsCollector;
  /** Whether the exporter has given up retrying and spools (only meaningful when down). */
  spooling(): boolean;
  shutdown(): Promise<void>;
}

/** The setup an application would have: SDK-default batch processor, periodic metric reader. */
function pipeline(state: 'up' | 'down', capture?: 'capture on' | 'capture off'): Pipeline {
  const spool = temporaryDir(`latency-${state}`);
  const options = {
    connectionString: state === 'up' ? upUri : downUri,
    database: `bench_lat_${runId}_${state}`,
    spoolDir: spool.path,
    // Down: reach the steady state of an outage (batches go straight to the spool) in seconds.
    connectionTimeoutMs: 1000,
    retryDeadlineMs: RETRY_DEADLINE_MS,
  };
  // The capture rows use the package's processor, which runs the exporter's trail and call-site
  // capture at emit time (as setupTelemetry() does); "off" switches both off.
  const exporter = new MongoLogRecordExporter(
    capture === 'capture off' ? { ...options, trailSize: 0, captureCallSite: false } : options,
  );
  const loggerProvider = new LoggerProvider({
    resource: BENCH_RESOURCE,
    processors: [
      capture ? new MongoBatchLogRecordProcessor({ exporter }) : new BatchLogRecordProcessor({ exporter }),
    ],
  });
  const meterProvider = new MeterProvider({
    resource: BENCH_RESOURCE,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new MongoMetricExporter(options),
        exportIntervalMillis: 1000,
      }),
    ],
  });
  return {
    logger: loggerProvider.getLogger('mathbank.questoes'),
    audit: new AuditLogger({ loggerProvider }).forUser('u-42'),
    metrics: new MetricsCollector({ meterProvider }),
    spooling: () => exporter.getStats().spooled > 0,
    async shutdown() {
      await Promise.all([loggerProvider.shutdown(), meterProvider.shutdown()]);
      spool.remove();
    },
  };
}

const errorRecords: LogRecord[] = Array.from({ length: PREBUILT }, (_, i) => errorLogRecord(i));
const calls = {
  'logger.emit(error record)': (p: Pipeline) => (i: number) => p.logger.emit(errorRecords[i % PREBUILT]!),
  'audit.questaoCriada(...)': (p: Pipeline) => (i: number) =>
    void p.audit.questaoCriada(i, 'Derivada de x² no ponto 3', 'multipla_escolha', ['calculo']),
  'metrics.increment(name)': (p: Pipeline) => (_i: number) => p.metrics.increment('questoes_criadas'),
};

const rows: string[][] = [];
const addRow = (
  call: string,
  state: string,
  samples: { all: Float64Array; first: Float64Array; others: Float64Array },
) =>
  rows.push([
    call,
    state,
    fixed(percentile(samples.all, 0.5) / 1000),
    fixed(percentile(samples.all, 0.99) / 1000),
    fixed(percentile(samples.all, 0.999) / 1000),
    fixed(samples.all[samples.all.length - 1]! / 1000, 0),
    fixed(percentile(samples.others, 0.99) / 1000),
    fixed(percentile(samples.first, 0.5) / 1000),
  ]);

// Baseline: the API's no-op logger (no provider registered), the same record.
const noop = logs.getLogger('mathbank.questoes');
addRow('no-op logger.emit(error record)', '-', await measure((i) => noop.emit(errorRecords[i % PREBUILT]!)));

for (const state of ['up', 'down'] as const) {
  for (const [name, make] of Object.entries(calls)) {
    const p = pipeline(state);
    if (state === 'down') {
      // Measure the outage's steady state: wait until the first batch has been retried for
      // retryDeadlineMs and spooled, feeding records meanwhile (the queue fills, then drops).
      const warm = make(p);
      const waitUntil = Date.now() + RETRY_DEADLINE_MS + 20_000;
      for (let i = 0; !p.spooling() && name !== 'metrics.increment(name)'; i++) {
        if (Date.now() > waitUntil) throw new Error('the exporter never started spooling');
        warm(i);
        if (i % BURST === BURST - 1) await sleep(1);
      }
    }
    const label =
      state === 'up' ? 'up' : name.startsWith('metrics') ? 'unreachable' : 'unreachable, spooling';
    addRow(name, label, await measure(make(p)));
    await p.shutdown();
    note(`latency: ${name} ${state} done`);
  }
}

// The same calls through MongoBatchLogRecordProcessor with the trail and call-site capture on,
// side by side with both off, in turns (off, on, off, on) so that both see the same machine;
// database up.
const captureCalls = {
  'logger.emit(info record)': (p: Pipeline) => (i: number) =>
    p.logger.emit({ severityNumber: SeverityNumber.INFO, body: `passo ${i}`, attributes: { passo: i } }),
  'logger.emit(error record, exception)': calls['logger.emit(error record)'],
  'logger.emit(error record, no location)': (p: Pipeline) => (i: number) =>
    p.logger.emit({ severityNumber: SeverityNumber.ERROR, body: `falha ao salvar ${i}`, attributes: { i } }),
};
const captureRows: string[][] = [];
for (const [name, make] of Object.entries(captureCalls)) {
  const p50 = { off: [] as number[], on: [] as number[] };
  const p99 = { off: [] as number[], on: [] as number[] };
  for (let round = 0; round < 2; round++) {
    for (const mode of ['off', 'on'] as const) {
      const p = pipeline('up', mode === 'on' ? 'capture on' : 'capture off');
      const { all } = await measure(make(p));
      p50[mode].push(percentile(all, 0.5));
      p99[mode].push(percentile(all, 0.99));
      await p.shutdown();
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  captureRows.push([
    name,
    fixed(mean(p50.off) / 1000),
    fixed(mean(p50.on) / 1000),
    `${fixed(mean(p50.on) / mean(p50.off))}×`,
    fixed(mean(p99.off) / 1000),
    fixed(mean(p99.on) / 1000),
    `${fixed(mean(p99.on) / mean(p99.off))}×`,
  ]);
  note(`latency: ${name} with and without capture done`);
}

printTable(
  `Cost per call in µs (${integer(CALLS)} timed calls after ${integer(WARM_UP)} warm-up calls; ${BURST} calls per event-loop turn, the batch processor's exports run between turns)`,
  ['call', 'database', 'p50', 'p99', 'p99.9', 'max', 'p99 within a turn', 'p50 of first call after a turn'],
  rows,
);

printTable(
  `Emit cost in µs with the trail (20 records) and call-site capture on, next to off (database up; mean of 2 alternating runs of ${integer(CALLS)} calls each)`,
  ['call', 'p50 off', 'p50 on', 'p50 on/off', 'p99 off', 'p99 on', 'p99 on/off'],
  captureRows,
);
