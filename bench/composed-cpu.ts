// What users run, next to the raw driver: client CPU per stored record and records/s, each
// contender in a fresh process, side by side in one run (pairs in rotating order; medians).
// - setupTelemetry(): its defaults (queue, batch, delay, spool, storm guard), as an application
//   gets them; every record is a distinct bug (its own error.fingerprint), so the storm guard
//   folds none.
// - exporter alone: MongoLogRecordExporter behind MongoBatchLogRecordProcessor, both with defaults.
// - raw driver: insertMany of the same documents (built before the clock starts), 512 at a time,
//   the processor's default batch size.
// Records are fed in chunks of 2,048 (the default queue) with one event-loop turn between chunks.
// The span ends when counting the database finds all N; CPU is the child's user + system time.
// Run: BENCH_MONGODB_URI=mongodb://... node bench/composed-cpu.ts [--records N] [--rounds R] [--quick]
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import {
  MongoBatchLogRecordProcessor,
  MongoLogRecordExporter,
  setupTelemetry,
} from 'opentelemetry-exporter-mongodb';
import { loadInternals } from './internals.ts';
import {
  BENCH_RESOURCE,
  benchUri,
  countDocuments,
  dropDatabase,
  distinctErrorLogRecord,
  fixed,
  collectGarbage,
  integer,
  mebibytes,
  median,
  note,
  parseArgs,
  prebuiltErrorDocuments,
  printTable,
  residentMemory,
  sleep,
  temporaryDir,
  unreachableUri,
} from './support.ts';

const CHUNK = 2048;
const RAW_BATCH = 512;
const CONTENDERS = [
  'setupTelemetry() defaults',
  'exporter alone (defaults)',
  'raw driver insertMany',
] as const;
type Contender = (typeof CONTENDERS)[number];
/** The two runs of the replay measure: one spools everything (server refused), the next replays it. */
const SPOOL_RUN = 'spool run (server refused)';
const REPLAY_RUN = 'replay at the next start';

interface Outcome {
  cpuMicros: number;
  seconds: number;
  spilled: number;
  /** Dropped from a full spool (`spoolMaxBytes`), counted in the stats. */
  dropped: number;
  /** Peak RSS during the run minus RSS before the clock started, bytes. */
  rssGrowth: number;
}

/**
 * Waits until counting finds `n` documents, less those the pipeline says it dropped (a full
 * spool drops its oldest, counted): every record accounted for. Returns when.
 */
async function waitForAll(
  uri: string,
  database: string,
  n: number,
  dropped: () => number = () => 0,
): Promise<number> {
  const deadline = Date.now() + 600_000; // a guard, not a measure
  for (;;) {
    const found = await countDocuments(uri, database, 'errors');
    if (found >= n - dropped()) return performance.now();
    if (Date.now() > deadline) throw new Error(`${database}: ${found} of ${n} documents after 10 min`);
    await sleep(100);
  }
}

/**
 * One record written before the clock starts (its index is past the run's), so that the run
 * measures the records, not loading the driver's code and opening the connection.
 */
async function warmUp(emit: (i: number) => void, flush: () => Promise<void>): Promise<void> {
  emit(WARM_UP_INDEX);
  await flush();
}
const WARM_UP_INDEX = 1e9;

async function feed(emit: (i: number) => void, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    emit(i);
    if (i % CHUNK === CHUNK - 1) await nextTurn();
  }
}

/**
 * The replay measure's runs, setupTelemetry() defaults on one spool folder: the first with the
 * server refused (everything goes to the spool; the application ends by itself), the second with
 * it back, from its start until counting finds all N: the replay's rate and CPU.
 */
async function replayChild(
  run: string,
  uri: string,
  database: string,
  n: number,
  spoolDir: string,
): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const telemetry = await setupTelemetry({
    connectionString: uri,
    database,
    spoolDir,
    spoolMaxBytes: 1024 * 1024 * 1024, // room for all N: the measure is the replay, not the bound
    serviceName: 'bench',
    metricsEnabled: false,
    installGlobalHandlers: false,
  });
  if (run === SPOOL_RUN) {
    const logger = telemetry.loggerProvider.getLogger('mathbank.questoes');
    await feed((i) => logger.emit(distinctErrorLogRecord(i)), n);
    return; // no shutdown(): the application just ends
  }
  const end = await waitForAll(uri, database, n);
  const used = process.cpuUsage(cpu);
  const outcome: Outcome = {
    rssGrowth: Number.NaN,
    cpuMicros: used.user + used.system,
    seconds: (end - started) / 1000,
    spilled: 0,
    dropped: telemetry.getStats('logs').dropped,
  };
  await telemetry.shutdown();
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

/** The replay measure from the parent: a relay on a port that is closed during the first run. */
async function measureReplay(uri: string, n: number): Promise<Outcome> {
  const target = new URL(uri.replace('mongodb:', 'http:'));
  const port = new URL((await unreachableUri()).replace('mongodb:', 'http:')).port;
  const relayedUri = uri.replace(target.host, `127.0.0.1:${port}`);
  const database = `bench_replay_${Date.now().toString(36)}`;
  const spool = temporaryDir('composed-cpu-replay');
  const run = (name: string) =>
    execFileSync(
      process.execPath,
      [import.meta.filename, '--replay-child', name, relayedUri, database, String(n), spool.path],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
  run(SPOOL_RUN);
  const relay = spawn(
    process.execPath,
    [fileURLToPath(new URL('tcp-proxy.ts', import.meta.url)), port, target.hostname, target.port || '27017'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await once(relay.stdout!, 'data');
    const output = run(REPLAY_RUN);
    return JSON.parse(output.trim().split('\n').at(-1)!) as Outcome;
  } finally {
    relay.kill();
    spool.remove();
    await dropDatabase(uri, database);
  }
}

/** A pipeline of the package under the feed: what the run needs from it. */
interface Pipeline {
  logger: Logger;
  flush(): Promise<void>;
  spilled(): number;
  dropped(): number;
  shutdown(): Promise<void>;
}

/**
 * Feeds N records into `pipeline` after a warm-up record, from the clock's start until counting
 * the database finds them all: CPU, time and peak RSS growth.
 */
async function measurePipeline(
  pipeline: Pipeline,
  uri: string,
  database: string,
  n: number,
): Promise<Outcome> {
  await warmUp(
    (i) => pipeline.logger.emit(distinctErrorLogRecord(i)),
    () => pipeline.flush(),
  );
  collectGarbage();
  const rssBefore = residentMemory().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await feed((i) => pipeline.logger.emit(distinctErrorLogRecord(i)), n);
  const end = await waitForAll(uri, database, n + 1, () => pipeline.dropped());
  const used = process.cpuUsage(cpu);
  const outcome = {
    rssGrowth: residentMemory().peak - rssBefore,
    cpuMicros: used.user + used.system,
    seconds: (end - started) / 1000,
    spilled: pipeline.spilled(),
    dropped: pipeline.dropped(),
  };
  await pipeline.shutdown();
  return outcome;
}

/** The raw driver: insertMany of the documents the exporter would write, built before the clock. */
async function measureRaw(uri: string, database: string, n: number): Promise<Outcome> {
  const { indexes } = await loadInternals();
  const documents = await prebuiltErrorDocuments(n, distinctErrorLogRecord);
  const client = new MongoClient(uri);
  try {
    const collection = client.db(database).collection<{ _id: string }>('errors');
    await collection.createIndexes([...indexes.INDEXES.errors]);
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let offset = 0; offset < n; offset += RAW_BATCH) {
      await collection.insertMany(documents.slice(offset, offset + RAW_BATCH), { ordered: false });
    }
    const end = await waitForAll(uri, database, n);
    const used = process.cpuUsage(cpu);
    return {
      cpuMicros: used.user + used.system,
      seconds: (end - started) / 1000,
      spilled: 0,
      dropped: 0,
      rssGrowth: Number.NaN,
    };
  } finally {
    await client.close();
  }
}

/** One contender in this process: prints its outcome as JSON. */
async function child(contender: Contender, uri: string, database: string, n: number): Promise<void> {
  const spool = temporaryDir('composed-cpu-spool');
  let outcome: Outcome;
  if (contender === 'raw driver insertMany') {
    outcome = await measureRaw(uri, database, n);
  } else if (contender === 'setupTelemetry() defaults') {
    const telemetry = await setupTelemetry({
      connectionString: uri,
      database,
      spoolDir: spool.path,
      serviceName: 'bench',
      metricsEnabled: false,
      installGlobalHandlers: false,
    });
    outcome = await measurePipeline(
      {
        logger: telemetry.loggerProvider.getLogger('mathbank.questoes'),
        flush: () => telemetry.forceFlush(),
        spilled: () => telemetry.getStats('logs').spilled,
        dropped: () => telemetry.getStats('logs').dropped,
        shutdown: () => telemetry.shutdown(),
      },
      uri,
      database,
      n,
    );
  } else {
    const exporter = new MongoLogRecordExporter({ connectionString: uri, database, spoolDir: spool.path });
    const processor = new MongoBatchLogRecordProcessor({ exporter });
    const provider = new LoggerProvider({ resource: BENCH_RESOURCE, processors: [processor] });
    outcome = await measurePipeline(
      {
        logger: provider.getLogger('mathbank.questoes'),
        flush: () => provider.forceFlush(),
        spilled: () => processor.getStats().spilled,
        dropped: () => processor.getStats().dropped,
        shutdown: () => provider.shutdown(),
      },
      uri,
      database,
      n,
    );
  }
  spool.remove();
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

const childIndex = process.argv.indexOf('--child');
const replayIndex = process.argv.indexOf('--replay-child');
if (replayIndex >= 0) {
  const [run, uri, database, n, spoolDir] = process.argv.slice(replayIndex + 1);
  await replayChild(run!, uri!, database!, Number(n), spoolDir!);
} else if (childIndex >= 0) {
  const [contender, uri, database, n] = process.argv.slice(childIndex + 1);
  await child(contender as Contender, uri!, database!, Number(n));
} else {
  const BURST = process.argv.includes('--quick') ? 20_000 : 100_000;
  const args = parseArgs('Client CPU per stored record, what users run', {
    records: 30_000,
    quickRecords: 5_000,
    rounds: 3,
  });
  const uri = benchUri();
  const results = new Map<Contender, Outcome[]>(CONTENDERS.map((name) => [name, []]));
  note(
    `composed-cpu: ${integer(args.records)} distinct error records per contender, ${args.rounds} round(s), each in its own process`,
  );
  for (let round = 0; round < args.rounds; round++) {
    for (let k = 0; k < CONTENDERS.length; k++) {
      const contender = CONTENDERS[(k + round) % CONTENDERS.length]!;
      const database = `bench_cpu_${Date.now().toString(36)}_${k}`;
      const output = execFileSync(
        process.execPath,
        [import.meta.filename, '--child', contender, uri, database, String(args.records)],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const outcome = JSON.parse(output.trim().split('\n').at(-1)!) as Outcome;
      results.get(contender)!.push(outcome);
      note(
        `  ${contender}: ${fixed(outcome.cpuMicros / args.records, 1)} µs/record, ${fixed(outcome.seconds, 1)} s, ${integer(outcome.spilled)} spilled`,
      );
      await dropDatabase(uri, database);
    }
  }
  const replays: Outcome[] = [];
  for (let round = 0; round < args.rounds; round++) {
    const outcome = await measureReplay(uri, args.records);
    replays.push(outcome);
    note(
      `  ${REPLAY_RUN}: ${fixed(outcome.seconds, 1)} s, ${fixed(outcome.cpuMicros / args.records, 1)} µs/record`,
    );
  }
  const burstDatabase = `bench_burst_${Date.now().toString(36)}`;
  const burst = JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--expose-gc',
        import.meta.filename,
        '--child',
        'setupTelemetry() defaults',
        uri,
        burstDatabase,
        String(BURST),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    )
      .trim()
      .split('\n')
      .at(-1)!,
  ) as Outcome;
  await dropDatabase(uri, burstDatabase);
  note(`  burst of ${integer(BURST)}: peak RSS growth ${mebibytes(burst.rssGrowth)}`);
  const cpuOf = (name: Contender) => median(results.get(name)!.map((o) => o.cpuMicros / args.records));
  const rateOf = (name: Contender) => median(results.get(name)!.map((o) => args.records / o.seconds));
  const raw = 'raw driver insertMany' as const;
  printTable(
    `Client CPU per stored record: what users run (${integer(args.records)} distinct errors, ${args.rounds} round(s), medians)`,
    [
      'contender',
      'client CPU per stored record (median)',
      'CPU ÷ raw',
      'records/s (median)',
      'rate ÷ raw',
      'spilled (median)',
    ],
    CONTENDERS.map((name) => [
      name,
      `${fixed(cpuOf(name), 1)} µs`,
      `${fixed(cpuOf(name) / cpuOf(raw))}×`,
      integer(rateOf(name)),
      `${fixed(rateOf(name) / rateOf(raw))}×`,
      integer(median(results.get(name)!.map((o) => o.spilled))),
    ]),
  );
  const replayRate = median(replays.map((o) => args.records / o.seconds));
  const replayCpu = median(replays.map((o) => o.cpuMicros / args.records));
  printTable(
    `Replay at the next start: ${integer(args.records)} records spooled by a run whose server refused (setupTelemetry() defaults), landed by the next run`,
    ['measure', 'records/s (median)', 'rate ÷ raw insert rate', 'client CPU per record'],
    [[REPLAY_RUN, integer(replayRate), `${fixed(replayRate / rateOf(raw))}×`, `${fixed(replayCpu, 1)} µs`]],
  );
  printTable(
    `Burst: ${integer(BURST)} distinct errors into setupTelemetry() defaults, fed as above, until each is stored or counted as dropped`,
    ['peak RSS growth', 'spilled', 'dropped (spool full, counted)', 'seconds', 'client CPU per record'],
    [
      [
        mebibytes(burst.rssGrowth),
        integer(burst.spilled),
        integer(burst.dropped),
        fixed(burst.seconds, 1),
        `${fixed(burst.cpuMicros / BURST, 1)} µs`,
      ],
    ],
  );
}
