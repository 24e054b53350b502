import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StormGuard } from '../../../src/pipeline/storm-guard';
import type { ErrorDocument, StormSummaryDocument } from '../../../src/document/schema';

let sequence = 0;
function occurrence(fingerprint: string, machine = 'm1', extra: Partial<ErrorDocument> = {}): ErrorDocument {
  sequence++;
  return {
    _id: `id-${sequence}`,
    timestamp: new Date(Date.now()),
    nivel: 'ERROR',
    maquina_id: machine,
    app_nome: 'app',
    app_version: '1.0.0',
    logger_name: 'app',
    erro: {
      tipo: 'Error',
      mensagem: `falha ${sequence}`,
      stacktrace: null,
      arquivo: null,
      linha: null,
      funcao: null,
      fingerprint,
    },
    contexto: {},
    ambiente: { os: 'Linux', os_version: '', node_version: '', architecture: '' },
    ...extra,
  };
}

function guard(maxPerWindow = 3, windowMs = 1000) {
  const summaries: StormSummaryDocument[] = [];
  const pending: StormSummaryDocument[] = [];
  const failures: unknown[] = [];
  const instance = new StormGuard(
    { maxPerWindow, windowMs },
    {
      summary: (document) => void summaries.push(structuredClone(document)),
      pending: (document) => void pending.push(document),
      failed: (error) => void failures.push(error),
    },
  );
  return { instance, summaries, pending, failures };
}

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('StormGuard', () => {
  it('passes the first maxPerWindow occurrences and folds the rest into one summary at the window end', () => {
    const { instance, summaries } = guard(3, 1000);
    const admitted = Array.from({ length: 10 }, (_, index) => {
      vi.advanceTimersByTime(index === 0 ? 0 : 50);
      return instance.admit(occurrence('a'));
    });
    expect(admitted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(summaries).toEqual([]);
    vi.advanceTimersByTime(1000 - 450);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      ocorrencias: 7,
      primeira: new Date('2026-01-01T00:00:00.150Z'),
      ultima: new Date('2026-01-01T00:00:00.450Z'),
      timestamp: new Date('2026-01-01T00:00:00.450Z'),
      erro: { mensagem: `falha ${sequence}`, fingerprint: 'a' },
    });
  });

  it('keeps the first folded occurrence id, and the last occurrence content without stale keys', () => {
    const { instance, summaries } = guard(1, 1000);
    instance.admit(occurrence('a'));
    const first = occurrence('a', 'm1', { nao_tratada: true });
    instance.admit(first);
    const last = occurrence('a', 'm1', { trace_id: 't', span_id: 's' });
    instance.admit(last);
    instance.close();
    expect(summaries[0]!._id).toBe(first._id);
    expect(summaries[0]!.erro.mensagem).toBe(last.erro.mensagem);
    expect(summaries[0]).toMatchObject({ trace_id: 't', span_id: 's', ocorrencias: 2 });
    expect(summaries[0]).not.toHaveProperty('nao_tratada');
  });

  it('counts fingerprints and machines apart', () => {
    const { instance } = guard(2, 1000);
    const results = ['a', 'a', 'b', 'a', 'b', 'b'].map((key) => instance.admit(occurrence(key)));
    expect(results).toEqual([true, true, true, false, true, false]);
    expect(instance.admit(occurrence('a', 'm2'))).toBe(true);
  });

  it('starts a new window after the end: a sustained storm writes maxPerWindow plus one summary per window', () => {
    const { instance, summaries } = guard(2, 1000);
    let written = 0;
    for (let step = 0; step < 300; step++) {
      if (instance.admit(occurrence('a'))) written++;
      vi.advanceTimersByTime(10);
    }
    instance.close();
    expect(written).toBe(6);
    expect(summaries).toHaveLength(3);
    expect(written + summaries.reduce((sum, summary) => sum + summary.ocorrencias, 0)).toBe(300);
  });

  it('hands each summary to pending once, as the object later written', () => {
    const { instance, pending, summaries } = guard(1, 1000);
    for (let i = 0; i < 5; i++) instance.admit(occurrence('a'));
    expect(pending).toHaveLength(1);
    expect(pending[0]!.ocorrencias).toBe(4);
    instance.close();
    expect(summaries[0]).toEqual(pending[0]);
  });

  it('close() writes pending summaries at once and leaves no timer', () => {
    const { instance, summaries } = guard(1, 60_000);
    for (let i = 0; i < 3; i++) instance.admit(occurrence('a'));
    instance.close();
    expect(summaries.map((summary) => summary.ocorrencias)).toEqual([2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a throwing summary sink instead of throwing from the timer', () => {
    const failures: unknown[] = [];
    const instance = new StormGuard(
      { maxPerWindow: 1, windowMs: 100 },
      {
        summary: () => {
          throw new Error('sink broke');
        },
        failed: (error) => void failures.push(error),
      },
    );
    instance.admit(occurrence('a'));
    instance.admit(occurrence('a'));
    expect(() => vi.advanceTimersByTime(100)).not.toThrow();
    expect(failures).toHaveLength(1);
  });

  it('forgets windows that ended without a summary', () => {
    const { instance } = guard(5, 1000);
    for (let i = 0; i < 100; i++) instance.admit(occurrence(`f${i}`));
    vi.advanceTimersByTime(1000);
    instance.admit(occurrence('other'));
    expect((instance as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });

  it('follows at most maxWindows fingerprints at once: new ones pass unfolded until windows end', () => {
    const summaries: StormSummaryDocument[] = [];
    const instance = new StormGuard(
      { maxPerWindow: 1, windowMs: 1000 },
      { summary: (document) => void summaries.push(document), failed: () => undefined },
      Date.now,
      2,
    );
    expect([instance.admit(occurrence('a')), instance.admit(occurrence('b'))]).toEqual([true, true]);
    expect([1, 2, 3].map(() => instance.admit(occurrence('c')))).toEqual([true, true, true]);
    expect(instance.admit(occurrence('a'))).toBe(false); // the followed ones still fold
    vi.advanceTimersByTime(1000);
    expect(summaries.map((summary) => summary.erro.fingerprint)).toEqual(['a']);
    expect([1, 2].map(() => instance.admit(occurrence('c')))).toEqual([true, false]);
  });
});
