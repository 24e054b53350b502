// End-to-end throughput: N error records until all are in the database, side by side:
// MongoLogRecordExporter (MongoBatchLogRecordProcessor, its default queue), the raw driver (insertMany of the same
// documents, the physical limit), winston-mongodb and pino-mongodb. Each contender writes to a
// database of its own; a round ends only when counting that database finds all N documents.
// Client CPU (user + system of this process, all threads, from process.cpuUsage()) is measured
// over the same span: on a fast server (Atlas) client CPU is the limit, not the server.
// Run: BENCH_MONGODB_URI=mongodb://... node --expose-gc bench/throughput.ts [--records N] [--rounds R] [--quick]
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { calculateObjectSize } from 'bson';
import { MongoClient } from 'mongodb';
import { MongoBatchLogRecordProcessor, MongoLogRecordExporter } from 'opentelemetry-exporter-mongodb';
import { pino } from 'pino';
import winston from 'winston';
import { MongoDB as WinstonMongoDB } from 'winston-mongodb';
import { loadInternals } from './internals.ts';
import {
  BENCH_RESOURCE,
  benchUri,
  collectGarbage,
  countDocuments,
  dropDatabase,
  ERROR_MESSAGE,
  errorLogRecord,
  fixed,
  integer,
  makeError,
  median,
  note,
  parseArgs,
  prebuiltErrorDocuments,
  printTable,
  recordAttributes,
  sleep,
  temporaryDir,
} from './support.ts';

const args = parseArgs<{ batch: number }>(
  'End-to-end throughput',
  { records: 100_000, quickRecords: 20_000, rounds: 2 },
  (program) => program.option('--batch <n>', 'export batch size for ours and the raw driver', Number, 1000),
);
const N = args.records;
const BATCH = args.batch;
const EMIT_CHUNK = 1000; // every contender is fed in chunks, with one event-loop turn between chunks
const uri = benchUri();
const runId = Date.now().toString(36);

interface Outcome {
  seconds: number;
  /** True when the contender's own "done" came before all documents were countable. */
  signalEarly: boolean;
  sampleBytes: number;
  /** Client CPU (user + system) from the start until all documents were counted, µs. */
  cpuMicros: number;
}

type Contender = (database: string) => Promise<Outcome>;

/**
 * Waits for all N documents: counts once after the contender says it is done, and keeps
 * counting while fewer are there. The time is the contender's "done" when the first count
 * finds N, else the moment a count found them.
 */
async function verified(
  database: string,
  collection: string,
  started: number,
  doneAt: number,
  cpuAtStart: NodeJS.CpuUsage,
): Promise<Outcome> {
  let found = await countDocuments(uri, database, collection);
  let end = doneAt;
  // A guard against a contender that never finishes, not a measure: a loaded FerretDB takes minutes.
  const deadline = Date.now() + 600_000;
  while (found < N) {
    if (Date.now() > deadline)
      throw new Error(`${database}.${collection}: ${found} of ${N} documents after 10 min`);
    await sleep(250);
    found = await countDocuments(uri, database, collection);
    end = performance.now();
  }
  if (found > N) throw new Error(`${database}.${collection}: ${found} documents, expected ${N}`);
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    cpuMicros: cpu.user + cpu.system,
    seconds: (end - started) / 1000,
    signalEarly: end !== doneAt,
    sampleBytes: await sampleSize(database, collection),
  };
}

async function sampleSize(database: string, collection: string): Promise<number> {
  const client = new MongoClient(uri);
  try {
    const sample = await client.db(database).collection(collection).findOne({});
    return sample ? calculateObjectSize(sample) : Number.NaN;
  } finally {
    await client.close();
  }
}

const ours: Contender = async (database) => {
  const spool = temporaryDir('throughput-spool');
  // The storm guard folds the run's repeated error into one summary: off, so that all N are stored.
  const exporter = new MongoLogRecordExporter({
    connectionString: uri,
    database,
    spoolDir: spool.path,
    stormGuard: false,
    // The run feeds records ten times faster than a local FerretDB stores them: most are spilled,
    // and 100,000 of them outgrow the default 100 MiB spool, which then drops the oldest
    // (counted). Room for all of them, so that the run measures throughput, not that limit.
    spoolMaxBytes: 1024 * 1024 * 1024,
  });
  // The default queue (2048): what a burst does not fit is spilled to the spool and replayed.
  const processor = new MongoBatchLogRecordProcessor({
    exporter,
    maxExportBatchSize: BATCH,
    scheduledDelayMillis: 100,
  });
  const provider = new LoggerProvider({ resource: BENCH_RESOURCE, processors: [processor] });
  const logger = provider.getLogger('mathbank.questoes');
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < N; i++) {
      logger.emit(errorLogRecord(i));
      if (i % EMIT_CHUNK === EMIT_CHUNK - 1) await nextTurn();
    }
    await provider.forceFlush();
    const outcome = await verified(database, 'errors', started, performance.now(), cpu).catch(
      (error: unknown) => {
        note(`ours: ${JSON.stringify(processor.getStats())}`);
        throw error;
      },
    );
    const stats = processor.getStats();
    if (stats.written + stats.replayed !== N) note(`ours: unexpected stats ${JSON.stringify(stats)}`);
    note(`ours: ${integer(stats.spilled)} of ${integer(N)} spilled to the spool and replayed`);
    return outcome;
  } finally {
    await provider.shutdown();
    spool.remove();
  }
};

/** The documents our exporter would write, built once and reused: the raw driver only inserts them. */
const prebuilt = await prebuiltErrorDocuments(N, errorLogRecord);
const { INDEXES } = (await loadInternals()).indexes;

const raw: Contender = async (database) => {
  const client = new MongoClient(uri);
  try {
    const collection = client.db(database).collection<{ _id: string }>('errors');
    await collection.createIndexes([...INDEXES.errors]); // the same indexes as ours, made before the clock starts
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let offset = 0; offset < N; offset += BATCH) {
      await collection.insertMany(prebuilt.slice(offset, offset + BATCH), { ordered: false });
    }
    return await verified(database, 'errors', started, performance.now(), cpu);
  } finally {
    await client.close();
  }
};

const winstonMongo: Contender = async (database) => {
  const transport = new WinstonMongoDB({ db: uri, dbName: database, collection: 'log', level: 'error' });
  const logger = winston.createLogger({ level: 'error', transports: [transport] });
  let logged = 0;
  transport.on('logged', () => logged++);
  const connectBy = Date.now() + 30_000;
  while (!(transport as unknown as { logDb?: unknown }).logDb) {
    if (Date.now() > connectBy) throw new Error('winston-mongodb did not connect');
    await sleep(10);
  }
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < N; i++) {
      logger.error(ERROR_MESSAGE, { error: makeError(i), ...recordAttributes(i) });
      if (i % EMIT_CHUNK === EMIT_CHUNK - 1) await nextTurn();
    }
    // Not logger.end(): it unpipes, which closes winston-mongodb's client under inserts still pending.
    // Its 'logged' event (one per insert that succeeded) says when it believes it is done.
    while (logged < N) await sleep(5);
    return await verified(database, 'log', started, performance.now(), cpu);
  } finally {
    logger.close();
  }
};

const pinoMongo: Contender = async (database) => {
  const transport = pino.transport({ target: 'pino-mongodb', options: { uri, database, collection: 'log' } });
  await once(transport, 'ready');
  const logger = pino({ level: 'error' }, transport);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    logger.error({ err: makeError(i), ...recordAttributes(i) }, ERROR_MESSAGE);
    if (i % EMIT_CHUNK === EMIT_CHUNK - 1) await nextTurn();
  }
  const closed = once(transport, 'close');
  transport.end();
  await closed;
  return await verified(database, 'log', started, performance.now(), cpu);
};

const contenders: [string, Contender][] = [
  ['opentelemetry-exporter-mongodb', ours],
  ['raw driver insertMany', raw],
  ['winston-mongodb', winstonMongo],
  ['pino-mongodb', pinoMongo],
];
const results = new Map<string, { rates: number[]; cpu: number[]; early: number; bytes: number }>(
  contenders.map(([name]) => [name, { rates: [], cpu: [], early: 0, bytes: Number.NaN }]),
);

note(`throughput: ${integer(N)} records per contender, ${args.rounds} round(s), batches of ${BATCH}`);
for (let round = 0; round < args.rounds; round++) {
  // Rotate the order every round: a shared, noisy machine then favours no one.
  const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]!);
  for (const [name, run] of order) {
    const database = `bench_tp_${runId}_${round}_${name.replace(/[^a-z]/g, '').slice(0, 12)}`;
    collectGarbage();
    await sleep(500);
    // pino's worker thread is unref'd: without a timer of our own the process could exit mid-await.
    const keepAlive = setInterval(() => undefined, 1000);
    const outcome = await run(database).finally(() => clearInterval(keepAlive));
    await dropDatabase(uri, database);
    const entry = results.get(name)!;
    entry.rates.push(N / outcome.seconds);
    entry.cpu.push(outcome.cpuMicros / N);
    entry.bytes = outcome.sampleBytes;
    if (outcome.signalEarly) entry.early++;
    note(
      `round ${round + 1} ${name}: ${integer(N / outcome.seconds)} records/s (${fixed(outcome.seconds)} s), ` +
        `${fixed(outcome.cpuMicros / N)} µs client CPU per record`,
    );
  }
}

const rateOf = (name: string) => median(results.get(name)!.rates);
const cpuOf = (name: string) => median(results.get(name)!.cpu);
const ourRate = rateOf('opentelemetry-exporter-mongodb');
const rawCpu = cpuOf('raw driver insertMany');
printTable(
  `End-to-end throughput: ${integer(N)} error records until counted in the database (median of ${args.rounds} round(s))`,
  [
    'contender',
    'records/s (median)',
    'all rounds',
    'ours ÷ this',
    'client CPU µs/record (median)',
    'CPU ÷ raw driver',
    'stored doc bytes',
    '"done" before all stored',
  ],
  contenders.map(([name]) => {
    const entry = results.get(name)!;
    return [
      name,
      integer(rateOf(name)),
      entry.rates.map(integer).join(' / '),
      name === 'opentelemetry-exporter-mongodb' ? '1.00' : `${fixed(ourRate / rateOf(name))}×`,
      fixed(cpuOf(name)),
      `${fixed(cpuOf(name) / rawCpu)}×`,
      integer(entry.bytes),
      `${entry.early} of ${args.rounds}`,
    ];
  }),
);
