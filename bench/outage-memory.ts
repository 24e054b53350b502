// Memory under outage: peak RSS while N error records are emitted with the database
// unreachable (the exporter points at a closed loopback port), then RSS after recovery (a
// relay on that port to the real server opens, the spool drains, documents are counted).
// Every record carries its own fingerprint, so that the storm guard (on, its default) folds
// none of them and all N take the spool path. Peak RSS growth side by side, each in a fresh
// process of its own: the SDK's BatchLogRecordProcessor to an exporter that fails every export
// at once (the SDK's own pipeline during an outage: the peer), ours with one repeated error
// (the storm guard folds it: the package's defaults), and ours with distinct errors.
// Run: BENCH_MONGODB_URI=mongodb://... node --expose-gc bench/outage-memory.ts [--records N] [--quick]
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExportResultCode } from '@opentelemetry/core';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
  LoggerProvider,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  type ExporterStats,
  MongoBatchLogRecordProcessor,
  MongoLogRecordExporter,
} from 'opentelemetry-exporter-mongodb';
import {
  BENCH_RESOURCE,
  benchUri,
  collectGarbage,
  countDocuments,
  dropDatabase,
  errorLogRecord,
  fixed,
  integer,
  mebibytes,
  note,
  parseArgs,
  printTable,
  residentMemory,
  sleep,
  temporaryDir,
  unreachableUri,
} from './support.ts';

const args = parseArgs<{ spoolMib: number; queue: number; rate: number; contender?: string }>(
  'Memory under outage',
  { records: 1_000_000, quickRecords: 100_000 },
  (program) =>
    program
      .option('--spool-mib <n>', 'spoolMaxBytes in MiB', Number, 100)
      .option('--queue <n>', 'MongoBatchLogRecordProcessor maxQueueSize', Number, 2048)
      .option(
        '--rate <n>',
        'records emitted per second (an application under load, not a tight loop)',
        Number,
        20_000,
      )
      .option(
        '--contender <name>',
        'internal: run one side-by-side contender (sdk, repeated) and print its growth',
      ),
);
const N = args.records;
const QUEUE = args.queue;
const BATCH = 512;
const SPOOL_MAX_BYTES = args.spoolMib * 1024 * 1024;
const EMIT_CHUNK = 1000;

const target = /^mongodb:\/\/(?:[^@/]*@)?([^/,?@]+):(\d+)(?:[/?]|$)/.exec(benchUri());
if (!target) throw new Error('outage-memory needs a single-host mongodb:// URI (it relays to it)');
const [, targetHost, targetPort] = target as unknown as [string, string, string];
const relayPort = new URL((await unreachableUri()).replace('mongodb:', 'http:')).port;
const relayUri = `${benchUri().replace(`${targetHost}:${targetPort}`, `127.0.0.1:${relayPort}`)}`;
const connectionString = `${relayUri}${relayUri.includes('?') ? '&' : relayUri.includes('/', 10) ? '?' : '/?'}directConnection=true`;
const database = `bench_outage_${Date.now().toString(36)}`;

/** Heap bytes one queued record holds: what maxQueueSize multiplies. */
function recordFootprint(): number {
  const kept: ReadableLogRecord[] = [];
  const provider = new LoggerProvider({
    resource: BENCH_RESOURCE,
    processors: [
      {
        onEmit: (r: ReadableLogRecord) => void kept.push(r),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const logger = provider.getLogger('mathbank.questoes');
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10_000; i++) logger.emit(errorLogRecord(i));
  collectGarbage();
  const bytes = (process.memoryUsage().heapUsed - before) / kept.length;
  kept.length = 0;
  return bytes;
}

/** Resets VmHWM so that it holds the peak of what follows (Linux: clear_refs 5). */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function directoryBytes(path: string): number {
  return readdirSync(path).reduce((sum, name) => sum + statSync(join(path, name)).size, 0);
}

interface Emission {
  before: number;
  peak: number;
  earlyPeak: number;
  hwmReset: boolean;
  heapBefore: number;
  seconds: number;
}

/**
 * Emits N error records at the chosen rate and flushes; RSS before, peak (VmHWM, reset just
 * before) and the peak over the first 10%. `distinct`: each record has its own fingerprint.
 */
async function emitAtRate(provider: LoggerProvider, distinct: boolean): Promise<Emission> {
  const logger = provider.getLogger('mathbank.questoes');
  collectGarbage();
  const before = residentMemory().rss;
  const hwmReset = resetPeak();
  const heapBefore = process.memoryUsage().heapUsed;
  let sampledPeak = before;
  let earlyPeak = before;
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const record = errorLogRecord(i);
    if (distinct) record.attributes = { ...record.attributes, 'error.fingerprint': `outage-${i}` };
    logger.emit(record);
    if (i % EMIT_CHUNK === EMIT_CHUNK - 1) {
      sampledPeak = Math.max(sampledPeak, residentMemory().rss);
      if (i < N / 10) earlyPeak = sampledPeak;
      const ahead = ((i + 1) / args.rate) * 1000 - (performance.now() - started);
      await (ahead > 1 ? sleep(ahead) : nextTurn());
    }
  }
  await provider.forceFlush();
  const seconds = (performance.now() - started) / 1000;
  const peak = Math.max(sampledPeak, hwmReset ? residentMemory().peak : 0);
  return { before, peak, earlyPeak, hwmReset, heapBefore, seconds };
}

/**
 * One side-by-side contender, in this process: the SDK's own pipeline to an exporter that fails
 * at once, or ours with one repeated error (the storm guard folds it). Prints its RSS growth.
 */
async function runContender(name: string): Promise<never> {
  let processor: LogRecordProcessor;
  let stats: () => unknown = () => undefined;
  const spoolDir = temporaryDir('outage-contender');
  if (name === 'sdk') {
    const failing: LogRecordExporter = {
      export: (_records, done) => done({ code: ExportResultCode.FAILED, error: new Error('unreachable') }),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    processor = new BatchLogRecordProcessor({
      exporter: failing,
      maxQueueSize: QUEUE,
      maxExportBatchSize: BATCH,
    });
  } else if (name === 'repeated' || name === 'distinct') {
    const exporter = new MongoLogRecordExporter({ connectionString, database, spoolDir: spoolDir.path });
    processor = new MongoBatchLogRecordProcessor({
      exporter,
      maxQueueSize: QUEUE,
      maxExportBatchSize: BATCH,
    });
    stats = () => exporter.getStats();
  } else throw new Error(`unknown contender ${name}`);
  const provider = new LoggerProvider({ resource: BENCH_RESOURCE, processors: [processor] });
  const emission = await emitAtRate(provider, name === 'distinct');
  console.log(JSON.stringify({ growth: emission.peak - emission.before, stats: stats() }));
  await provider.shutdown();
  spoolDir.remove();
  process.exit(0);
}

/** Runs a contender in a process of its own, so that its peak RSS is its own. */
function contenderGrowth(name: string): { growth: number; stats?: ExporterStats } {
  const output = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      fileURLToPath(import.meta.url),
      '--records',
      String(N),
      '--rate',
      String(args.rate),
      '--contender',
      name,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as { growth: number; stats?: ExporterStats };
}

if (args.contender) await runContender(args.contender);

note(
  `outage: ${integer(N)} records at ${integer(args.rate)}/s, side by side: the SDK's pipeline, ours with one repeated error, ours with distinct errors`,
);
const peers = {
  sdk: contenderGrowth('sdk'),
  repeated: contenderGrowth('repeated'),
  distinct: contenderGrowth('distinct'),
};
const footprint = recordFootprint();
const spool = temporaryDir('outage');
const exporter = new MongoLogRecordExporter({
  connectionString,
  database,
  spoolDir: spool.path,
  spoolMaxBytes: SPOOL_MAX_BYTES,
});
const processor = new MongoBatchLogRecordProcessor({
  exporter,
  maxQueueSize: QUEUE,
  maxExportBatchSize: BATCH,
});
const provider = new LoggerProvider({ resource: BENCH_RESOURCE, processors: [processor] });
let relay: ChildProcess | undefined;
const keepAlive = setInterval(() => undefined, 1000);

try {
  note(`outage: ours, every record its own fingerprint (all take the spool path)`);
  const emitted = await emitAtRate(provider, true);
  const { before, peak, earlyPeak, hwmReset, heapBefore } = emitted;
  const emitSeconds = emitted.seconds;
  collectGarbage();
  const afterOutage = residentMemory().rss;
  const heapAfterOutage = process.memoryUsage().heapUsed;
  const usage = process.memoryUsage();
  const outageStats = exporter.getStats();
  const spoolBytes = directoryBytes(spool.path);
  note(`outage: emitted in ${fixed(emitSeconds, 1)} s; ${JSON.stringify(outageStats)}; server comes back`);

  const recoveryStarted = performance.now();
  relay = spawn(
    process.execPath,
    [fileURLToPath(new URL('tcp-proxy.ts', import.meta.url)), relayPort, targetHost, targetPort],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await once(relay.stdout!, 'data');
  const drainBy = Date.now() + 300_000;
  for (;;) {
    const stats = exporter.getStats();
    if (stats.replayed + stats.dropped >= stats.spooled) break;
    if (Date.now() > drainBy) throw new Error(`spool not drained after 5 min: ${JSON.stringify(stats)}`);
    await sleep(200);
  }
  const recoverySeconds = (performance.now() - recoveryStarted) / 1000;
  const stored = await countDocuments(benchUri(), database, 'errors');
  collectGarbage();
  const afterRecovery = residentMemory().rss;
  const heapAfterRecovery = process.memoryUsage().heapUsed;
  const finalStats = exporter.getStats();
  const queueBound = QUEUE * footprint;

  printTable(
    `Outage: ${integer(N)} error records emitted with the database unreachable, then recovery`,
    [
      'emitted',
      'accepted',
      'of which spilled (queue full)',
      'spooled',
      'dropped from the spool (full)',
      'replayed',
      'counted in the database',
    ],
    [
      [
        integer(N),
        integer(finalStats.accepted),
        integer(finalStats.spilled),
        integer(finalStats.spooled),
        integer(finalStats.dropped),
        integer(finalStats.replayed),
        integer(stored),
      ],
    ],
  );
  printTable(
    `Peak RSS growth while ${integer(N)} error records are emitted at ${integer(args.rate)}/s, server unreachable (each in its own process)`,
    ['pipeline', 'peak RSS growth', 'vs the SDK pipeline'],
    [
      [
        'SDK BatchLogRecordProcessor, exporter failing every export (drops what does not fit)',
        mebibytes(peers.sdk.growth),
        '1.00×',
      ],
      [
        'ours, one repeated error (storm guard folds it; defaults)',
        mebibytes(peers.repeated.growth),
        `${fixed(peers.repeated.growth / peers.sdk.growth, 2)}×`,
      ],
      [
        'ours, every record its own fingerprint (all spooled)',
        mebibytes(peers.distinct.growth),
        `${fixed(peers.distinct.growth / peers.sdk.growth, 2)}×`,
      ],
    ],
  );
  printTable(
    'Memory under outage and recovery (this process: every record its own fingerprint, then the server comes back)',
    ['measure', 'value'],
    [
      ['RSS before emitting', mebibytes(before)],
      [`peak RSS while emitting (${hwmReset ? 'VmHWM' : 'sampled'})`, mebibytes(peak)],
      ['peak RSS (sampled) during the first 10% of records', mebibytes(earlyPeak)],
      ['growth: peak − before', mebibytes(peak - before)],
      ['RSS after the outage (after GC)', mebibytes(afterOutage)],
      ['RSS after recovery, spool drained (after GC)', mebibytes(afterRecovery)],
      [
        'after the outage, after GC: V8 heap committed / external (Buffers)',
        `${mebibytes(usage.heapTotal)} / ${mebibytes(usage.external)}`,
      ],
      [
        'V8 heap in use after GC: before / after the outage / after recovery',
        `${mebibytes(heapBefore)} / ${mebibytes(heapAfterOutage)} / ${mebibytes(heapAfterRecovery)}`,
      ],
      [
        `queue limit: maxQueueSize ${integer(QUEUE)} × ${integer(footprint)} B per queued record`,
        mebibytes(queueBound),
      ],
      ['spool limit: spoolMaxBytes (on disk, not in memory)', mebibytes(SPOOL_MAX_BYTES)],
      ['spool size on disk at the end of the outage', mebibytes(spoolBytes)],
      [
        'emitting time / recovery time (server back → spool drained)',
        `${fixed(emitSeconds, 1)} s / ${fixed(recoverySeconds, 1)} s`,
      ],
    ],
  );
  if (stored !== finalStats.written + finalStats.replayed) {
    note(
      `outage: counted ${stored} documents, the exporter reports ${finalStats.written} written + ${finalStats.replayed} replayed`,
    );
  }
} finally {
  clearInterval(keepAlive);
  await provider.shutdown();
  relay?.kill();
  await dropDatabase(benchUri(), database).catch(() => undefined);
  spool.remove();
}
