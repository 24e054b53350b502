import { gzipSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayCounters } from '../../../src/gateway';
import { OtlpTypes } from '../../../src/gateway/otlp-schema';
import { useTestDatabase } from '../../support/database';
import { logsJson, logsProtobuf, post, startTestGateway } from '../../support/gateway';

const db = useTestDatabase('gateway_protocol');
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startTestGateway(db.uri, db.name, { maxBodyBytes: 64 * 1024 });
});
afterAll(() => gateway?.close());

const errorsStored = () => db.db.collection('errors').countDocuments();

describe('gateway OTLP/HTTP protocol', () => {
  it('answers 200 with an empty protobuf ExportLogsServiceResponse and stores the record', async () => {
    const response = await post(gateway, '/v1/logs', logsProtobuf([{ body: 'protobuf record' }]));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(OtlpTypes.logsResponse.toObject(OtlpTypes.logsResponse.decode(response.body))).toEqual({});
    expect(await db.db.collection('errors').findOne({ 'erro.mensagem': 'protobuf record' })).not.toBeNull();
  });

  it('answers JSON to a JSON request', async () => {
    const response = await post(gateway, '/v1/logs', JSON.stringify(logsJson([{ body: 'json record' }])), {
      type: 'application/json',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({});
    expect(await db.db.collection('errors').findOne({ 'erro.mensagem': 'json record' })).not.toBeNull();
  });

  it.each(['gzip', 'deflate'])('reads a %s-compressed body', async (encoding) => {
    const raw = logsProtobuf([{ body: `compressed ${encoding}` }]);
    const body = encoding === 'gzip' ? gzipSync(raw) : deflateSync(raw);
    const response = await post(gateway, '/v1/logs', body, { encoding });
    expect(response.status).toBe(200);
    expect(
      await db.db.collection('errors').findOne({ 'erro.mensagem': `compressed ${encoding}` }),
    ).not.toBeNull();
  });

  it('answers 200 with partial_success counting log records it could not map', async () => {
    // A record whose message cannot be mapped does not exist in valid OTLP; summaries are the refusable case.
    const request = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mathbank-desktop' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'latency',
                  summary: { dataPoints: [{ count: '1', sum: 2, timeUnixNano: '1767225600000000000' }] },
                },
                {
                  name: 'cliques',
                  sum: {
                    isMonotonic: true,
                    aggregationTemporality: 2,
                    dataPoints: [{ asInt: '3', timeUnixNano: '1767225600000000000' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post(gateway, '/v1/metrics', JSON.stringify(request), {
      type: 'application/json',
    });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body.toString());
    expect(body.partialSuccess.rejectedDataPoints).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(/summary/);
  });

  it('answers 400 to a body that is not the message it claims to be', async () => {
    const before = await errorsStored();
    const truncated = logsProtobuf([{ body: 'x'.repeat(200) }]).subarray(0, 60);
    expect((await post(gateway, '/v1/logs', truncated)).status).toBe(400);
    expect((await post(gateway, '/v1/logs', '{"resourceLogs": [', { type: 'application/json' })).status).toBe(
      400,
    );
    expect(
      (await post(gateway, '/v1/logs', '{"resourceLogs": 5}', { type: 'application/json' })).status,
    ).toBe(400);
    expect((await post(gateway, '/v1/logs', Buffer.from('not gzip'), { encoding: 'gzip' })).status).toBe(400);
    expect(await errorsStored()).toBe(before);
  });

  it('answers 413 beyond the body limit, before and after decompression', async () => {
    const big = logsProtobuf([{ body: 'x'.repeat(100 * 1024) }]);
    expect((await post(gateway, '/v1/logs', big)).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MB of zeros, ~50 KB compressed
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await post(gateway, '/v1/logs', bomb, { encoding: 'gzip' })).status).toBe(413);
  });

  it('answers 415 to an unknown content type or content encoding', async () => {
    expect((await post(gateway, '/v1/logs', 'a', { type: 'text/plain' })).status).toBe(415);
    expect((await post(gateway, '/v1/logs', logsProtobuf([{}]), { encoding: 'br' })).status).toBe(415);
  });

  it('answers 404 to an unknown path and 405 to GET on a signal path', async () => {
    expect((await post(gateway, '/v1/traces', logsProtobuf([{}]))).status).toBe(404);
    expect((await fetch(`${gateway.url}/v1/logs`)).status).toBe(405);
  });

  it('serves liveness, readiness reflecting MongoDB, and its counters', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const stats = (await (await fetch(`${gateway.url}/stats`)).json()) as GatewayCounters;
    expect(stats.requests['200']).toBeGreaterThan(0);
    expect(stats.requests['413']).toBe(2);
    expect(stats.storage.written).toBeGreaterThan(0);
  });
});
