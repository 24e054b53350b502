import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { useTestDatabase } from '../../support/database';
import { logsProtobuf, post, startTestGateway } from '../../support/gateway';

const db = useTestDatabase('gateway_stats_identity');
let gateway: Gateway | undefined;
afterEach(() => gateway?.close());

describe('the gateway’s storage counters', () => {
  it('count every record received as accepted, and accepted = filtered + written + rejected + failed + spooled + suppressed once all are answered', async () => {
    gateway = await startTestGateway(db.uri, db.name, { stormGuard: false });
    const errors = Array.from({ length: 3 }, (_, i) => ({
      body: `stored ${i}`,
      attributes: { 'error.fingerprint': `identity-${i}` },
    }));
    expect((await post(gateway, '/v1/logs', logsProtobuf(errors))).status).toBe(200);
    // INFO is below the remote level: answered 200, filtered, not stored.
    expect(
      (await post(gateway, '/v1/logs', logsProtobuf([{ body: 'only info', severityNumber: 9 }]))).status,
    ).toBe(200);

    const stats = gateway.counters().storage;
    expect(stats.accepted).toBe(4);
    expect(stats.filtered).toBe(1);
    expect(stats.written).toBe(3);
    expect(stats.accepted).toBe(
      stats.filtered + stats.written + stats.rejected + stats.failed + stats.spooled + stats.suppressed,
    );
  });
});
