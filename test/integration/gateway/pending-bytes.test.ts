import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { useTestDatabase } from '../../support/database';
import { logsProtobuf, post, startTestGateway, TOKEN } from '../../support/gateway';

const db = useTestDatabase('gateway_pending_bytes');
let gateway: Gateway | undefined;
afterEach(() => gateway?.close());

/** A request whose body is sent in two parts: `send()` sends the rest and resolves with the status. */
function halfSent(url: string, body: Uint8Array, firstBytes: number) {
  const { hostname, port } = new URL(url);
  let status: Promise<number> = Promise.resolve(0);
  const request = httpRequest({
    hostname,
    port,
    path: '/v1/logs',
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-length': body.length,
      authorization: `Bearer ${TOKEN}`,
    },
  });
  status = new Promise((resolve, reject) => {
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
  });
  request.write(body.subarray(0, firstBytes));
  return {
    send: () => {
      request.end(body.subarray(firstBytes));
      return status;
    },
  };
}

/** Waits until the gateway holds at least `bytes` of bodies. */
async function untilHeld(bytes: number): Promise<void> {
  while (gateway!.counters().pending.bodyBytes < bytes)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the gateway’s allowance of body bytes (maxPendingBytes)', () => {
  it('answers 503 with Retry-After and closes the connection while slow uploads hold the allowance, then takes the same request once they are answered', async () => {
    gateway = await startTestGateway(db.uri, db.name, { maxPendingBytes: 4096, stormGuard: false });
    const slowBody = logsProtobuf([
      { body: `slow ${'x'.repeat(6000)}`, attributes: { 'error.fingerprint': 'slow' } },
    ]);
    const slow = halfSent(gateway.url, slowBody, 3000);
    await untilHeld(3000);

    const quick = logsProtobuf([
      { body: 'quick '.repeat(250), attributes: { 'error.fingerprint': 'quick' } },
    ]);
    const refused = await post(gateway, '/v1/logs', quick);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.body.toString()).toContain('body bytes of requests not yet answered');

    // The slow request alone passes the limit: nobody else holds anything once the quick one is refused.
    expect(await slow.send()).toBe(200);
    expect(gateway.counters().pending).toEqual({ records: 0, bodyBytes: 0 });
    expect((await post(gateway, '/v1/logs', quick)).status).toBe(200);
    expect(await db.db.collection('errors').countDocuments()).toBe(2);
  });

  it('holds nothing after refused, failed and answered requests', async () => {
    gateway = await startTestGateway(db.uri, db.name, { maxBodyBytes: 2048, stormGuard: false });
    expect((await post(gateway, '/v1/logs', Buffer.alloc(4096, 1))).status).toBe(413);
    expect((await post(gateway, '/v1/logs', Buffer.from([0xff, 0xff, 0xff]))).status).toBe(400);
    expect((await post(gateway, '/v1/logs', logsProtobuf([{ body: 'ok' }]))).status).toBe(200);
    expect(gateway.counters().pending).toEqual({ records: 0, bodyBytes: 0 });
  });
});
