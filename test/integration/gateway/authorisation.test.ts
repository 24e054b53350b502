// Every way the gateway decides who may write, each with its counterpart (see docs/gateway.md, "Tokens").
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../src/gateway';
import { OtlpTypes } from '../../../src/gateway/otlp-schema';
import { useTestDatabase } from '../../support/database';
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

const db = useTestDatabase('gateway_authorisation');
const ANY_TOKEN = 'relay-token-0123456789abcdef';
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startTestGateway(db.uri, db.name, {
    tokens: [
      { name: 'desktop', app: APP, token: TOKEN },
      { name: 'other', app: OTHER_APP, token: OTHER_TOKEN },
      { name: 'relay', app: '*', token: ANY_TOKEN },
    ],
  });
});
afterAll(() => gateway?.close());
beforeEach(async () => {
  await db.db.collection('errors').deleteMany({});
  await db.db.collection('metrics').deleteMany({});
});

/** Distinct fingerprints: the storm guard folds repeats of one error (digits aside), even after a deleteMany. */
let sequence = 0;

const storedErrors = () => db.db.collection('errors').countDocuments();
const storedMetrics = () => db.db.collection('metrics').countDocuments();

/** One OTLP/JSON logs request with one record per app, resources in the order given. */
function mixedLogs(apps: (string | undefined)[]): Uint8Array {
  const resourceLogs = apps.map((app, i) => {
    const one = logsJson(
      [{ body: `record of resource ${i}`, attributes: { 'error.fingerprint': `auth-${++sequence}` } }],
      app ?? 'unused',
    ).resourceLogs[0]!;
    if (app === undefined) {
      one.resource.attributes = one.resource.attributes.filter((kv) => kv.key !== 'service.name');
    }
    return one;
  });
  const type = OtlpTypes.logsRequest;
  return type.encode(type.fromObject({ resourceLogs })).finish();
}

/** One OTLP/JSON metrics request with one monotonic sum per app, resources in the order given. */
function mixedMetrics(apps: string[]): string {
  return JSON.stringify({
    resourceMetrics: apps.map((app, i) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: app } },
          { key: 'service.instance.id', value: { stringValue: `instance-${++sequence}-${i}` } },
        ],
      },
      scopeMetrics: [
        {
          metrics: [
            {
              name: 'questoes_criadas',
              sum: {
                isMonotonic: true,
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    asInt: '1',
                    startTimeUnixNano: '1767225600000000000',
                    timeUnixNano: '1767225610000000000',
                  },
                ],
              },
            },
          ],
        },
      ],
    })),
  });
}

/**
 * A POST over its own connection with the header lines exactly as given (`fetch` would merge two
 * `Authorization` headers into one line).
 */
function rawPost(
  target: Gateway,
  path: string,
  body: Uint8Array,
  headers: [string, string][],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // With headers as an array, Node adds none of its own: Host and the length are given here.
    const flat = [
      ['host', new URL(target.url).host],
      ['content-type', 'application/x-protobuf'],
      ['content-length', String(body.length)],
      ...headers,
    ].flat();
    const request = httpRequest(`${target.url}${path}`, { method: 'POST', headers: flat, agent: false });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.end(body);
  });
}

describe('gateway authorisation: which bearer tokens are accepted', () => {
  it.each([
    ['a prefix of the token (all but the last character)', TOKEN.slice(0, -1)],
    ['the first 16 characters of the token', TOKEN.slice(0, 16)],
    ['a suffix of the token (all but the first character)', TOKEN.slice(1)],
    ['the token with one character appended', `${TOKEN}0`],
    ['the token in upper case', TOKEN.toUpperCase()],
    ['the token with its first letter in upper case', TOKEN[0]!.toUpperCase() + TOKEN.slice(1)],
    ['two valid tokens joined', `${TOKEN}${OTHER_TOKEN}`],
  ])('answers 401 to %s, and stores nothing', async (_label, token) => {
    const response = await post(gateway, '/v1/logs', logsProtobuf([{ body: 'variant' }]), { token });
    expect(response.status).toBe(401);
    expect(await storedErrors()).toBe(0);
  });

  it.each([
    ['"Bearer " with an empty token', 'Bearer '],
    ['"Bearer" alone', 'Bearer'],
    ['a bare token without the Bearer scheme', TOKEN],
    ['the Basic scheme carrying the token', `Basic ${TOKEN}`],
    ['the token followed by a second word', `Bearer ${TOKEN} extra`],
  ])('answers 401 to the header %s, and stores nothing', async (_label, header) => {
    const response = await rawPost(gateway, '/v1/logs', logsProtobuf([{ body: 'bad header' }]), [
      ['authorization', header],
    ]);
    expect(response.status).toBe(401);
    expect(await storedErrors()).toBe(0);
  });

  it('accepts the exact token with the scheme in any case (RFC 9110: the scheme is case-insensitive)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const response = await rawPost(gateway, '/v1/logs', logsProtobuf([{ body: `scheme ${scheme}` }]), [
        ['authorization', `${scheme} ${TOKEN}`],
      ]);
      expect(response.status).toBe(200);
    }
    expect(await storedErrors()).toBe(3);
  });

  it.each([
    ['the first valid, the second invalid', TOKEN, 'wrong-token-0123456789abcdef'],
    ['the first invalid, the second valid', 'wrong-token-0123456789abcdef', TOKEN],
    ['both valid, for different apps', TOKEN, OTHER_TOKEN],
    ['both the same valid token', TOKEN, TOKEN],
  ])(
    'answers 401 to two Authorization header lines (%s), and stores nothing',
    async (_label, first, second) => {
      const response = await rawPost(gateway, '/v1/logs', logsProtobuf([{ body: 'two headers' }]), [
        ['authorization', `Bearer ${first}`],
        ['authorization', `Bearer ${second}`],
      ]);
      expect(response.status).toBe(401);
      expect(await storedErrors()).toBe(0);
    },
  );
});

describe("gateway authorisation: a token writes only for its app's resources", () => {
  it.each([
    ['the own app first, another app second', [APP, OTHER_APP]],
    ['another app first, the own app second', [OTHER_APP, APP]],
    ['the own app twice, then another app', [APP, APP, OTHER_APP]],
    ['the own app first, a resource without service.name second', [APP, undefined]],
    ['the own app first, a resource named "*" second', [APP, '*']],
  ])('refuses logs mixing apps (%s) with 403, and stores none of them', async (_label, apps) => {
    const response = await post(gateway, '/v1/logs', mixedLogs(apps), { token: TOKEN });
    expect(response.status).toBe(403);
    expect(await storedErrors()).toBe(0);
  });

  it.each([
    ['the own app first, another app second', [APP, OTHER_APP]],
    ['another app first, the own app second', [OTHER_APP, APP]],
    ['the own app first, a resource named "*" second', [APP, '*']],
  ])('refuses metrics mixing apps (%s) with 403, and stores none of them', async (_label, apps) => {
    const response = await post(gateway, '/v1/metrics', mixedMetrics(apps), {
      token: TOKEN,
      type: 'application/json',
    });
    expect(response.status).toBe(403);
    expect(await storedMetrics()).toBe(0);
  });

  it('stores logs and metrics of several resources that all name the own app', async () => {
    expect((await post(gateway, '/v1/logs', mixedLogs([APP, APP]), { token: TOKEN })).status).toBe(200);
    expect(await storedErrors()).toBe(2);
    const metrics = await post(gateway, '/v1/metrics', mixedMetrics([APP, APP]), {
      token: TOKEN,
      type: 'application/json',
    });
    expect(metrics.status).toBe(200);
    expect(await storedMetrics()).toBe(2);
  });

  it('lets a "*" token write logs and metrics for several apps in one request', async () => {
    const logs = await post(gateway, '/v1/logs', mixedLogs([APP, OTHER_APP, 'third-app']), {
      token: ANY_TOKEN,
    });
    expect(logs.status).toBe(200);
    expect(await storedErrors()).toBe(3);
    const metrics = await post(gateway, '/v1/metrics', mixedMetrics([APP, OTHER_APP]), {
      token: ANY_TOKEN,
      type: 'application/json',
    });
    expect(metrics.status).toBe(200);
    expect(await storedMetrics()).toBe(2);
  });

  it("stores each app's own name as app_nome, and the resource session.id as sessao_id, in every document", async () => {
    const own = await post(
      gateway,
      '/v1/logs',
      logsProtobuf([{ attributes: { 'error.fingerprint': `name-${++sequence}` } }], APP, {
        'session.id': 's-desktop',
      }),
      { token: TOKEN },
    );
    const other = await post(
      gateway,
      '/v1/logs',
      logsProtobuf([{ attributes: { 'error.fingerprint': `name-${++sequence}` } }], OTHER_APP),
      { token: OTHER_TOKEN },
    );
    expect([own.status, other.status]).toEqual([200, 200]);
    const metrics = await post(gateway, '/v1/metrics', mixedMetrics([APP, OTHER_APP]), {
      token: ANY_TOKEN,
      type: 'application/json',
    });
    expect(metrics.status).toBe(200);
    const errors = await db.db
      .collection('errors')
      .find({}, { projection: { _id: 0, app_nome: 1, sessao_id: 1 } })
      .toArray();
    expect(errors).toEqual(
      expect.arrayContaining([{ app_nome: APP, sessao_id: 's-desktop' }, { app_nome: OTHER_APP }]),
    );
    expect(errors).toHaveLength(2);
    const sessions = await db.db
      .collection('metrics')
      .find({}, { projection: { _id: 0, app_nome: 1 } })
      .toArray();
    expect(sessions.map((session) => session.app_nome).sort()).toEqual([APP, OTHER_APP].sort());
  });

  it('refuses with 403 a resource whose service.name comes only through a __proto__ attribute', async () => {
    const json = logsJson([{ body: 'inherited app' }], APP);
    json.resourceLogs[0]!.resource.attributes = [
      {
        key: '__proto__',
        value: { kvlistValue: { values: [{ key: 'service.name', value: { stringValue: APP } }] } },
      },
    ] as unknown as (typeof json.resourceLogs)[0]['resource']['attributes'];
    const response = await post(gateway, '/v1/logs', JSON.stringify(json), {
      token: TOKEN,
      type: 'application/json',
    });
    expect(response.status).toBe(403);
    expect(await storedErrors()).toBe(0);
  });

  it('does not let a resource named "*" widen a token bound to one app', async () => {
    const response = await post(gateway, '/v1/logs', mixedLogs(['*']), { token: TOKEN });
    expect(response.status).toBe(403);
    expect(await storedErrors()).toBe(0);
  });
});

describe('gateway authorisation: the token file', () => {
  it('is read once at start: a token added or removed while running takes effect only on restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-tokens-'));
    const file = join(dir, 'tokens');
    writeFileSync(file, `desktop ${APP} ${TOKEN}\n`);
    const fromFile = await startGateway({
      connectionString: db.uri,
      database: db.name,
      port: 0,
      spoolDir: join(dir, 'spool'),
      tokensFile: file,
    });
    try {
      writeFileSync(file, `other ${OTHER_APP} ${OTHER_TOKEN}\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const removed = await post(fromFile, '/v1/logs', logsProtobuf([{ body: 'old token' }]), {
        token: TOKEN,
      });
      const added = await post(fromFile, '/v1/logs', logsProtobuf([{ body: 'new' }], OTHER_APP), {
        token: OTHER_TOKEN,
      });
      expect(removed.status).toBe(200);
      expect(added.status).toBe(401);
    } finally {
      await fromFile.close();
    }
  });
});

describe('gateway rate limit: per token, not per connection', () => {
  let limited: Gateway;
  beforeAll(async () => {
    limited = await startTestGateway(db.uri, db.name, { rateLimitPerSecond: 1 });
  });
  afterAll(() => limited?.close());

  it('counts requests of one token over separate connections against one bucket', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // agent: false opens a new TCP connection (a new source port) for every request.
      const response = await rawPost(limited, '/v1/logs', logsProtobuf([{ body: `conn ${i}` }]), [
        ['authorization', `Bearer ${TOKEN}`],
      ]);
      statuses.push(response.status);
    }
    // Burst 2 at 1/s: at most 3 of 6 quick requests pass whatever connection they use.
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
  });

  it("keeps another token's requests on the same keep-alive connection outside the limited token's bucket", async () => {
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (token: string, app: string) =>
      new Promise<{ status: number; port: number }>((resolve, reject) => {
        const request = httpRequest(`${limited.url}/v1/logs`, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
        });
        request.on('error', reject);
        request.on('response', (response) => {
          const port = response.socket.localPort ?? 0;
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, port }));
        });
        request.end(logsProtobuf([{ body: 'keep-alive' }], app));
      });
    try {
      const desktop = [];
      for (let i = 0; i < 4; i++) desktop.push(await send(TOKEN, APP));
      const other = await send(OTHER_TOKEN, OTHER_APP);
      expect(desktop.map((r) => r.status)).toContain(429);
      expect(other.status).toBe(200);
      // The same connection carried them all: the bucket is the token's, not the connection's.
      expect(new Set([...desktop, other].map((r) => r.port)).size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
