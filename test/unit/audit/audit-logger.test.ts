import { DiagLogLevel, logs, SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { AuditLogger, type AuditLoggerOptions } from '../../../src/audit/audit-logger';
import { AcaoAuditoria } from '../../../src/audit/catalogue';
import { resourceFields } from '../../../src/document/resource-fields';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { AUDIT_LOGGER_NAME } from '../../../src/pipeline/route';
import { toAuditDocument } from '../../../src/pipeline/transform';
import { getMachineId } from '../../../src/resource/machine-id';
import { captureDiag } from '../../support/diag';
import { TEST_RESOURCE } from '../../support/records';
import type { MongoExporterOptions } from '../../../src/shared-options/shared-options';
import { DEFAULT_SANITIZE_LIMITS, SanitizeReport } from '../../../src/document/sanitize-report';

const diagOutput = captureDiag(DiagLogLevel.WARN);

/** An AuditLogger on a real LoggerProvider whose records are kept in memory. */
function recordingAudit(options: Omit<AuditLoggerOptions, 'loggerProvider'> = {}) {
  const records: ReadableLogRecord[] = [];
  const provider = new LoggerProvider({
    resource: TEST_RESOURCE,
    processors: [
      { onEmit: (r) => void records.push(r), forceFlush: async () => {}, shutdown: async () => {} },
    ],
  });
  return { audit: new AuditLogger({ loggerProvider: provider, ...options }), records, provider };
}

function documentOf(record: ReadableLogRecord) {
  const report = new SanitizeReport();
  const document = toAuditDocument(record, {
    id: 'id-1',
    fields: resourceFields(record.resource),
    report,
    limits: DEFAULT_SANITIZE_LIMITS,
  });
  return { document, report };
}

const LONG_TITLE = 'Ω'.repeat(99) + '𝑥𝑦𝑧';

const SHORTCUTS: [
  string,
  (audit: AuditLogger) => boolean,
  string,
  string,
  string,
  Record<string, unknown>,
][] = [
  [
    'questaoCriada',
    (a) => a.questaoCriada(123, LONG_TITLE, 'multipla_escolha', ['algebra']),
    'questao.criada',
    'questao',
    '123',
    { titulo: 'Ω'.repeat(99) + '𝑥', tipo: 'multipla_escolha', tags: ['algebra'] },
  ],
  [
    'questaoEditada',
    (a) => a.questaoEditada('q1', ['enunciado']),
    'questao.editada',
    'questao',
    'q1',
    { campos_alterados: ['enunciado'] },
  ],
  [
    'questaoInativada',
    (a) => a.questaoInativada('q1', 'duplicada'),
    'questao.inativada',
    'questao',
    'q1',
    { motivo: 'duplicada' },
  ],
  [
    'questaoReativada',
    (a) => a.questaoReativada('q1'),
    'questao.reativada',
    'questao',
    'q1',
    { motivo: null },
  ],
  [
    'listaCriada',
    (a) => a.listaCriada(7, 'Lista 1', 10),
    'lista.criada',
    'lista',
    '7',
    { titulo: 'Lista 1', qtd_questoes: 10 },
  ],
  [
    'listaEditada',
    (a) => a.listaEditada('l1', ['titulo']),
    'lista.editada',
    'lista',
    'l1',
    { campos_alterados: ['titulo'] },
  ],
  ['listaDeletada', (a) => a.listaDeletada('l1'), 'lista.deletada', 'lista', 'l1', {}],
  [
    'listaExportada',
    (a) => a.listaExportada('l1', 'pdf', 10),
    'lista.exportada',
    'lista',
    'l1',
    { formato: 'pdf', qtd_questoes: 10 },
  ],
  ['tagCriada', (a) => a.tagCriada('t1', 'algebra'), 'tag.criada', 'tag', 't1', { nome: 'algebra' }],
  [
    'tagEditada',
    (a) => a.tagEditada('t1', ['nome']),
    'tag.editada',
    'tag',
    't1',
    { campos_alterados: ['nome'] },
  ],
  ['tagDeletada', (a) => a.tagDeletada('t1'), 'tag.deletada', 'tag', 't1', {}],
  ['sessaoIniciada', (a) => a.sessaoIniciada(), 'sessao.iniciada', 'sistema', getMachineId(), {}],
  [
    'sessaoEncerrada',
    (a) => a.sessaoEncerrada(3600),
    'sessao.encerrada',
    'sistema',
    getMachineId(),
    { duracao_segundos: 3600 },
  ],
  [
    'backupCriado',
    (a) => a.backupCriado('b1', { arquivo: 'b1.zip' }),
    'backup.criado',
    'backup',
    'b1',
    { arquivo: 'b1.zip' },
  ],
  ['backupRestaurado', (a) => a.backupRestaurado('b1'), 'backup.restaurado', 'backup', 'b1', {}],
];

describe('AuditLogger shortcuts', () => {
  it('covers every catalogue action', () => {
    expect(SHORTCUTS.map(([, , acao]) => acao).sort()).toEqual(Object.values(AcaoAuditoria).sort());
  });

  it.each(SHORTCUTS)(
    '%s emits the audit record and maps to the contract document',
    (_name, call, acao, entidade, entidadeId, detalhes) => {
      const { audit, records } = recordingAudit();
      expect(call(audit.forUser('u-9'))).toBe(true);
      expect(records).toHaveLength(1);
      const record = records[0]!;
      expect(record.instrumentationScope.name).toBe(AUDIT_LOGGER_NAME);
      expect(record.eventName).toBe(acao);
      expect(record.severityNumber).toBe(SeverityNumber.INFO);
      expect(record.severityText).toBe('INFO');
      expect(record.body).toBe(`${acao} ${entidade}/${entidadeId}`);
      expect(record.attributes).toEqual({
        'audit.entity': entidade,
        'audit.entity.id': entidadeId,
        'audit.details': detalhes,
        'user.id': 'u-9',
      });

      const { document, report } = documentOf(record);
      expect(document).toEqual({
        _id: 'id-1',
        timestamp: expect.any(Date),
        acao,
        entidade,
        entidade_id: entidadeId,
        detalhes,
        usuario_id: 'u-9',
        maquina_id: '0123456789abcdef',
        app_nome: 'unknown_service',
        app_version: '9.9.9',
      });
      expect(report.count).toBe(0);
      expect(diagOutput.lines).toEqual([]);
    },
  );

  it('cuts lista titles to 100 code points as well', () => {
    const { audit, records } = recordingAudit();
    audit.listaCriada('l', 'a'.repeat(250), 1);
    expect((records[0]!.attributes['audit.details'] as { titulo: string }).titulo).toBe('a'.repeat(100));
  });
});

describe('AuditLogger.log', () => {
  it('emits a custom action with the event time and stores a missing user as null', () => {
    const { audit, records } = recordingAudit();
    const when = new Date('2026-11-25T08:00:00.123Z');
    expect(
      audit.log({ acao: 'relatorio.gerado', entidade: 'relatorio', entidadeId: 5n, timestamp: when }),
    ).toBe(true);
    const { document } = documentOf(records[0]!);
    expect(document).toMatchObject({
      acao: 'relatorio.gerado',
      entidade: 'relatorio',
      entidade_id: '5',
      detalhes: {},
      usuario_id: null,
      timestamp: when,
    });
    expect(records[0]!.attributes).not.toHaveProperty('user.id');
  });

  it('binds the user with forUser, lets an event override it, and shares the stats', () => {
    const { audit, records } = recordingAudit();
    const ana = audit.forUser(42);
    ana.tagDeletada('t');
    ana.log({ acao: 'x.y', entidade: 'x', entidadeId: 1, usuarioId: 'outro' });
    ana.log({ acao: 'x.y', entidade: 'x', entidadeId: 1, usuarioId: null });
    audit.tagDeletada('t');
    ana.forUser('bia').tagDeletada('t');
    expect(records.map((r) => r.attributes['user.id'])).toEqual(['42', 'outro', undefined, undefined, 'bia']);
    expect(audit.getStats()).toEqual({ emitted: 5, switchedOff: 0, failed: 0, sanitized: 0 });
    expect(ana.getStats()).toEqual(audit.getStats());
  });

  it('emits nothing for a switched-off group and counts it', () => {
    const { audit, records } = recordingAudit({ audit: { questoes: false, exportacoes: false } });
    expect(audit.questaoCriada('q', 't', 'x')).toBe(false);
    expect(audit.log({ acao: 'questao.clonada', entidade: 'questao', entidadeId: 'q' })).toBe(false);
    expect(audit.listaExportada('l', 'pdf', 1)).toBe(false);
    expect(audit.listaCriada('l', 't', 1)).toBe(true);
    expect(audit.backupCriado('b')).toBe(true);
    expect(records.map((r) => r.eventName)).toEqual(['lista.criada', 'backup.criado']);
    expect(audit.getStats()).toMatchObject({ emitted: 2, switchedOff: 3 });
    expect(audit.isEnabled('questao.editada')).toBe(false);
  });

  it('switches every action by its group, the same on each call, also after many distinct actions', () => {
    const { audit } = recordingAudit({ audit: { questoes: false } });
    const answers = () => [
      audit.isEnabled('questao.criada'),
      audit.isEnabled('lista.criada'),
      audit.isEnabled('relatorio.gerado'),
    ];
    expect(answers()).toEqual([false, true, true]);
    expect(answers()).toEqual([false, true, true]);
    for (let i = 0; i < 1000; i++) expect(audit.isEnabled(`questao.acao${i}`)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(audit.isEnabled(`custom.acao${i}`)).toBe(true);
    expect(answers()).toEqual([false, true, true]);
  });

  it("switches custom actions by the application's actionGroups", () => {
    const { audit, records } = recordingAudit({
      audit: { exportacoes: false, questoes: false },
      actionGroups: { 'relatorio.exportado': 'exportacoes', 'questao.lida': null },
    });
    expect(audit.log({ acao: 'relatorio.exportado', entidade: 'relatorio', entidadeId: 1 })).toBe(false);
    expect(audit.log({ acao: 'questao.lida', entidade: 'questao', entidadeId: 1 })).toBe(true);
    expect(records).toHaveLength(1);
  });

  it('keeps an event with bad details, makes them safe and says what changed', () => {
    const { audit, records } = recordingAudit();
    const ciclo: Record<string, unknown> = {};
    ciclo.eu = ciclo;
    const ok = audit.log({
      acao: 'questao.importada',
      entidade: 'questao',
      entidadeId: 9,
      detalhes: { vazio: undefined, f: () => 0, ciclo, n: 2n ** 64n, $where: 1, 'a.b': 2 },
    });
    expect(ok).toBe(true);
    const details = records[0]!.attributes['audit.details'];
    expect(details).toEqual({
      f: '[Function f]',
      ciclo: { eu: '[Circular]' },
      n: '18446744073709551616',
      // Names stay as given on the record; the MongoDB exporter places them when it stores it.
      $where: 1,
      'a.b': 2,
    });
    expect(audit.getStats()).toMatchObject({ emitted: 1, sanitized: 4 });
    expect(diagOutput.lines).toHaveLength(1);
    expect(diagOutput.text()).toMatch(/questao\.importada questao\/9: made 4 value\(s\) storable/);
    expect(diagOutput.text()).toContain('detalhes.vazio: undefined value omitted');
    // The exporter's own pass nests the dotted name silently and encodes the leading $.
    const stored = documentOf(records[0]!);
    expect(stored.document.detalhes).toMatchObject({ a: { b: 2 }, '%24where': 1 });
    expect(stored.report.changes).toEqual(['detalhes.$where: key stored as "%24where"']);
  });

  it('never throws: a bad event or a throwing pipeline is reported and counted', () => {
    const provider = new LoggerProvider({
      processors: [
        {
          onEmit: () => {
            throw new Error('processor broke');
          },
          forceFlush: async () => {},
          shutdown: async () => {},
        },
      ],
    });
    const audit = new AuditLogger({ loggerProvider: provider });
    expect(audit.questaoEditada('q', ['x'])).toBe(false);
    expect(audit.log(undefined as never)).toBe(false);
    expect(audit.log({ acao: '', entidade: 'x', entidadeId: 1 })).toBe(false);
    expect(audit.getStats()).toEqual({ emitted: 0, switchedOff: 0, failed: 3, sanitized: 0 });
    expect(diagOutput.text()).toContain('cannot emit an audit event; dropped processor broke');
    expect(diagOutput.text()).toContain('its action (acao) is empty');
  });

  it('stores a missing entity or id as an empty string and says so', () => {
    const { audit, records } = recordingAudit();
    expect(audit.log({ acao: 'x.y', entidade: undefined as never, entidadeId: { a: 1 } as never })).toBe(
      true,
    );
    expect(records[0]!.attributes).toMatchObject({ 'audit.entity': '', 'audit.entity.id': '{"a":1}' });
    expect(diagOutput.text()).toContain('entidade: undefined stored as a string');
  });

  it('uses the call time when the event time is invalid', () => {
    const { audit, records } = recordingAudit();
    const before = Date.now();
    audit.log({ acao: 'x.y', entidade: 'x', entidadeId: 1, timestamp: new Date(Number.NaN) });
    expect(documentOf(records[0]!).document.timestamp.getTime()).toBeGreaterThanOrEqual(before);
    expect(diagOutput.text()).toContain('timestamp: not a valid date');
  });

  it('gets its logger once, from the provider it is given', () => {
    let calls = 0;
    const provider = new LoggerProvider({});
    const counting = {
      getLogger: (...args: Parameters<LoggerProvider['getLogger']>) => {
        calls++;
        expect(args[0]).toBe(AUDIT_LOGGER_NAME);
        return provider.getLogger(...args);
      },
    };
    const audit = new AuditLogger({ loggerProvider: counting });
    audit.tagCriada('a', 'b');
    audit.forUser('u').tagCriada('a', 'b');
    expect(calls).toBe(1);
  });

  it('emits through the global provider by default, also one registered after it was made', () => {
    const made = new AuditLogger();
    const records: ReadableLogRecord[] = [];
    const provider = new LoggerProvider({
      processors: [
        { onEmit: (r) => void records.push(r), forceFlush: async () => {}, shutdown: async () => {} },
      ],
    });
    logs.setGlobalLoggerProvider(provider);
    try {
      made.tagCriada('t1', 'n1');
      new AuditLogger().tagCriada('t2', 'n2');
    } finally {
      logs.disable();
    }
    expect(records.map((r) => r.instrumentationScope.name)).toEqual([AUDIT_LOGGER_NAME, AUDIT_LOGGER_NAME]);
    expect(records.map((r) => documentOf(r).document.entidade_id)).toEqual(['t1', 't2']);
  });
});

describe('AuditLogger options', () => {
  it("reads its keys from the package's shared options object", () => {
    const shared: MongoExporterOptions = {
      database: 'app_logs',
      remoteLevel: 'WARNING',
      audit: { listas: false },
    };
    const { provider } = recordingAudit();
    const audit = new AuditLogger({ ...shared, loggerProvider: provider });
    expect(audit.isEnabled('lista.criada')).toBe(false);
    expect(audit.isEnabled('questao.criada')).toBe(true);
  });

  it('rejects bad options with InvalidOptionError naming the option', () => {
    expect(() => new AuditLogger({ loggerProvider: {} as never })).toThrow(/Invalid option loggerProvider/);
    expect(() => new AuditLogger({ audit: { listas: 'sim' as never } })).toThrow(InvalidOptionError);
    expect(() => new AuditLogger({ actionGroups: { 'a.b': 'nenhum' as never } })).toThrow(
      /actionGroups\.a\.b/,
    );
    expect(() => new AuditLogger(42 as never)).toThrow(/Invalid option options/);
  });
});
