// Property-based: whatever body a client sends, the gateway answers 2xx, or 4xx with nothing
// stored; never 5xx, a crash or a hang, and a valid client sending at the same time is served.
// Fixed seeds and bounded runs, so that a failure is reproducible and the file stays fast.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { decodeKey } from '../../../src/document/keys';
import { OtlpTypes } from '../../../src/gateway/otlp-schema';
import { useTestDatabase } from '../../support/database';
import { captureDiag } from '../../support/diag';
import {
  APP,
  logsJson,
  logsProtobuf,
  OTHER_APP,
  OTHER_TOKEN,
  post,
  startTestGateway,
  TOKEN,
} from '../../support/gateway';

const db = useTestDatabase('gateway_fuzz');
const diag = captureDiag();
let gateway: Gateway;
const RUNS = 100;
const SEED = 20_261_203;
const CONTROL_VERSION = 'control-client';

beforeAll(async () => {
  gateway = await startTestGateway(db.uri, db.name, { rateLimitPerSecond: 0 });
});
afterAll(() => gateway?.close());
// Counting stays cheap while the collections stay small: empty them before every property.
beforeEach(async () => {
  for (const name of ['errors', 'audit', 'metrics']) await db.db.collection(name).deleteMany({});
});

/** Documents stored from fuzzed requests: all but the control client's. */
async function fuzzDocuments(): Promise<number> {
  const filter = { app_version: { $ne: CONTROL_VERSION } };
  const counts = await Promise.all(
    ['errors', 'audit', 'metrics'].map((name) => db.db.collection(name).countDocuments(filter)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

let controlSequence = 0;
/** A valid request of another app's client, sent while the fuzzed one is in flight. */
function control() {
  controlSequence++;
  const body = logsProtobuf(
    [{ body: 'control', attributes: { 'error.fingerprint': `control-${controlSequence}` } }],
    OTHER_APP,
    { 'service.version': CONTROL_VERSION },
  );
  return post(gateway, '/v1/logs', body, { token: OTHER_TOKEN });
}

/** The fuzzed requests' outcomes in the current property: each must see both, or it tests little. */
const outcomes = { accepted: 0, refused: 0 };
function expectBothOutcomes(): void {
  beforeEach(() => {
    outcomes.accepted = 0;
    outcomes.refused = 0;
  });
  afterEach(() => {
    expect(outcomes.accepted, 'requests answered 2xx').toBeGreaterThan(0);
    expect(outcomes.refused, 'requests answered 4xx').toBeGreaterThan(0);
  });
}

/** Sends one fuzzed body with a valid control request beside it, and checks the property. */
async function check(
  path: '/v1/logs' | '/v1/metrics',
  body: Uint8Array | string,
  type: string,
  encoding?: string,
) {
  const before = await fuzzDocuments();
  const headers: Record<string, string> = { 'content-type': type, authorization: `Bearer ${TOKEN}` };
  if (encoding) headers['content-encoding'] = encoding;
  const [fuzzed, beside] = await Promise.all([
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000), // a hang fails the property
    }).then(async (response) => ({ status: response.status, text: await response.text() })),
    control(),
  ]);
  expect(fuzzed.status, fuzzed.text).toBeLessThan(500);
  expect(fuzzed.status).toBeGreaterThanOrEqual(200);
  outcomes[fuzzed.status >= 400 ? 'refused' : 'accepted']++;
  if (fuzzed.status >= 400) expect(await fuzzDocuments(), `${fuzzed.status} ${fuzzed.text}`).toBe(before);
  expect(beside.status).toBe(200);
  await db.db.collection('errors').deleteMany({ app_version: CONTROL_VERSION });
  expect(diag.text()).not.toContain('unexpected failure');
  expect(Object.keys(Object.prototype), 'Object.prototype polluted').toEqual([]);
}

// Valid requests to mutate: several kinds of record and point, so that mutations reach every reader.
const validLogs = logsJson(
  [
    { body: 'falhou', attributes: { 'user.id': '7', 'http.route': '/q/:id' } },
    { body: 'audit', eventName: 'questao.criada', scope: 'audit', severityNumber: 9 },
  ],
  APP,
  { 'host.name': 'pc-1', 'process.runtime.name': 'cpython' },
);
// Every AnyValue kind, so that a mutation can reach every branch of the value reader.
validLogs.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes.push(
  ...([
    { key: 'flag', value: { boolValue: true } },
    { key: 'count', value: { intValue: '42' } },
    { key: 'ratio', value: { doubleValue: 0.25 } },
    { key: 'raw', value: { bytesValue: 'AQID' } },
    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
  ] as unknown as { key: string; value: { stringValue: string } }[]),
);
const point = { startTimeUnixNano: '1767225600000000000', timeUnixNano: '1767225610000000000' };
const validMetrics = {
  resourceMetrics: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: APP } },
          { key: 'service.instance.id', value: { stringValue: 'fuzz-instance' } },
        ],
      },
      scopeMetrics: [
        {
          scope: { name: 'app' },
          metrics: [
            {
              name: 'questoes_criadas',
              sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [{ asInt: '3', ...point }] },
            },
            { name: 'memoria', unit: 'By', gauge: { dataPoints: [{ asDouble: 1.5, ...point }] } },
            {
              name: 'latencia',
              unit: 'ms',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: [{ count: '2', sum: 30, min: 10, max: 20, ...point }],
              },
            },
            { name: 'resumo', summary: { dataPoints: [{ count: '1', sum: 2, ...point }] } },
          ],
        },
      ],
    },
  ],
};
const VALID_JSON = { '/v1/logs': validLogs, '/v1/metrics': validMetrics } as const;
const VALID_PROTOBUF = {
  '/v1/logs': OtlpTypes.logsRequest.encode(OtlpTypes.logsRequest.fromObject(validLogs)).finish(),
  '/v1/metrics': OtlpTypes.metricsRequest.encode(OtlpTypes.metricsRequest.fromObject(validMetrics)).finish(),
};

/** Byte-level edits: flip, insert, delete, or cut the rest. */
const byteEdit = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('flip', 'insert', 'delete', 'truncate'),
  byte: fc.integer({ min: 0, max: 255 }),
});
const byteEdits = fc.array(byteEdit, { minLength: 1, maxLength: 8 });

function mutateBytes(base: Uint8Array, edits: { at: number; op: string; byte: number }[]): Uint8Array {
  const bytes = [...base];
  for (const { at, op, byte } of edits) {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (op === 'flip') bytes[i] = (bytes[i] ?? 0) ^ (byte || 1);
    else if (op === 'insert') bytes.splice(i, 0, byte);
    else if (op === 'delete') bytes.splice(i, 1);
    else bytes.length = i;
  }
  return Uint8Array.from(bytes);
}

/** Every path of a JSON tree, parents before children. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** The tree with the value at one path replaced by `replacement` (or removed when it is undefined). */
function replaceAt(tree: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(tree) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/** JSON values a reader may choke on: wrong types, huge and odd numbers, deep nesting. */
const hostileJsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    '-1',
    '18446744073709551616',
    '1e400',
    'NaN',
    -1,
    1e308,
    2 ** 64,
    0.5,
    true,
    null,
    [],
    {},
    '__proto__',
    { __proto__: { polluted: true } },
    { stringValue: 1 },
    { boolValue: 'true' },
    { doubleValue: 'x' },
    { intValue: 'x' },
    { arrayValue: { values: [{ kvlistValue: { values: [{ key: 1 }] } }] } },
    { bytesValue: '!!notbase64' },
    { key: '__proto__.polluted', value: { stringValue: 'yes' } },
    {
      key: '__proto__',
      value: { kvlistValue: { values: [{ key: 'service.name', value: { stringValue: APP } }] } },
    },
  ),
);

const signals = ['/v1/logs', '/v1/metrics'] as const;

describe.each(signals)('gateway fuzzing of %s (each property sees both 2xx and 4xx answers)', (path) => {
  expectBothOutcomes();

  it('answers arbitrary protobuf bytes with 2xx, or 4xx storing nothing; never 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), (body) =>
        check(path, body, 'application/x-protobuf'),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers byte-mutated valid protobuf with 2xx, or 4xx storing nothing; never 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(byteEdits, (edits) =>
        check(path, mutateBytes(VALID_PROTOBUF[path], edits), 'application/x-protobuf'),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers gzip bodies, mutated before or after compression, with 2xx, or 4xx storing nothing; never 5xx', async () => {
    const plain = VALID_PROTOBUF[path];
    const compressed = gzipSync(plain);
    await fc.assert(
      // Up to 3 edits, none included: a compressed body that decodes must be seen too.
      fc.asyncProperty(fc.array(byteEdit, { maxLength: 3 }), fc.boolean(), (edits, afterCompression) => {
        const body = afterCompression ? mutateBytes(compressed, edits) : gzipSync(mutateBytes(plain, edits));
        return check(path, body, 'application/x-protobuf', 'gzip');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers arbitrary JSON and arbitrary text with 2xx, or 4xx storing nothing; never 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ unit: 'binary' })), (text) =>
        check(path, text, 'application/json'),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers valid OTLP/JSON with one value replaced or removed with 2xx, or 4xx storing nothing', async () => {
    const base = VALID_JSON[path];
    const paths = pathsOf(base);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: paths.length - 1 }),
        fc.option(hostileJsonValue, { nil: undefined, freq: 4 }),
        (index, replacement) =>
          check(path, JSON.stringify(replaceAt(base, paths[index]!, replacement) ?? {}), 'application/json'),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers byte-mutated valid OTLP/JSON with 2xx, or 4xx storing nothing; never 5xx or a hang', async () => {
    const base = new TextEncoder().encode(JSON.stringify(VALID_JSON[path]));
    await fc.assert(
      fc.asyncProperty(byteEdits, (edits) => check(path, mutateBytes(base, edits), 'application/json')),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/** The leaves of a stored tree as (dotted name, value), each key decoded. */
function storedLeaves(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, item]) =>
    storedLeaves(item, prefix === '' ? decodeKey(key) : `${prefix}.${decodeKey(key)}`),
  );
}

describe('gateway fuzzing of attribute names', () => {
  let sequence = 0;
  // Names made of what the key encoding is about, Object.prototype's names among them.
  const name = fc.string({
    unit: fc.constantFrom('.', '$', '%', '\0', '2', 'E', '0', 'x', '__proto__', 'constructor', 'toString'),
    minLength: 1,
    maxLength: 5,
  });

  it('stores every attribute name a client sends, nested or encoded, and Object.prototype stays untouched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), async (names) => {
        const body = `names ${++sequence}`;
        const json = logsJson([{ body, attributes: { 'error.fingerprint': `names-${sequence}` } }]);
        const attributes = json.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes;
        names.forEach((key, i) => attributes.push({ key, value: { stringValue: `v${i}` } }));
        const response = await post(gateway, '/v1/logs', JSON.stringify(json), { type: 'application/json' });
        expect(response.status).toBe(200);
        expect(Object.keys(Object.prototype), 'Object.prototype polluted').toEqual([]);
        const stored = await db.db.collection('errors').findOne({ 'erro.mensagem': body });
        const sent = names.map((key, i) => [key, `v${i}`]);
        const byName = (a: unknown[], b: unknown[]) => (String(a[0]) < String(b[0]) ? -1 : 1);
        expect(storedLeaves(stored?.contexto ?? {}).sort(byName)).toEqual(sent.sort(byName));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
