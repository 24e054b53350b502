import { DiagLogLevel } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { useTestDatabase } from '../../support/database';
import { captureDiag } from '../../support/diag';
import { logsProtobuf, OTHER_APP, OTHER_TOKEN, post, startTestGateway, TOKEN } from '../../support/gateway';

const db = useTestDatabase('gateway_auth');
let gateway: Gateway;
let limited: Gateway;
const diag = captureDiag(DiagLogLevel.VERBOSE);

beforeAll(async () => {
  gateway = await startTestGateway(db.uri, db.name);
  limited = await startTestGateway(db.uri, db.name, { rateLimitPerSecond: 1 });
});
afterAll(async () => {
  await gateway?.close();
  await limited?.close();
});

const stored = () => db.db.collection('errors').countDocuments();

describe('gateway authentication', () => {
  it('answers 401 without a token, and stores nothing', async () => {
    const response = await post(gateway, '/v1/logs', logsProtobuf([{ body: 'no token' }]), { token: null });
    expect(response.status).toBe(401);
    expect(await stored()).toBe(0);
  });

  it('answers 401 to a wrong token, stores nothing, and logs neither token', async () => {
    const wrong = `${TOKEN.slice(0, -1)}x`;
    const response = await post(gateway, '/v1/logs', logsProtobuf([{ body: 'wrong token' }]), {
      token: wrong,
    });
    expect(response.status).toBe(401);
    expect(response.body.toString()).not.toContain(wrong);
    expect(await stored()).toBe(0);
    expect(diag.text()).not.toContain(wrong);
    expect(diag.text()).not.toContain(TOKEN);
  });

  it("refuses with 403 one app's token writing as another app, and stores nothing", async () => {
    const response = await post(gateway, '/v1/logs', logsProtobuf([{ body: 'as other' }], OTHER_APP), {
      token: TOKEN,
    });
    expect(response.status).toBe(403);
    expect(await stored()).toBe(0);
    const own = await post(gateway, '/v1/logs', logsProtobuf([{ body: 'own app' }], OTHER_APP), {
      token: OTHER_TOKEN,
    });
    expect(own.status).toBe(200);
    expect(await stored()).toBe(1);
  });
});

describe('gateway rate limit', () => {
  it('answers 429 with Retry-After once a token exceeds its rate', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(limited, '/v1/logs', logsProtobuf([{ body: `burst ${i}` }]))),
    );
    const refused = responses.filter((response) => response.status === 429);
    // A burst of twice the rate (2) is allowed at once; the rest wait for the bucket to refill.
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused.every((response) => Number(response.headers.get('retry-after')) >= 1)).toBe(true);
  });

  it("keeps one token's limit from affecting another token", async () => {
    const response = await post(limited, '/v1/logs', logsProtobuf([{ body: 'other' }], OTHER_APP), {
      token: OTHER_TOKEN,
    });
    expect(response.status).toBe(200);
  });
});
