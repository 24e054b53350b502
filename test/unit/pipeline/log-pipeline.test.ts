import type { DiagLogger } from '@opentelemetry/api';
import { calculateObjectSize } from 'bson';
import { describe, expect, it, vi } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import type { ErrorDocument, StormSummaryDocument } from '../../../src/document/schema';
import { MAX_DOCUMENT_BYTES } from '../../../src/document/shrink';
import { LogPipeline, type LogPipelineSettings } from '../../../src/pipeline/log-pipeline';
import { attachTrail } from '../../../src/pipeline/trail';
import { toErrorDocument } from '../../../src/pipeline/transform';
import { captureRecords, TEST_RESOURCE } from '../../support/records';
import { auditRecord, errorRecords } from './log-records';
import { DEFAULT_SANITIZE_LIMITS, SanitizeReport } from '../../../src/document/sanitize-report';

const SETTINGS: LogPipelineSettings = {
  remoteSeverity: 17, // ERROR
  sanitizeLimits: DEFAULT_SANITIZE_LIMITS,
  appRoots: [],
  beforeSend: undefined,
  stormGuard: undefined,
};

function quietLog() {
  const call = () => vi.fn<(message: string, ...args: unknown[]) => void>();
  return { error: call(), warn: call(), info: call(), debug: call(), verbose: call() } satisfies DiagLogger;
}

function pipeline(settings: Partial<LogPipelineSettings> = {}, summaries: StormSummaryDocument[] = []) {
  const log = quietLog();
  const sinks = {
    summary: (document: StormSummaryDocument) => void summaries.push(document),
    failed: vi.fn(),
  };
  return { log, pipeline: new LogPipeline({ ...SETTINGS, ...settings }, { log, stormSinks: sinks }) };
}

describe('LogPipeline: route', () => {
  it('counts records below remoteSeverity as filtered and stores no document for them', () => {
    const records = captureRecords((logger) => logger('app').emit({ severityNumber: 9, body: 'info' }));
    const batch = pipeline().pipeline.map(records);
    expect(batch).toMatchObject({ errors: [], audit: [], filtered: 1, suppressed: 0, failures: [] });
  });

  it('stores an audit event in audit whatever its severity, and an error record in errors', () => {
    const batch = pipeline().pipeline.map([auditRecord(), ...errorRecords(1)]);
    expect(batch.audit.map((document) => document.acao)).toEqual(['questao.criada']);
    expect(batch.errors.map((document) => document.erro.mensagem)).toEqual(['erro 0']);
    expect(batch.filtered).toBe(0);
  });
});

describe('LogPipeline: map', () => {
  it("maps an error record to toErrorDocument's document with the record's resource fields and a new id", () => {
    const [record] = errorRecords(1);
    const [document] = pipeline().pipeline.map([record!]).errors;
    const expected = toErrorDocument(record!, {
      id: document!._id,
      fields: resourceFields(TEST_RESOURCE),
      report: new SanitizeReport(),
      limits: DEFAULT_SANITIZE_LIMITS,
      appRoots: [],
    });
    expect(document).toEqual(expected);
    expect(document!._id).toMatch(/^[0-9a-f]{24}$/);
  });

  it("mapGroups uses each group's resource fields and the id each record came with", () => {
    const fields = {
      maquina_id: 'remote-machine',
      app_nome: 'remote-app',
      app_version: '3.1.4',
      ambiente: resourceFields(TEST_RESOURCE).ambiente,
    };
    const [first, second] = errorRecords(2);
    const batch = pipeline().pipeline.mapGroups([
      { fields, records: [{ record: first!, id: 'id-1' }] },
      { fields, records: [{ record: second!, id: 'id-2' }] },
    ]);
    expect(
      batch.errors.map(({ _id, maquina_id, app_version }) => ({ _id, maquina_id, app_version })),
    ).toEqual([
      { _id: 'id-1', maquina_id: 'remote-machine', app_version: '3.1.4' },
      { _id: 'id-2', maquina_id: 'remote-machine', app_version: '3.1.4' },
    ]);
  });

  it("keeps one SanitizeReport for the whole batch, counting every record's changes", () => {
    const batch = pipeline().pipeline.map(errorRecords(2, { nota: 'y'.repeat(70_000) }));
    expect(batch.errors.map((document) => String(document.contexto.nota).length < 70_000)).toEqual([
      true,
      true,
    ]);
    expect(batch.report.count).toBe(2);
  });

  it('lists a record the mapping cannot read as a failure and maps the rest of the batch', () => {
    const [bad, good] = errorRecords(2);
    const unreadable = new Proxy(bad!, {
      get: (target, key) => {
        if (key === 'attributes') throw new TypeError('unreadable attributes');
        return Reflect.get(target, key) as unknown;
      },
    });
    const batch = pipeline().pipeline.map([unreadable, good!]);
    expect(batch.failures).toEqual([new TypeError('unreadable attributes')]);
    expect(batch.errors.map((document) => document.erro.mensagem)).toEqual(['erro 1']);
  });
});

describe('LogPipeline: trail', () => {
  it('stores the trail attached to an error record at emit as its trilha, oldest first', () => {
    const trail = captureRecords((logger) => {
      logger('app').emit({ severityNumber: 9, body: 'abrindo lista' });
      logger('app').emit({ severityNumber: 13, body: 'lista vazia' });
    });
    const [record] = errorRecords(1);
    attachTrail(record!, trail);
    const [document] = pipeline().pipeline.map([record!]).errors;
    expect(
      document!.trilha?.map((entry) => [
        'nivel' in entry && entry.nivel,
        'mensagem' in entry && entry.mensagem,
      ]),
    ).toEqual([
      ['INFO', 'abrindo lista'],
      ['WARNING', 'lista vazia'],
    ]);
  });
});

describe('LogPipeline: shrink', () => {
  it('shrinks a document whose values exceed 16 MB to fit, and notes it in the batch report', () => {
    const big = 'x'.repeat(60 * 1024);
    // One attribute: the SDK keeps at most 128 attributes per record.
    const batch = pipeline().pipeline.map(
      errorRecords(1, { campos: Array.from({ length: 300 }, () => big) }),
    );
    expect(calculateObjectSize(batch.errors[0]!)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    expect(batch.report.toString()).toContain('document over 16 MB');
  });
});

describe('LogPipeline: beforeSend', () => {
  it("stores beforeSend's result and counts a document it drops (null) as filtered", () => {
    const beforeSend = vi.fn((document: ErrorDocument) =>
      document.erro.mensagem === 'erro 1' ? null : { ...document, marcado: true },
    );
    const batch = pipeline({ beforeSend: beforeSend as never }).pipeline.map(errorRecords(2));
    expect(beforeSend).toHaveBeenCalledTimes(2);
    expect(batch.errors).toHaveLength(1);
    expect(batch.errors[0]).toMatchObject({ marcado: true, erro: { mensagem: 'erro 0' } });
    expect(batch.filtered).toBe(1);
  });

  it("reports a beforeSend that throws through the owner's logger and stores the document unchanged", () => {
    const { log, pipeline: throwing } = pipeline({
      beforeSend: () => {
        throw new Error('hook bug');
      },
    });
    const batch = throwing.map(errorRecords(1));
    expect(batch.errors[0]!.erro.mensagem).toBe('erro 0');
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('beforeSend threw'), expect.any(Error));
  });
});

describe('LogPipeline: storm guard', () => {
  it('stores maxPerWindow errors of one fingerprint, counts the rest as suppressed, and close() hands over their summary', () => {
    const summaries: StormSummaryDocument[] = [];
    const { pipeline: guarded } = pipeline({ stormGuard: { maxPerWindow: 2, windowMs: 60_000 } }, summaries);
    const batch = guarded.map(errorRecords(5));
    expect(batch.errors).toHaveLength(2);
    expect(batch.suppressed).toBe(3);
    expect(summaries).toEqual([]);
    guarded.close();
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.ocorrencias).toBe(3);
  });

  it('folds errors across batches: the guard lives as long as the pipeline', () => {
    const { pipeline: guarded } = pipeline({ stormGuard: { maxPerWindow: 2, windowMs: 60_000 } });
    expect(guarded.map(errorRecords(2)).suppressed).toBe(0);
    expect(guarded.map(errorRecords(2)).suppressed).toBe(2);
    guarded.close();
  });
});

describe('LogPipeline.errorDocumentOf', () => {
  it('maps an error record and applies beforeSend without the storm guard or any count', () => {
    const { pipeline: guarded } = pipeline({
      stormGuard: { maxPerWindow: 1, windowMs: 60_000 },
      beforeSend: (document) => ({ ...document, visto: true }),
    });
    guarded.map(errorRecords(1)); // the window's one document
    const [record] = errorRecords(1);
    const document = guarded.errorDocumentOf(record!, resourceFields(TEST_RESOURCE));
    expect(document).toMatchObject({ visto: true, erro: { mensagem: 'erro 0' } });
    guarded.close();
  });

  it('gives undefined for a record below remoteSeverity and for one beforeSend drops', () => {
    const [info] = captureRecords((logger) => logger('app').emit({ severityNumber: 9, body: 'info' }));
    expect(pipeline().pipeline.errorDocumentOf(info!, resourceFields(TEST_RESOURCE))).toBeUndefined();
    const dropping = pipeline({ beforeSend: () => null }).pipeline;
    expect(dropping.errorDocumentOf(errorRecords(1)[0]!, resourceFields(TEST_RESOURCE))).toBeUndefined();
  });
});
