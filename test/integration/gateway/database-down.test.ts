import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { AUDIT_LOGGER_NAME } from '../../../src/index';
import { logsProtobuf, post, startTestGateway } from '../../support/gateway';
import { ControlledServer, describeWithPrivateServer } from '../../support/server';

const RECORDS_PER_REQUEST = 20;
const MAX_REQUESTS = 300;
const DRAIN_WAIT_MS = 180_000;

let server: ControlledServer | undefined;
let gateway: Gateway | undefined;
afterAll(async () => {
  await gateway?.close();
  server?.destroy();
});

/** One request of audit records, each carrying its own `seq` attribute to count it by. */
function request(index: number): Uint8Array {
  return logsProtobuf(
    Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => ({
      eventName: 'questao.criada',
      scope: AUDIT_LOGGER_NAME,
      severityNumber: 9,
      attributes: { seq: `${index}-${i}` },
    })),
  );
}

describeWithPrivateServer('gateway while the database is down', () => {
  it(
    'spools requests up to spoolMaxBytes, then answers 503 with Retry-After; once the database is back, exactly the records answered 200 are stored, each once',
    async () => {
      server = new ControlledServer('gateway-down');
      const uri = server.start();
      // The spool limit is what this test is about: small, so that the outage fills it in a few
      // requests. The gateway must refuse new data before the spool would drop accepted data.
      gateway = await startTestGateway(uri, 'gateway_down', { spoolMaxBytes: 64 * 1024 });
      server.stop();

      const accepted: number[] = [];
      const refused: number[] = [];
      let retryAfter: string | null = null;
      for (let index = 0; index < MAX_REQUESTS && refused.length === 0; index++) {
        const response = await post(gateway, '/v1/logs', request(index));
        if (response.status === 200) accepted.push(index);
        else if (response.status === 503) {
          refused.push(index);
          retryAfter = response.headers.get('retry-after');
        } else throw new Error(`unexpected status ${response.status}: ${response.body.toString()}`);
      }
      expect(refused).toHaveLength(1);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(accepted.length).toBeGreaterThan(0);
      expect(gateway.counters().storage.dropped).toBe(0);

      server.start();
      const client = new MongoClient(uri);
      try {
        const audit = client.db('gateway_down').collection('audit');
        const expected = accepted.length * RECORDS_PER_REQUEST;
        const deadline = Date.now() + DRAIN_WAIT_MS;
        while ((await audit.countDocuments()) < expected && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        const bySeq = await audit
          .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$detalhes.seq', n: { $sum: 1 } } }])
          .toArray();
        const stored = new Map(bySeq.map(({ _id, n }) => [_id, n]));
        const wanted = accepted.flatMap((index) =>
          Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => `${index}-${i}`),
        );
        expect(wanted.filter((seq) => stored.get(seq) !== 1)).toEqual([]);
        expect(stored.size).toBe(wanted.length); // nothing of the refused request
        expect(gateway.counters().storage).toMatchObject({ dropped: 0, failed: 0 });
      } finally {
        await client.close();
      }
    },
    DRAIN_WAIT_MS + 120_000,
  );
});
