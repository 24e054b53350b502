import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { AUDIT_LOGGER_NAME } from '../../../src/index';
import { useTestDatabase } from '../../support/database';
import { APP, logsProtobuf, post, startTestGateway } from '../../support/gateway';

const db = useTestDatabase('gateway_once');
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startTestGateway(db.uri, db.name);
});
afterAll(() => gateway?.close());

function metricsRequest(temporality: 1 | 2, value: number, start: string, end: string) {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: APP } },
            { key: 'service.instance.id', value: { stringValue: `instance-${temporality}` } },
          ],
        },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'questoes_criadas',
                sum: {
                  isMonotonic: true,
                  aggregationTemporality: temporality,
                  dataPoints: [{ asInt: String(value), startTimeUnixNano: start, timeUnixNano: end }],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('gateway exactly once', () => {
  it('stores a log request the client sends twice (a retry) once', async () => {
    const body = logsProtobuf([
      { body: 'retried error' },
      { body: 'audit', eventName: 'questao.criada', scope: AUDIT_LOGGER_NAME, severityNumber: 9 },
    ]);
    expect((await post(gateway, '/v1/logs', body)).status).toBe(200);
    expect((await post(gateway, '/v1/logs', body)).status).toBe(200);
    expect(await db.db.collection('errors').countDocuments({ 'erro.mensagem': 'retried error' })).toBe(1);
    expect(await db.db.collection('audit').countDocuments({ acao: 'questao.criada' })).toBe(1);
  });

  it('stores two records that differ only in time as two documents', async () => {
    const at = (time: string) => logsProtobuf([{ body: 'same text', timeUnixNano: time }]);
    await post(gateway, '/v1/logs', at('1767225600000000001'));
    await post(gateway, '/v1/logs', at('1767225600000000002'));
    expect(await db.db.collection('errors').countDocuments({ 'erro.mensagem': 'same text' })).toBe(2);
  });

  it('adds a retried delta metrics export once, and keeps the latest cumulative value', async () => {
    const json = { type: 'application/json' };
    await post(
      gateway,
      '/v1/metrics',
      metricsRequest(1, 2, '1767225600000000000', '1767225610000000000'),
      json,
    );
    await post(
      gateway,
      '/v1/metrics',
      metricsRequest(1, 2, '1767225600000000000', '1767225610000000000'),
      json,
    );
    await post(
      gateway,
      '/v1/metrics',
      metricsRequest(1, 3, '1767225610000000000', '1767225620000000000'),
      json,
    );
    await post(
      gateway,
      '/v1/metrics',
      metricsRequest(2, 4, '1767225600000000000', '1767225610000000000'),
      json,
    );
    await post(
      gateway,
      '/v1/metrics',
      metricsRequest(2, 4, '1767225600000000000', '1767225610000000000'),
      json,
    );
    await post(
      gateway,
      '/v1/metrics',
      metricsRequest(2, 9, '1767225600000000000', '1767225620000000000'),
      json,
    );
    const sessions = await db.db.collection('metrics').find().toArray();
    expect(sessions.map((session) => session.contadores.questoes_criadas).sort()).toEqual([5, 9]);
    const cumulative = sessions.find((session) => session.contadores.questoes_criadas === 9)!;
    expect(cumulative.sessao.inicio).toEqual(new Date(1767225600000));
  });
});
