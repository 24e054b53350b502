import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { useTestDatabase } from '../../support/database';
import { logsJson, logsProtobuf, post, startTestGateway } from '../../support/gateway';

const db = useTestDatabase('gateway_hostile');
let gateway: Gateway;

beforeAll(async () => {
  // Storms are folded by the storm guard; here every valid record must be a document of its own.
  gateway = await startTestGateway(db.uri, db.name, { stormGuard: false });
});
afterAll(() => gateway?.close());

/** 1 GiB of zeros as 64 concatenated gzip members (~1 MB): gunzip reads them as one stream. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array(64).fill(member));
}

/** A length-delimited protobuf field. */
function field(number: number, bytes: Uint8Array): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32((number << 3) | 2).bytes(bytes);
  return writer.finish();
}

/** A logs request whose one record's body is a string wrapped in `depth` arrays (built outside in, in linear time). */
function nestedProtobuf(depth: number): Uint8Array {
  const inner = field(1, new TextEncoder().encode('x')); // AnyValue.string_value
  const headers: Uint8Array[] = [];
  let length = inner.length;
  for (let i = 0; i < depth; i++) {
    for (const number of [1, 5]) {
      // ArrayValue.values, then AnyValue.array_value
      const header = protobuf.Writer.create()
        .uint32((number << 3) | 2)
        .uint32(length)
        .finish();
      headers.push(header);
      length += header.length;
    }
  }
  const value = Buffer.concat([...headers.reverse(), inner]);
  return field(1, field(2, field(2, field(5, value)))); // request.resource_logs.scope_logs.log_records.body
}

function nestedJson(depth: number): string {
  return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}}]}]}]}`;
}

/** A protobuf string field holding bytes that are not UTF-8. */
function invalidUtf8Protobuf(): Uint8Array {
  const valid = logsProtobuf([{ body: 'AAAA' }]);
  const at = Buffer.from(valid).indexOf('AAAA');
  const bytes = Buffer.from(valid);
  bytes[at] = 0xff;
  bytes[at + 1] = 0xfe;
  return bytes;
}

const HOSTILE: [string, () => Promise<number>][] = [
  [
    'a gzip bomb (1 GB of zeros)',
    async () => (await post(gateway, '/v1/logs', gzipBomb(), { encoding: 'gzip' })).status,
  ],
  [
    'protobuf values nested 100 000 deep',
    async () => (await post(gateway, '/v1/logs', nestedProtobuf(100_000))).status,
  ],
  [
    'protobuf values nested 40 deep',
    async () => (await post(gateway, '/v1/logs', nestedProtobuf(40))).status,
  ],
  [
    'JSON values nested 100 000 deep',
    async () => (await post(gateway, '/v1/logs', nestedJson(100_000), { type: 'application/json' })).status,
  ],
  [
    'an attribute larger than the body limit',
    async () =>
      (await post(gateway, '/v1/logs', logsProtobuf([{ attributes: { big: 'x'.repeat(5 * 1024 * 1024) } }])))
        .status,
  ],
  [
    'invalid UTF-8 in a protobuf string',
    async () => (await post(gateway, '/v1/logs', invalidUtf8Protobuf())).status,
  ],
  [
    'invalid UTF-8 in a JSON body',
    async () =>
      (
        await post(
          gateway,
          '/v1/logs',
          Buffer.concat([
            Buffer.from('{"resourceLogs":[],"x":"'),
            Buffer.from([0xc3, 0x28]),
            Buffer.from('"}'),
          ]),
          { type: 'application/json' },
        )
      ).status,
  ],
  [
    'truncated protobuf',
    async () =>
      (await post(gateway, '/v1/logs', logsProtobuf([{ body: 'y'.repeat(300) }]).subarray(0, 100))).status,
  ],
  [
    'a trace id of the wrong length',
    async () => {
      const json = logsJson([{}]);
      (json.resourceLogs[0]!.scopeLogs[0]!.logRecords[0] as Record<string, unknown>).traceId = 'abc';
      return (await post(gateway, '/v1/logs', JSON.stringify(json), { type: 'application/json' })).status;
    },
  ],
];

describe('gateway under hostile input', () => {
  it.each(HOSTILE)('answers %s with a 4xx and stays up', async (_name, send) => {
    const status = await send();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('keeps serving a valid client while every hostile request arrives at once', async () => {
    const hostile = Promise.all(HOSTILE.map(([, send]) => send()));
    const valid: number[] = [];
    for (let i = 0; i < 20; i++)
      valid.push((await post(gateway, '/v1/logs', logsProtobuf([{ body: `valid ${i}` }]))).status);
    const statuses = await hostile;
    expect(valid).toEqual(Array(20).fill(200));
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    expect(await db.db.collection('errors').countDocuments({ 'erro.mensagem': /^valid / })).toBe(20);
    expect(await db.db.collection('errors').countDocuments({ 'erro.mensagem': { $not: /^valid / } })).toBe(0);
  });
});

describe('gateway and attribute names of Object.prototype', () => {
  it('stores dotted attribute names through __proto__ under the encoded segment, leaving Object.prototype alone', async () => {
    const json = logsJson([{ body: 'proto names' }]);
    json.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes.push(
      { key: '__proto__.polluted', value: { stringValue: 'yes' } },
      { key: 'a.__proto__.polluted', value: { stringValue: 'nested' } },
    );
    const response = await post(gateway, '/v1/logs', JSON.stringify(json), { type: 'application/json' });
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const stored = await db.db.collection('errors').findOne({ 'erro.mensagem': 'proto names' });
    expect(stored?.contexto).toEqual({
      '%5F_proto__': { polluted: 'yes' },
      a: { '%5F_proto__': { polluted: 'nested' } },
    });
  });
});
