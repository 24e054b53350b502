import { metrics } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { getAppVersion, getMachineId, MetricsCollector, MongoMetricExporter } from '../../src/index';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase('metrics_plan');

afterAll(() => metrics.disable());

describe("the plan's test script, translated", () => {
  it('start session, increment by 5, time an operation of about 100 ms, end session: the plan document', async () => {
    // As an application would do it: the defaults, the global MeterProvider, the process's session.
    const exporter = new MongoMetricExporter({ connectionString: database.uri, database: database.name });
    const provider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter })] });
    metrics.setGlobalMeterProvider(provider);
    const collector = new MetricsCollector();

    collector.startSession();
    collector.increment('teste', 5);
    await collector.timeOperation('operacao_teste', () => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await collector.endSession()).toBe(true);
    await provider.shutdown();

    const documents = await database.db.collection('metrics').find().toArray();
    expect(documents).toHaveLength(1);
    const document = documents[0]!;
    console.log('plan scenario document:', JSON.stringify(document));
    expect(Object.keys(document).sort()).toEqual(
      [
        '_id',
        'app_nome',
        'app_version',
        'contadores',
        'maquina_id',
        'sessao',
        'sessao_id',
        'timestamp',
        'timings',
        'tipo',
      ].sort(),
    );
    expect(document).toMatchObject({
      maquina_id: getMachineId(),
      app_version: getAppVersion(),
      tipo: 'SESSAO',
      sessao: { ativa: false },
      contadores: { teste: 5 },
    });
    expect(document.timestamp).toBeInstanceOf(Date);
    expect(document.sessao.inicio).toBeInstanceOf(Date);
    expect(document.sessao.fim.getTime()).toBeGreaterThanOrEqual(document.sessao.inicio.getTime() + 90);
    expect(document.sessao.duracao_segundos).toBe(
      Math.floor((document.sessao.fim.getTime() - document.sessao.inicio.getTime()) / 1000),
    );
    const timing = document.timings.operacao_teste;
    expect(Object.keys(timing).sort()).toEqual(['avg_ms', 'count', 'max_ms', 'min_ms', 'total_ms']);
    expect(timing.count).toBe(1);
    expect(timing.min_ms).toBeGreaterThanOrEqual(90);
    expect(timing.min_ms).toBeLessThan(5000);
    expect(timing.max_ms).toBe(timing.min_ms);
    expect(timing.avg_ms).toBe(timing.min_ms);
    expect(Math.round(timing.avg_ms * 100) / 100).toBe(timing.avg_ms);
    expect(
      await database.db.collection('metrics').countDocuments({
        'sessao.duracao_segundos': { $type: 'int' },
        'contadores.teste': { $type: 'int' },
        'timings.operacao_teste.count': { $type: 'int' },
      }),
    ).toBe(1);
  });
});
