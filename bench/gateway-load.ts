// The OTLP gateway under load: N error records sent by C concurrent OTLP/HTTP clients (R records
// per request) to one gateway process (the built CLI), until all are in the database, as
// protobuf, as JSON and as gzipped protobuf; each row paired with the raw driver measured just
// before it (insertMany of the same documents, 1,000 at a time), and the in-process exporter
// (BatchLogRecordProcessor) writing the same records to the same server. Reports records/s until the last answer (then checks the
// count), request latency p50/p99 beside the mean wait that Little's law sets, the gateway's peak
// RSS and its own CPU per record (user + system, from /proc); `--memory-limit-mib` adds a row with
// the gateway in a memory cgroup, as in a container.
// Run: BENCH_MONGODB_URI=mongodb://... node --expose-gc bench/gateway-load.ts [--records N] [--clients C] [--quick]
//      [--only alone v8-young protobuf json gzip] [--no-in-process] [--memory-limit-mib M]
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  memoryBreakdown: boolean;
}>(
  'OTLP gateway load: records/s, request latency and RSS, against the in-process exporter',
  { records: 100_000, quickRecords: 10_000 },
  (program) =>
    program
      .option('--clients <n>', 'concurrent clients (default 50)', Number, 50)
      .option('--batch <n>', 'records per request (default 50)', Number, 50)
      .option(
        '--only <variants...>',
        'gateway rows to run, of: alone, v8-young, protobuf, json, gzip (default: all; raw always runs, as the ratios base)',
      )
      .option('--no-in-process', 'skip the in-process exporter row')
      .option(
        '--memory-breakdown',
        "a table of the gateway's memory at its peak RSS (bench/memory-probe.ts, loaded with --import)",
        false,
      )
      .option(
        '--memory-limit-mib <n>',
        'also run the protobuf row with the gateway in a memory cgroup of this size, as in a container (Linux)',
        Number,
      ),
);
const uri = benchUri();

/** One gateway row: how the gateway runs and what the clients send it. */
interface GatewayRun {
  /** For `--only` and the database's name. */
  name: string;
  label: string;
  encoding: Encoding;
  /** Flags of the `gateway` command. */
  gatewayArgs: string[];
  /** Node flags, before BENCH_GATEWAY_NODE_ARGS. */
  nodeArgs: string[];
  /** Runs the gateway in a memory cgroup of this size. */
  memoryLimitMib?: number;
}

function startGateway(
  database: string,
  dir: string,
  run: GatewayRun,
  cgroup?: MemoryCgroup,
): Promise<{ child: ChildProcess; url: string }> {
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `bench mathbank-bench ${TOKEN}\n`);
  const command = [
    ...(args.memoryBreakdown
      ? ['--import', fileURLToPath(new URL('./memory-probe.ts', import.meta.url))]
      : []),
    ...run.nodeArgs,
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
    ...run.gatewayArgs,
  ];
  // In a cgroup, the shell joins it and execs node: the gateway keeps the child's pid.
  const { file, args: argv } = cgroup
    ? cgroup.wrap(process.execPath, command)
    : { file: process.execPath, args: command };
  const child = spawn(file, argv, {
    env: {
      PATH: process.env.PATH ?? '',
      MONGODB_URI: uri,
      MONGODB_DATABASE: database,
      ...(args.memoryBreakdown ? { BENCH_MEMORY_PROBE_FILE: join(dir, 'memory.json') } : {}),
    },
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

/** What bench/memory-probe.ts wrote at the gateway's peak RSS. */
function readMemoryBreakdown(file: string): Record<string, number> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return undefined;
  }
}

async function waitForCount(database: string, expected: number): Promise<void> {
  while ((await countDocuments(uri, database, 'errors')) < expected) await sleep(50);
}

async function throughGateway(records: number, clients: number, batch: number, run: GatewayRun) {
  const { encoding } = run;
  const database = `bench_gateway_${run.name.replace(/\W/g, '_')}`;
  await dropDatabase(uri, database);
  const dir = temporaryDir('gateway-bench');
  const cgroup = run.memoryLimitMib ? memoryCgroup(run.memoryLimitMib, 'gateway-bench') : undefined;
  const { child, url } = await startGateway(database, dir.path, run, cgroup);
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
  const breakdown = args.memoryBreakdown ? readMemoryBreakdown(join(dir.path, 'memory.json')) : undefined;
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
    breakdown,
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
// The server's speed drifts over a run (FerretDB slows as its process grows): each row is
// compared with the raw driver measured just before it, never with one measurement for all.
const rawBefore = async <T>(measure: () => Promise<T>) => {
  const raw = await rawDriver(args.records);
  return { raw, result: await measure() };
};
const direct = args.inProcess ? await rawBefore(() => inProcess(args.records)) : undefined;
// Each request written alone (`--group-wait-ms 0`) is the gateway before request grouping;
// `--max-semi-space-size=0` (V8's own sizing, which the command keeps when a size is given) is
// the gateway before it bounded its young generation.
const row = (
  name: string,
  label: string,
  encoding: Encoding,
  more: Partial<GatewayRun> = {},
): GatewayRun => ({
  name,
  label,
  encoding,
  gatewayArgs: [],
  nodeArgs: [],
  ...more,
});
const runs: GatewayRun[] = [
  row('alone', 'protobuf, each request alone', 'protobuf', { gatewayArgs: ['--group-wait-ms', '0'] }),
  row('v8-young', "protobuf, V8's default young generation", 'protobuf', {
    nodeArgs: ['--max-semi-space-size=0'],
  }),
  row('protobuf', 'protobuf', 'protobuf'),
  row('json', 'JSON', 'json'),
  row('gzip', 'protobuf + gzip', 'protobuf+gzip'),
].filter(({ name }) => !args.only || args.only.includes(name));
if (args.memoryLimitMib) {
  runs.push(
    row('cgroup', `protobuf, gateway in a ${args.memoryLimitMib} MiB memory cgroup`, 'protobuf', {
      memoryLimitMib: args.memoryLimitMib,
    }),
  );
}
const gateways: [
  string,
  Awaited<ReturnType<typeof throughGateway>>,
  Awaited<ReturnType<typeof rawDriver>>,
][] = [];
for (const run of runs) {
  note(`through the gateway, ${run.label}`);
  const { raw, result } = await rawBefore(() => throughGateway(args.records, args.clients, args.batch, run));
  gateways.push([run.label, result, raw]);
}
printTable(
  `OTLP gateway under load (${args.records} records, ${args.clients} clients, ${args.batch} per request)`,
  [
    'path',
    'records/s',
    'raw insertMany records/s just before',
    'ratio to that raw',
    'request p50 ms',
    'request p99 ms',
    'mean wait floor ms',
    'gateway peak RSS',
    'gateway CPU µs/record',
    'clients CPU µs/record',
    'server CPU µs/record',
    'raw server CPU µs/record',
    'retried requests',
  ],
  [
    ...(direct
      ? [
          [
            'in-process exporter',
            integer(direct.result.perSecond),
            integer(direct.raw.perSecond),
            fixed(direct.result.perSecond / direct.raw.perSecond),
            ...Array<string>(7).fill(''),
            fixed(direct.raw.serverCpuPerRecordUs, 1),
            '',
          ],
        ]
      : []),
    ...gateways.map(([label, run, raw]) => [
      `OTLP/HTTP ${label} → gateway`,
      integer(run.perSecond),
      integer(raw.perSecond),
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
      fixed(raw.serverCpuPerRecordUs, 1),
      integer(run.failures),
    ]),
  ],
);
if (args.memoryBreakdown) {
  const parts = ['rss', 'heapTotal', 'heapUsed', 'newSpace', 'oldSpace', 'arrayBuffers', 'otherExternal'];
  printTable(
    "The gateway's memory at its peak RSS (sampled every 100 ms by bench/memory-probe.ts)",
    ['path', ...parts.map((part) => (part === 'rss' ? 'RSS' : part))],
    gateways.map(([label, run]) => [
      label,
      ...parts.map((part) => (run.breakdown ? mebibytes(run.breakdown[part]!) : 'n/a')),
    ]),
  );
}
