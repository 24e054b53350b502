// Shared helpers of the benchmarks: arguments, the server's URI, statistics, tables and
// the record every contender logs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LogRecord, SeverityNumber } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { loadInternals } from './internals.ts';

export { sleep };

/** The server every benchmark talks to, from `scripts/bench.sh` (or the caller's MONGODB_URI). */
export function benchUri(): string {
  const uri = process.env.BENCH_MONGODB_URI ?? process.env.MONGODB_URI;
  if (!uri) throw new Error('set BENCH_MONGODB_URI (scripts/bench.sh does) to a MongoDB server');
  return uri;
}

/** Parses `--records N`, `--rounds N`, `--quick` and the script's own flags. */
export function parseArgs<T extends Record<string, unknown>>(
  describe: string,
  defaults: { records: number; quickRecords: number; rounds?: number },
  extend: (program: Command) => Command = (program) => program,
): T & { records: number; rounds: number; quick: boolean } {
  const program = extend(
    new Command()
      .description(describe)
      .option('--records <n>', `records per contender (default ${defaults.records})`, positive)
      .option('--rounds <n>', `rounds, the median is reported (default ${defaults.rounds ?? 1})`, positive)
      .option('--quick', `a short run: ${defaults.quickRecords} records, 1 round`, false),
  );
  program.parse(process.argv);
  const options = program.opts<Record<string, unknown>>();
  const quick = options.quick === true;
  return {
    ...(options as T),
    quick,
    records: (options.records as number | undefined) ?? (quick ? defaults.quickRecords : defaults.records),
    rounds: (options.rounds as number | undefined) ?? (quick ? 1 : (defaults.rounds ?? 1)),
  };
}

function positive(value: string): number {
  const number = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`not a positive integer: ${value}`);
  return number;
}

/** The value at `fraction` (0..1) of sorted samples, nearest rank. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/** The nearest-rank (lower) median: of an even count, the lower middle value (with 2 rounds, the slower one). */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Prints a Markdown table, ready to paste into docs/benchmarks.md. */
export function printTable(
  title: string,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(headers));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('');
}

/** 12345.6 -> "12,346". */
export function integer(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Progress and notes go to stderr, so that stdout holds only the tables. */
export function note(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A loopback URI nobody listens on: a port the OS gave us, closed again. */
export async function unreachableUri(): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  return `mongodb://127.0.0.1:${port}/?directConnection=true`;
}

/** A fresh temporary folder, removed by the returned function. */
export function temporaryDir(label: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `otel-mongo-bench-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Counts documents with a client of its own: the only proof a benchmark accepts. */
export async function countDocuments(uri: string, database: string, collection: string): Promise<number> {
  const client = new MongoClient(uri);
  try {
    return await client.db(database).collection(collection).countDocuments();
  } finally {
    await client.close();
  }
}

export async function dropDatabase(uri: string, database: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

// A typical stack of an ESM application: file:// URLs, async frames, a framework, Node internals.
const STACK_TEMPLATE = `TypeError: Cannot read properties of undefined (reading 'enunciado') [#ID]
    at salvarQuestao (file:///srv/mathbank/dist/questoes/service.js:142:31)
    at async QuestaoController.atualizar (file:///srv/mathbank/dist/questoes/controller.js:57:20)
    at async file:///srv/mathbank/node_modules/express/lib/router/layer.js:95:5
    at async next (file:///srv/mathbank/node_modules/express/lib/router/route.js:149:13)
    at async Route.dispatch (file:///srv/mathbank/node_modules/express/lib/router/route.js:119:3)
    at async handle (file:///srv/mathbank/node_modules/express/lib/router/index.js:284:15)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)`;

export const ERROR_MESSAGE = 'failed to save question';

/**
 * The error of record `i`: an Error with its own stack string, as each thrown error has
 * (made without capturing a real stack, whose cost would be the application's, not the sink's).
 */
export function makeError(i: number): Error {
  const error = Object.create(TypeError.prototype) as Error;
  error.message = `Cannot read properties of undefined (reading 'enunciado') [#${i}]`;
  error.stack = STACK_TEMPLATE.replace('#ID', `#${i}`);
  return error;
}

/** The other attributes of record `i`, the same for every contender (no dots: pino-mongodb stores keys as they are). */
export function recordAttributes(i: number): {
  userId: string;
  route: string;
  questaoId: number;
  attempt: number;
} {
  return { userId: `u-${i % 97}`, route: '/questoes/:id', questaoId: i, attempt: 1 + (i % 3) };
}

/** Record `i` as an OpenTelemetry log record: ERROR, the exception's semantic-convention attributes. */
export function errorLogRecord(i: number): LogRecord {
  const error = makeError(i);
  return {
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: ERROR_MESSAGE,
    attributes: {
      'exception.type': error.name,
      'exception.message': error.message,
      'exception.stacktrace': error.stack,
      ...recordAttributes(i),
    },
  };
}

/** Record `i` as a distinct bug (its own `error.fingerprint`): the storm guard folds none of them. */
export function distinctErrorLogRecord(i: number): LogRecord {
  const record = errorLogRecord(i);
  return { ...record, attributes: { ...record.attributes, 'error.fingerprint': `bench-${i}` } };
}

/** The resource of every benchmark pipeline: fixed, so that no benchmark probes the host. */
export const BENCH_RESOURCE = resourceFromAttributes({
  'service.name': 'mathbank-bench',
  'service.version': '1.0.0',
  'app.installation.id': '3f2c9a1e4b7d8c60',
});

/** Reads VmRSS and VmHWM (peak RSS) of this process from /proc, in bytes (Linux). */
export function residentMemory(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Runs a full garbage collection when node runs with --expose-gc (scripts/bench.sh passes it). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * The error documents the exporter would write for records `0..n-1` made by `record`, built
 * with the package's own mapping (loaded from src/): what the raw driver contender inserts.
 */
export async function prebuiltErrorDocuments(
  n: number,
  record: (i: number) => LogRecord,
): Promise<{ _id: string }[]> {
  const { transform, sanitizeReport, id, resourceFields } = await loadInternals();
  const records: ReadableLogRecord[] = [];
  const provider = new LoggerProvider({
    resource: BENCH_RESOURCE,
    processors: [
      {
        onEmit: (r: ReadableLogRecord) => void records.push(r),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const logger = provider.getLogger('mathbank.questoes');
  for (let i = 0; i < n; i++) logger.emit(record(i));
  const nextId = id.createIdSource();
  const report = new sanitizeReport.SanitizeReport();
  const fields = resourceFields.resourceFields(BENCH_RESOURCE);
  return records.map((r) =>
    transform.toErrorDocument(r, {
      id: nextId(),
      fields,
      report,
      limits: sanitizeReport.DEFAULT_SANITIZE_LIMITS,
    }),
  );
}
