// What a pending request holds in the gateway's heap, per byte of its body: the documents of
// its records (decoded, read and mapped as the gateway does, kept as a group keeps them until
// they are written), measured as the heap's growth after full collections, per body byte, for
// protobuf and JSON bodies. With `maxPendingBytes`, it bounds the heap that requests in
// progress can hold (docs/gateway.md, Memory). No database is needed.
// Run: node --expose-gc bench/gateway-memory.ts [--records N] [--quick]
import { hrTime } from '@opentelemetry/core';
import './internals.ts'; // before the modules of src/ below: it completes their imports' extensions
import { type Encoding, requestBody } from './otlp-requests.ts';
import { collectGarbage, fixed, integer, mebibytes, note, parseArgs, printTable } from './support.ts';

const { decodeRequest } = await import('../src/gateway/decode.ts');
const { resolveGatewayOptions } = await import('../src/gateway/options.ts');
const { readLogsRequest } = await import('../src/gateway/otlp-logs.ts');
const { LogPipeline } = await import('../src/pipeline/log-pipeline.ts');

const BATCH = 50;
const args = parseArgs<Record<string, never>>('Gateway heap held per body byte of a pending request', {
  records: 20_000,
  quickRecords: 5_000,
});
const options = resolveGatewayOptions({
  connectionString: 'mongodb://127.0.0.1:1/never-contacted',
  tokens: [{ name: 'bench', app: '*', token: 'bench-token-0123456789abcdef' }],
  stormGuard: false,
});
const silent = { error() {}, warn() {}, info() {}, debug() {}, verbose() {} };

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

function held(encoding: Exclude<Encoding, 'protobuf+gzip'>) {
  const pipeline = new LogPipeline(options.storage, {
    log: silent,
    stormSinks: { summary() {}, failed() {} },
  });
  const bodies = Array.from({ length: Math.ceil(args.records / BATCH) }, (_, r) => {
    const body = requestBody(r, BATCH, encoding);
    return typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  });
  const bodyBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  const before = heapUsed();
  const kept: unknown[][] = [];
  for (const body of bodies) {
    const groups = readLogsRequest(decodeRequest('logs', encoding, body), hrTime());
    kept.push(pipeline.mapGroups(groups).errors);
  }
  const after = heapUsed();
  pipeline.close();
  const documents = kept.reduce((sum, list) => sum + list.length, 0);
  return { bodyBytes, heap: after - before, documents };
}

note(`gateway memory: ${args.records} records, ${BATCH} per request`);
const rows = (['protobuf', 'json'] as const).map((encoding) => {
  const run = held(encoding);
  return [
    encoding === 'json' ? 'JSON' : 'protobuf',
    integer(run.documents),
    mebibytes(run.bodyBytes),
    mebibytes(run.heap),
    fixed(run.heap / run.bodyBytes, 2),
    integer(run.heap / run.documents),
    mebibytes((run.heap / run.bodyBytes) * options.maxPendingBytes),
  ];
});
printTable(
  `Gateway heap held by pending requests (${args.records} records, ${BATCH} per request)`,
  [
    'body',
    'documents',
    'body bytes',
    'heap held',
    'heap per body byte',
    'heap bytes per document',
    `heap at maxPendingBytes (${mebibytes(options.maxPendingBytes)})`,
  ],
  rows,
);
