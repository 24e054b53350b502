import { metrics } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { SessionAccumulator } from '../../../src/metrics/accumulator';
import { MetricsCollector } from '../../../src/metrics/collector';
import { type MetricsSession, SessionRegistry, withSessionRegistry } from '../../../src/resource/session';
import { toSessionDocument } from '../../../src/metrics/transform';
import { METRICS_TEST_RESOURCE, meterPipeline } from '../../fixtures/metrics-reader';
import { captureDiag } from '../../support/diag';
import { SanitizeReport } from '../../../src/document/sanitize-report';

const diagOutput = captureDiag();

function setup(options: { metricsEnabled?: boolean } = {}) {
  const pipeline = meterPipeline();
  const sessions = new SessionRegistry();
  const collector = withSessionRegistry(
    sessions,
    () => new MetricsCollector({ meterProvider: pipeline.provider, ...options }),
  );
  return {
    ...pipeline,
    sessions,
    collector,
    /** What a session document would hold after one export now. */
    async document() {
      const accumulator = new SessionAccumulator();
      accumulator.merge(await pipeline.collect());
      return toSessionDocument({
        session: { id: 's', startedAt: new Date(0), endedAt: undefined },
        series: accumulator.values(),
        fields: resourceFields(METRICS_TEST_RESOURCE),
        now: new Date(1),
        report: new SanitizeReport(),
      });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MetricsCollector', () => {
  it('increments counters (by 1 by default) and records timings in ms', async () => {
    const { collector, document } = setup();
    collector.increment('teste', 5);
    collector.increment('questoes_criadas');
    collector.increment('questoes_criadas');
    collector.recordTiming('salvar', 12.5);
    collector.recordTiming('salvar', 7.5);
    const stored = await document();
    expect(stored.contadores).toEqual({ teste: 5, questoes_criadas: 2 });
    expect(stored.timings.salvar).toEqual({ count: 2, min_ms: 7.5, max_ms: 12.5, avg_ms: 10, total_ms: 20 });
  });

  it('times synchronous functions, returning their value, and records even when they throw', async () => {
    const { collector, document } = setup();
    expect(collector.timeOperation('somar', () => 1 + 1)).toBe(2);
    const failure = new Error('falhou');
    expect(() =>
      collector.timeOperation('quebrar', () => {
        throw failure;
      }),
    ).toThrow(failure);
    const stored = await document();
    expect(stored.timings.somar?.count).toBe(1);
    expect(stored.timings.quebrar?.count).toBe(1);
  });

  it('times async functions until they settle, passing rejections on unchanged', async () => {
    const { collector, document } = setup();
    const value = await collector.timeOperation('esperar', async () => {
      await sleep(60);
      return 'ok';
    });
    expect(value).toBe('ok');
    const failure = new Error('rejeitou');
    await expect(
      collector.timeOperation('rejeitar', async () => {
        await sleep(5);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const stored = await document();
    expect(stored.timings.esperar?.count).toBe(1);
    expect(stored.timings.esperar?.min_ms).toBeGreaterThanOrEqual(50);
    expect(stored.timings.rejeitar?.count).toBe(1);
  });

  it('drops bad names and values with a diag warning, never throwing into the caller', async () => {
    const { collector, document } = setup();
    expect(() => {
      collector.increment('negativo', -1);
      collector.increment('infinito', Number.POSITIVE_INFINITY);
      collector.increment('', 1);
      collector.increment(undefined as unknown as string);
      collector.recordTiming('nan', Number.NaN);
      collector.recordTiming('texto', '10' as unknown as number);
    }).not.toThrow();
    expect(collector.getStats().dropped).toBe(6);
    expect(diagOutput.text()).toMatch(/must be a finite number >= 0, got -1; not recorded/);
    const stored = await document();
    expect(stored.contadores).toEqual({});
    expect(stored.timings).toEqual({});
  });

  it('does nothing at all when metricsEnabled is false', async () => {
    const { collector, document, sessions } = setup({ metricsEnabled: false });
    collector.startSession();
    collector.increment('teste', 5);
    collector.recordTiming('x', 1);
    expect(collector.timeOperation('y', () => 3)).toBe(3);
    expect(await collector.endSession()).toBe(false);
    expect(sessions.peek()).toBeUndefined();
    expect(collector.sessionId).toBeUndefined();
    const stored = await document();
    expect(stored.contadores).toEqual({});
    expect(stored.timings).toEqual({});
  });

  it('rejects a metricsEnabled that is not a boolean', () => {
    expect(() => new MetricsCollector({ metricsEnabled: 'no' as unknown as boolean })).toThrow(
      /Invalid option metricsEnabled: "no"/,
    );
  });

  it('endSession() flushes the MeterProvider while the session is ending, then has exporters finish it', async () => {
    const { collector, sessions, provider } = setup();
    const events: string[] = [];
    const finished: MetricsSession[] = [];
    const flush = provider.forceFlush.bind(provider);
    provider.forceFlush = async (...args) => {
      events.push(`flush while ended=${sessions.peek()?.endedAt !== undefined}`);
      return flush(...args);
    };
    sessions.attach({
      finishSession: async (session) => {
        events.push('finish');
        finished.push(session);
        return true;
      },
    });
    collector.startSession();
    const id = collector.sessionId;
    expect(id).toBeDefined();
    expect(await collector.endSession()).toBe(true);
    expect(events).toEqual(['flush while ended=true', 'finish']);
    expect(finished.map((session) => session.id)).toEqual([id]);
    collector.startSession();
    expect(collector.sessionId).not.toBe(id);
  });
});

describe('MetricsCollector without a meterProvider option', () => {
  it('uses the global MeterProvider, including one registered after the collector was created', async () => {
    const sessions = new SessionRegistry();
    const collector = withSessionRegistry(sessions, () => new MetricsCollector());
    collector.increment('antes_do_registro'); // the no-op provider: not recorded anywhere
    const pipeline = meterPipeline();
    metrics.setGlobalMeterProvider(pipeline.provider);
    try {
      collector.increment('depois_do_registro', 2);
      const accumulator = new SessionAccumulator();
      accumulator.merge(await pipeline.collect());
      const names = [...accumulator.values()].map((series) => [series.name, series.value]);
      expect(names).toEqual([['depois_do_registro', 2]]);
    } finally {
      metrics.disable();
      await pipeline.provider.shutdown();
    }
  });
});
