import { ValueType } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { SessionAccumulator } from '../../../src/metrics/accumulator';
import { type SessionInfo, toSessionDocument } from '../../../src/metrics/transform';
import { METRICS_TEST_RESOURCE, meterPipeline } from '../../fixtures/metrics-reader';
import { SanitizeReport } from '../../../src/document/sanitize-report';

const STARTED = new Date('2026-11-25T10:00:00.000Z');
const NOW = new Date('2026-11-25T10:02:05.900Z');

function mapped(
  accumulator: SessionAccumulator,
  session: Partial<SessionInfo> = {},
  report = new SanitizeReport(),
) {
  return toSessionDocument({
    session: { id: 'sessao-1', startedAt: STARTED, endedAt: undefined, ...session },
    series: accumulator.values(),
    fields: resourceFields(METRICS_TEST_RESOURCE),
    now: NOW,
    report,
  });
}

/** Records through a real MeterProvider, collects once and maps the result to a session document. */
async function documentOf(record: (meter: ReturnType<typeof meterPipeline>['meter']) => void) {
  const pipeline = meterPipeline();
  record(pipeline.meter);
  const accumulator = new SessionAccumulator();
  accumulator.merge(await pipeline.collect());
  await pipeline.provider.shutdown();
  return mapped(accumulator);
}

describe('toSessionDocument', () => {
  it('writes the plan keys: tipo, sessao, maquina_id, app_version, contadores and timings', async () => {
    const document = await documentOf((meter) => {
      meter.createCounter('teste').add(5);
      meter.createHistogram('operacao_teste', { unit: 'ms' }).record(100.456);
    });
    expect(document).toEqual({
      _id: 'sessao-1',
      timestamp: NOW,
      maquina_id: '0123456789abcdef',
      app_nome: 'unknown_service',
      app_version: '9.9.9',
      sessao_id: 'sessao-1',
      tipo: 'SESSAO',
      sessao: { inicio: STARTED, fim: NOW, duracao_segundos: 125, ativa: true },
      contadores: { teste: 5 },
      timings: {
        operacao_teste: { count: 1, min_ms: 100.46, max_ms: 100.46, avg_ms: 100.46, total_ms: 100.46 },
      },
    });
  });

  it('keeps contadores and timings as empty objects when nothing was recorded', () => {
    const document = mapped(new SessionAccumulator());
    expect(document.contadores).toEqual({});
    expect(document.timings).toEqual({});
    expect(Object.keys(document)).not.toContain('medidores');
  });

  it('gives timings in milliseconds rounded to 2 decimals', async () => {
    const document = await documentOf((meter) => {
      const histogram = meter.createHistogram('salvar', { unit: 'ms' });
      for (const value of [50, 150.126, 100]) histogram.record(value);
    });
    expect(document.timings.salvar).toEqual({
      count: 3,
      min_ms: 50,
      max_ms: 150.13,
      avg_ms: 100.04,
      total_ms: 300.13,
    });
  });

  it('converts histograms in seconds (and microseconds) to milliseconds', async () => {
    const document = await documentOf((meter) => {
      const seconds = meter.createHistogram('http.server.request.duration', { unit: 's' });
      seconds.record(0.1);
      seconds.record(0.25);
      meter.createHistogram('parse', { unit: 'us' }).record(1500);
    });
    expect(document.timings).toHaveProperty(['http', 'server', 'request', 'duration'], {
      count: 2,
      min_ms: 100,
      max_ms: 250,
      avg_ms: 175,
      total_ms: 350,
    });
    expect(document.timings.parse).toMatchObject({ min_ms: 1.5, max_ms: 1.5 });
  });

  it('treats a histogram without unit as milliseconds and one in another unit as a plain histogram', async () => {
    const document = await documentOf((meter) => {
      meter.createHistogram('sem_unidade').record(12);
      const size = meter.createHistogram('payload', { unit: 'By' });
      size.record(1024);
      size.record(3072);
    });
    expect(document.timings.sem_unidade).toMatchObject({ count: 1, avg_ms: 12 });
    expect(document.timings.payload).toBeUndefined();
    expect(document.histogramas).toEqual({
      payload: { unidade: 'By', count: 2, min: 1024, max: 3072, avg: 2048, sum: 4096 },
    });
  });

  it('keeps attributed series apart from the plain ones, one entry per attribute set', async () => {
    const document = await documentOf((meter) => {
      const counter = meter.createCounter('exportacoes');
      counter.add(1);
      counter.add(2, { formato: 'pdf' });
      counter.add(1, { formato: 'pdf' });
      counter.add(4, { formato: 'docx', 'http.route': '/x' });
      meter.createHistogram('render', { unit: 'ms' }).record(10, { formato: 'pdf' });
    });
    expect(document.contadores).toEqual({ exportacoes: 1 });
    expect(document.contadores_por_atributo).toEqual({
      exportacoes: [
        { atributos: { formato: 'docx', http: { route: '/x' } }, valor: 4 },
        { atributos: { formato: 'pdf' }, valor: 3 },
      ],
    });
    expect(document.timings).toEqual({});
    expect(document.timings_por_atributo).toEqual({
      render: [{ atributos: { formato: 'pdf' }, count: 1, min_ms: 10, max_ms: 10, avg_ms: 10, total_ms: 10 }],
    });
  });

  it('stores gauges in medidores and up-down counters in contadores_bidirecionais', async () => {
    const document = await documentOf((meter) => {
      meter.createGauge('memoria_mb').record(512.5);
      meter.createGauge('temperatura').record(40, { sensor: 'cpu' });
      meter.createObservableGauge('questoes_abertas').addCallback((result) => result.observe(7));
      const open = meter.createUpDownCounter('conexoes', { valueType: ValueType.INT });
      open.add(3);
      open.add(-1);
    });
    expect(document.medidores).toEqual({ memoria_mb: 512.5, questoes_abertas: 7 });
    expect(document.medidores_por_atributo).toEqual({
      temperatura: [{ atributos: { sensor: 'cpu' }, valor: 40 }],
    });
    expect(document.contadores_bidirecionais).toEqual({ conexoes: 2 });
    expect(document.contadores).toEqual({});
  });

  it('stores dotted metric names as nested fields and encodes a leading $', async () => {
    const document = await documentOf((meter) => {
      meter.createCounter('http.requests').add(2);
      meter.createCounter('http.errors').add(1);
      meter.createCounter('$total').add(1);
      meter.createHistogram('db.query.duration', { unit: 'ms' }).record(5);
      meter.createHistogram('db.query.duration', { unit: 'ms' }).record(7, { 'db.system': 'mongodb' });
    });
    expect(document.contadores).toEqual({ http: { requests: 2, errors: 1 }, '%24total': 1 });
    expect(document.timings).toEqual({
      db: { query: { duration: { count: 1, min_ms: 5, max_ms: 5, avg_ms: 5, total_ms: 5 } } },
    });
    expect(document.timings_por_atributo).toEqual({
      db: {
        query: {
          duration: [
            {
              atributos: { db: { system: 'mongodb' } },
              count: 1,
              min_ms: 7,
              max_ms: 7,
              avg_ms: 7,
              total_ms: 7,
            },
          ],
        },
      },
    });
  });

  it('keeps both metrics when one name is a prefix of another, never nesting into a value', async () => {
    const document = await documentOf((meter) => {
      meter.createCounter('http.requests.failed').add(1);
      meter.createCounter('http.requests').add(2);
      meter.createHistogram('render', { unit: 'ms' }).record(3);
      meter.createHistogram('render.pdf', { unit: 'ms' }).record(4);
    });
    expect(document.contadores).toEqual({ http: { requests: 2 }, 'http%2Erequests%2Efailed': 1 });
    expect(document.timings).toMatchObject({ render: { count: 1 }, 'render%2Epdf': { count: 1 } });
  });

  it('stores non-finite values as null and says so', async () => {
    const report = new SanitizeReport();
    const pipeline = meterPipeline();
    pipeline.meter.createGauge('razao').record(Number.POSITIVE_INFINITY);
    pipeline.meter.createCounter('estranho').add(Number.NaN);
    const accumulator = new SessionAccumulator();
    accumulator.merge(await pipeline.collect());
    const document = mapped(accumulator, {}, report);
    expect(document.medidores).toEqual({ razao: null });
    expect(document.contadores).toEqual({ estranho: null });
    expect(report.toString()).toMatch(/medidores\.razao: Infinity stored as null/);
  });

  it('marks an ended session: fim is the end, ativa is false, duration in whole seconds', () => {
    const document = mapped(new SessionAccumulator(), { endedAt: new Date(STARTED.getTime() + 61_999) });
    expect(document.sessao).toEqual({
      inicio: STARTED,
      fim: new Date(STARTED.getTime() + 61_999),
      duracao_segundos: 61,
      ativa: false,
      encerramento: 'normal',
    });
    expect(Number.isInteger(document.sessao.duracao_segundos)).toBe(true);
  });

  it("says how an ended session ended: 'crash' when the crash path closed it, nothing while it runs", () => {
    const ended = { endedAt: new Date(STARTED.getTime() + 1000), endReason: 'crash' as const };
    expect(mapped(new SessionAccumulator(), ended).sessao.encerramento).toBe('crash');
    expect(mapped(new SessionAccumulator()).sessao).not.toHaveProperty('encerramento');
  });

  it('carries the session id as sessao_id, the key errors and audit documents join on', () => {
    const document = mapped(new SessionAccumulator());
    expect(document.sessao_id).toBe(document._id);
  });
});
