// The OTLP gateway under load: N error records sent by C concurrent OTLP/HTTP clients (protobuf,
// R records per request) to one gateway process (the built CLI), until all are in the database;
// side by side with the in-process exporter (BatchLogRecordProcessor) writing the same records to
// the same server. Reports records/s end to end, request latency p50/p99 and the gateway's RSS.
// Run: BENCH_MONGODB_URI=mongodb://... node --expose-gc bench/gateway-load.ts [--records N] [--clients C] [--quick]
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoLogRecordExporter } from 'opentelemetry-exporter-mongodb';
import { OtlpTypes } from '../src/gateway/otlp-schema.ts';
import {
  BENCH_RESOURCE,
  benchUri,
  countDocuments,
  dropDatabase,
  errorLogRecord,
  fixed,
  integer,
  mebibytes,
  note,
  parseArgs,
  percentile,
  printTable,
  sleep,
  temporaryDir,
} from './support.ts';

const TOKEN = 'bench-token-0123456789abcdef';
const args = parseArgs<{ clients: number; batch: number }>(
  'OTLP gateway load: records/s, request latency and RSS, against the in-process exporter',
  { records: 100_000, quickRecords: 10_000 },
  (program) =>
    program
      .option('--clients <n>', 'concurrent clients (default 50)', Number, 50)
      .option('--batch <n>', 'records per request (default 50)', Number, 50),
);
const uri = benchUri();

/** Request `r` of the run: `batch` error records, as an OTLP SDK would send them. */
function requestBody(r: number, batch: number): Uint8Array {
  const records = [];
  for (let i = r * batch; i < (r + 1) * batch; i++) {
    const record = errorLogRecord(i);
    records.push({
      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(i)),
      severityNumber: 17,
      severityText: 'ERROR',
      body: { stringValue: String(record.body) },
      attributes: Object.entries(record.attributes ?? {}).map(([key, value]) => ({
        key,
        value: typeof value === 'number' ? { intValue: value } : { stringValue: String(value) },
      })),
    });
  }
  const attribute = (key: string, value: unknown) => ({ key, value: { stringValue: String(value) } });
  const request = {
    resourceLogs: [
      {
        resource: {
          attributes: [
            attribute('service.name', 'mathbank-bench'),
            ...Object.entries(BENCH_RESOURCE.attributes).map(([k, v]) => attribute(k, v)),
          ],
        },
        scopeLogs: [{ scope: { name: 'bench' }, logRecords: records }],
      },
    ],
  };
  return OtlpTypes.logsRequest.encode(OtlpTypes.logsRequest.fromObject(request)).finish();
}

function startGateway(database: string, dir: string): Promise<{ child: ChildProcess; url: string }> {
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `bench mathbank-bench ${TOKEN}\n`);
  const child = spawn(
    process.execPath,
    [
      'dist/cli.mjs',
      'gateway',
      '--port',
      '0',
      '--tokens-file',
      tokens,
      '--rate-limit',
      '0',
      '--no-storm-guard',
      '--spool-dir',
      join(dir, 'spool'),
    ],
    {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: uri, MONGODB_DATABASE: database },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${stderr}`)));
  });
}

function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

async function waitForCount(database: string, expected: number): Promise<void> {
  while ((await countDocuments(uri, database, 'errors')) < expected) await sleep(50);
}

async function throughGateway(records: number, clients: number, batch: number) {
  const database = 'bench_gateway';
  await dropDatabase(uri, database);
  const dir = temporaryDir('gateway-bench');
  const { child, url } = await startGateway(database, dir.path);
  const requests = Math.ceil(records / batch);
  const bodies = Array.from({ length: requests }, (_, r) => requestBody(r, batch));
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        const body = bodies[next++]!;
        for (;;) {
          const sent = performance.now();
          const response = await fetch(`${url}/v1/logs`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` },
            body,
          });
          await response.arrayBuffer();
          latencies.push(performance.now() - sent);
          if (response.status === 200) break;
          failures++;
          await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
        }
      }
    }),
  );
  await waitForCount(database, requests * batch);
  const seconds = (performance.now() - started) / 1000;
  const memory = processMemory(child.pid!);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  dir.remove();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (requests * batch) / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    rss: memory.rss,
    peak: memory.peak,
    failures,
  };
}

async function inProcess(records: number) {
  const database = 'bench_gateway_inprocess';
  await dropDatabase(uri, database);
  const exporter = new MongoLogRecordExporter({
    connectionString: uri,
    database,
    spoolDir: false,
    stormGuard: false,
  });
  const provider = new LoggerProvider({
    resource: BENCH_RESOURCE,
    processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: records, maxExportBatchSize: 512 })],
  });
  const logger = provider.getLogger('bench');
  const started = performance.now();
  for (let i = 0; i < records; i++) logger.emit(errorLogRecord(i));
  await provider.forceFlush();
  await waitForCount(database, records);
  const seconds = (performance.now() - started) / 1000;
  await provider.shutdown();
  return { perSecond: records / seconds };
}

note(`gateway load: ${args.records} records, ${args.clients} clients, ${args.batch} records per request`);
const gateway = await throughGateway(args.records, args.clients, args.batch);
const direct = await inProcess(args.records);
printTable(
  `OTLP gateway under load (${args.records} records, ${args.clients} clients, ${args.batch} per request)`,
  [
    'path',
    'records/s',
    'ratio to in-process',
    'request p50 ms',
    'request p99 ms',
    'gateway RSS',
    'gateway peak RSS',
    'retried requests',
  ],
  [
    ['in-process exporter', integer(direct.perSecond), '1.00', '', '', '', '', ''],
    [
      'OTLP/HTTP → gateway',
      integer(gateway.perSecond),
      fixed(gateway.perSecond / direct.perSecond),
      fixed(gateway.p50, 1),
      fixed(gateway.p99, 1),
      mebibytes(gateway.rss),
      mebibytes(gateway.peak),
      integer(gateway.failures),
    ],
  ],
);
