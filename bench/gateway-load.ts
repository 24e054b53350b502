// The OTLP gateway under load: N error records sent by C concurrent OTLP/HTTP clients (R records
// per request) to one gateway process (the built CLI), until all are in the database, as
// protobuf, as JSON and as gzipped protobuf; side by side with the raw driver (insertMany of the
// same documents, 1,000 at a time) and the in-process exporter (BatchLogRecordProcessor) writing
// the same records to the same server. Reports records/s until the last answer (then checks the
// count), request latency p50/p99 beside the mean wait that Little's law sets, the gateway's peak
// RSS and its own CPU per record (user + system, from /proc); `--memory-limit-mib` adds a row with
// the gateway in a memory cgroup, as in a container.
// Run: BENCH_MONGODB_URI=mongodb://... node --expose-gc bench/gateway-load.ts [--records N] [--clients C] [--quick]
//      [--only alone protobuf json gzip] [--no-in-process] [--memory-limit-mib M]
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoLogRecordExporter } from 'opentelemetry-exporter-mongodb';
import { INDEXES } from '../src/storage/indexes.ts';
import { type MemoryCgroup, memoryCgroup } from './memory-cgroup.ts';
import { type Encoding, requestBody } from './otlp-requests.ts';
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
  prebuiltErrorDocuments,
  printTable,
  sleep,
  temporaryDir,
} from './support.ts';

const TOKEN = 'bench-token-0123456789abcdef';
const args = parseArgs<{
  clients: number;
  batch: number;
  only?: string[];
  inProcess: boolean;
  memoryLimitMib?: number;
}>(
  'OTLP gateway load: records/s, request latency and RSS, against the in-process exporter',
  { records: 100_000, quickRecords: 10_000 },
  (program) =>
    program
      .option('--clients <n>', 'concurrent clients (default 50)', Number, 50)
      .option('--batch <n>', 'records per request (default 50)', Number, 50)
      .option(
        '--only <variants...>',
        'gateway rows to run, of: alone, protobuf, json, gzip (default: all; raw always runs, as the ratios base)',
      )
      .option('--no-in-process', 'skip the in-process exporter row')
      .option(
        '--memory-limit-mib <n>',
        'also run the protobuf row with the gateway in a memory cgroup of this size, as in a container (Linux)',
        Number,
      ),
);
const uri = benchUri();

function startGateway(
  database: string,
  dir: string,
  extraArgs: string[],
  cgroup?: MemoryCgroup,
): Promise<{ child: ChildProcess; url: string }> {
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `bench mathbank-bench ${TOKEN}\n`);
  const command = [
    // BENCH_GATEWAY_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the gateway.
    ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
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
    ...extraArgs,
  ];
  // In a cgroup, the shell joins it and execs node: the gateway keeps the child's pid.
  const { file, args: argv } = cgroup
    ? cgroup.wrap(process.execPath, command)
    : { file: process.execPath, args: command };
  const child = spawn(file, argv, {
    env: { PATH: process.env.PATH ?? '', MONGODB_URI: uri, MONGODB_DATABASE: database },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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

/**
 * The database server's CPU seconds so far, when BENCH_SERVER_PID names its process (a local
 * server: `pgrep -f 'ferretdb.*PORT'`); NaN otherwise.
 */
function serverCpuSeconds(): number {
  const pid = Number(process.env.BENCH_SERVER_PID);
  return Number.isInteger(pid) && pid > 0 ? processCpuSeconds(pid) : Number.NaN;
}

/** The CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

async function waitForCount(database: string, expected: number): Promise<void> {
  while ((await countDocuments(uri, database, 'errors')) < expected) await sleep(50);
}

async function throughGateway(
  records: number,
  clients: number,
  batch: number,
  encoding: Encoding,
  extraArgs: string[] = [],
  memoryLimitMib?: number,
) {
  const database = `bench_gateway_${encoding.replace('+', '_')}${extraArgs.length ? '_alone' : ''}${memoryLimitMib ? '_cgroup' : ''}`;
  await dropDatabase(uri, database);
  const dir = temporaryDir('gateway-bench');
  const cgroup = memoryLimitMib ? memoryCgroup(memoryLimitMib, 'gateway-bench') : undefined;
  const { child, url } = await startGateway(database, dir.path, extraArgs, cgroup);
  const requests = Math.ceil(records / batch);
  const bodies = Array.from({ length: requests }, (_, r) => requestBody(r, batch, encoding));
  const headers: Record<string, string> = {
    'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    authorization: `Bearer ${TOKEN}`,
    ...(encoding === 'protobuf+gzip' ? { 'content-encoding': 'gzip' } : {}),
  };
  const cpuBefore = processCpuSeconds(child.pid!);
  const serverBefore = serverCpuSeconds();
  const clientCpuBefore = process.cpuUsage();
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
            headers,
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
  // A 200 means stored (or spooled): the clock stops at the last answer. The count, which costs
  // the server a scan of the collection, is a check made outside the timed window.
  const seconds = (performance.now() - started) / 1000;
  const memory = processMemory(child.pid!);
  const cpu = processCpuSeconds(child.pid!) - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpu = serverCpuSeconds() - serverBefore;
  await waitForCount(database, requests * batch);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  cgroup?.remove();
  dir.remove();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (requests * batch) / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    rss: memory.rss,
    peak: memory.peak,
    cpuPerRecordUs: (cpu / (requests * batch)) * 1e6,
    clientCpuPerRecordUs: (clientCpu.user + clientCpu.system) / (requests * batch),
    serverCpuPerRecordUs: (serverCpu / (requests * batch)) * 1e6,
    failures,
  };
}

/**
 * The raw driver: insertMany of the documents the exporter would write, 1,000 at a time, 2 in
 * flight, into a collection with the package's indexes (which the server must maintain on every
 * path: without them it is a faster server, not a faster client).
 */
async function rawDriver(records: number) {
  const database = 'bench_gateway_raw';
  await dropDatabase(uri, database);
  const documents = await prebuiltErrorDocuments(records, errorLogRecord);
  const client = new MongoClient(uri);
  await client.connect();
  const collection = client.db(database).collection<{ _id: string }>('errors');
  await collection.createIndexes([...INDEXES.errors]);
  const serverBefore = serverCpuSeconds();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < documents.length) {
        const slice = documents.slice(next, next + 1000);
        next += 1000;
        await collection.insertMany(slice, { ordered: false });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = serverCpuSeconds() - serverBefore;
  await client.close();
  return { perSecond: records / seconds, serverCpuPerRecordUs: (serverCpu / records) * 1e6 };
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
  const seconds = (performance.now() - started) / 1000;
  await waitForCount(database, records);
  await provider.shutdown();
  return { perSecond: records / seconds };
}

note(`gateway load: ${args.records} records, ${args.clients} clients, ${args.batch} records per request`);
const raw = await rawDriver(args.records);
// Each request written alone (`--group-wait-ms 0`) is the gateway before request grouping.
const variants = (
  [
    ['alone', 'protobuf, each request alone', 'protobuf', ['--group-wait-ms', '0']],
    ['protobuf', 'protobuf', 'protobuf', []],
    ['json', 'JSON', 'json', []],
    ['gzip', 'protobuf + gzip', 'protobuf+gzip', []],
  ] satisfies [string, string, Encoding, string[]][]
).filter(([name]) => !args.only || args.only.includes(name));
const memoryLimitRow = args.memoryLimitMib
  ? [[`protobuf, gateway in a ${args.memoryLimitMib} MiB memory cgroup`, args.memoryLimitMib] as const]
  : [];
const gateways: [string, Awaited<ReturnType<typeof throughGateway>>][] = [];
for (const [, label, encoding, extra] of variants) {
  note(`through the gateway, ${label}`);
  gateways.push([label, await throughGateway(args.records, args.clients, args.batch, encoding, extra)]);
}
for (const [label, limit] of memoryLimitRow) {
  note(`through the gateway, ${label}`);
  gateways.push([label, await throughGateway(args.records, args.clients, args.batch, 'protobuf', [], limit)]);
}
const direct = args.inProcess ? await inProcess(args.records) : undefined;
printTable(
  `OTLP gateway under load (${args.records} records, ${args.clients} clients, ${args.batch} per request)`,
  [
    'path',
    'records/s',
    'ratio to raw insertMany',
    'request p50 ms',
    'request p99 ms',
    'mean wait floor ms',
    'gateway peak RSS',
    'gateway CPU µs/record',
    'clients CPU µs/record',
    'server CPU µs/record',
    'retried requests',
  ],
  [
    [
      'raw driver insertMany (1,000 per call, 2 in flight)',
      integer(raw.perSecond),
      '1.00',
      '',
      '',
      '',
      '',
      '',
      '',
      fixed(raw.serverCpuPerRecordUs, 1),
      '',
    ],
    ...(direct
      ? [
          [
            'in-process exporter',
            integer(direct.perSecond),
            fixed(direct.perSecond / raw.perSecond),
            '',
            '',
            '',
            '',
            '',
            '',
            '',
            '',
          ],
        ]
      : []),
    ...gateways.map(([label, run]) => [
      `OTLP/HTTP ${label} → gateway`,
      integer(run.perSecond),
      fixed(run.perSecond / raw.perSecond),
      fixed(run.p50, 1),
      fixed(run.p99, 1),
      // Little's law: with every client keeping one request in flight, the mean request waits
      // (clients × records per request) ÷ records/s, whatever the gateway does.
      fixed(((args.clients * args.batch) / run.perSecond) * 1000, 1),
      mebibytes(run.peak),
      fixed(run.cpuPerRecordUs, 1),
      fixed(run.clientCpuPerRecordUs, 1),
      fixed(run.serverCpuPerRecordUs, 1),
      integer(run.failures),
    ]),
  ],
);
