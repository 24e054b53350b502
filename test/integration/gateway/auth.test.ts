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

describe('gateway log of refused requests', () => {
  it("logs repeated 403s of one token as one WARN line naming the token's name, never the token", async () => {
    const fresh = await startTestGateway(db.uri, db.name);
    try {
      for (let i = 0; i < 3; i++) {
        const response = await post(fresh, '/v1/logs', logsProtobuf([{ body: `as other ${i}` }], OTHER_APP), {
          token: TOKEN,
        });
        expect(response.status).toBe(403);
      }
      const warnings = diag.lines.filter((line) => line.startsWith('warn '));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('(403): token "desktop" may not write for service.name "other-app"');
      expect(diag.text()).not.toContain(TOKEN);
    } finally {
      await fresh.close();
    }
  });

  it('logs a 401 with a token that matches none as one WARN line that says it has no name, without the token', async () => {
    const fresh = await startTestGateway(db.uri, db.name);
    const wrong = `${OTHER_TOKEN}-wrong`;
    try {
      for (let i = 0; i < 3; i++) {
        const response = await post(fresh, '/v1/metrics', '{}', { token: wrong, type: 'application/json' });
        expect(response.status).toBe(401);
      }
      const warnings = diag.lines.filter((line) => line.startsWith('warn '));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('refused a request to /v1/metrics (401): a bearer token that matches no');
      expect(warnings[0]).toContain('has no name');
      expect(diag.text()).not.toContain(wrong);
    } finally {
      await fresh.close();
    }
  });
});
