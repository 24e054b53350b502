import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  AcaoAuditoria,
  AuditLogger,
  MongoBatchLogRecordProcessor,
  MongoLogRecordExporter,
} from '../../src/index';
import type { AuditLoggerOptions } from '../../src/index';
import { getMachineId } from '../../src/resource/machine-id';
import { captureDiag } from '../support/diag';
import { TEST_RESOURCE } from '../support/records';
import { useTestDatabase } from '../support/database';
import { closedPort } from '../support/network';

const database = useTestDatabase('audit');
const diagOutput = captureDiag();

type ExporterOptions = ConstructorParameters<typeof MongoLogRecordExporter>[0];

/** An AuditLogger whose records go through a BatchLogRecordProcessor into a MongoLogRecordExporter. */
function auditPipeline(
  collection: string,
  exporterOptions: ExporterOptions = {},
  auditOptions: AuditLoggerOptions = {},
) {
  const exporter = new MongoLogRecordExporter({
    connectionString: database.uri,
    database: database.name,
    collections: { audit: collection, errors: `${collection}_errors` },
    spoolDir: false,
    ...exporterOptions,
  });
  const provider = new LoggerProvider({
    resource: TEST_RESOURCE,
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 })],
  });
  const audit = new AuditLogger({ loggerProvider: provider, ...auditOptions });
  return { exporter, provider, audit, collection: database.db.collection(collection) };
}

/** Calls every shortcut once, in catalogue order. */
function callEveryShortcut(audit: AuditLogger): void {
  audit.questaoCriada(101, 'Equação do 2º grau', 'multipla_escolha', ['algebra', 'funcoes']);
  audit.questaoEditada('101', ['enunciado', 'gabarito']);
  audit.questaoInativada('101', 'duplicada');
  audit.questaoReativada('101');
  audit.listaCriada('L-1', 'Lista de revisão', 20);
  audit.listaEditada('L-1', ['titulo']);
  audit.listaDeletada('L-1');
  audit.listaExportada('L-1', 'pdf', 20);
  audit.tagCriada('T-1', 'algebra');
  audit.tagEditada('T-1', ['nome']);
  audit.tagDeletada('T-1');
  audit.sessaoIniciada();
  audit.sessaoEncerrada(3600);
  audit.backupCriado('B-1', { arquivo: 'backup-2026-11-25.zip', tamanho_bytes: 2048 });
  audit.backupRestaurado('B-1');
}

describe('audit events through the OpenTelemetry logs pipeline into MongoDB', () => {
  it("stores every shortcut in audit with the contract's keys and types, and creates the plan's indexes", async () => {
    const { provider, audit, collection, exporter } = auditPipeline('every_audit');
    callEveryShortcut(audit.forUser('usuario-7'));
    audit.log({ acao: 'relatorio.gerado', entidade: 'relatorio', entidadeId: 55 });
    await provider.forceFlush();

    const actions = Object.values(AcaoAuditoria);
    expect(await collection.countDocuments()).toBe(actions.length + 1);
    for (const [key, type] of [
      ['timestamp', 'date'],
      ['acao', 'string'],
      ['entidade', 'string'],
      ['entidade_id', 'string'],
      ['detalhes', 'object'],
      ['maquina_id', 'string'],
      ['app_nome', 'string'],
      ['app_version', 'string'],
    ]) {
      expect(await collection.countDocuments({ [key!]: { $type: type } }), key).toBe(actions.length + 1);
    }
    expect(await collection.countDocuments({ usuario_id: 'usuario-7' })).toBe(actions.length);
    expect(await collection.countDocuments({ usuario_id: null })).toBe(1);
    expect((await collection.distinct('acao')).sort()).toEqual([...actions, 'relatorio.gerado'].sort());

    const criada = await collection.findOne(
      { acao: 'questao.criada' },
      { projection: { _id: 0, timestamp: 0 } },
    );
    expect(criada).toEqual({
      acao: 'questao.criada',
      entidade: 'questao',
      entidade_id: '101',
      detalhes: { titulo: 'Equação do 2º grau', tipo: 'multipla_escolha', tags: ['algebra', 'funcoes'] },
      usuario_id: 'usuario-7',
      maquina_id: '0123456789abcdef',
      app_nome: 'unknown_service',
      app_version: '9.9.9',
    });
    expect(await collection.findOne({ acao: 'sessao.iniciada' })).toMatchObject({
      entidade: 'sistema',
      entidade_id: getMachineId(),
      detalhes: {},
    });
    expect(await collection.findOne({ acao: 'sessao.encerrada' })).toMatchObject({
      detalhes: { duracao_segundos: 3600 },
    });
    expect(await collection.findOne({ acao: 'relatorio.gerado' })).toMatchObject({ entidade_id: '55' });

    const keys = (await collection.listIndexes().toArray()).map((index) => index.key);
    expect(keys).toEqual(expect.arrayContaining([{ timestamp: -1 }, { acao: 1, timestamp: -1 }]));
    expect(exporter.getStats()).toMatchObject({ written: actions.length + 1, failed: 0 });
    await provider.shutdown();
  });

  it('stores audit events below the error threshold, while other INFO records stay out', async () => {
    const { provider, audit, collection } = auditPipeline('threshold_audit', { remoteLevel: 'CRITICAL' });
    audit.tagCriada('T-9', 'geometria');
    provider.getLogger('app').emit({ severityNumber: SeverityNumber.INFO, body: 'not audit' });
    provider.getLogger('app').emit({ severityNumber: SeverityNumber.ERROR, body: 'below CRITICAL' });
    await provider.forceFlush();
    expect(await collection.find({}, { projection: { _id: 0, acao: 1 } }).toArray()).toEqual([
      { acao: 'tag.criada' },
    ]);
    expect(await database.db.collection('threshold_audit_errors').countDocuments()).toBe(0);
    await provider.shutdown();
  });

  it('writes nothing for switched-off groups', async () => {
    const { provider, audit, collection } = auditPipeline(
      'switched_audit',
      {},
      { audit: { questoes: false, listas: false, tags: false, exportacoes: false, sessoes: false } },
    );
    callEveryShortcut(audit);
    await provider.forceFlush();
    // Only backup.* has no switch.
    expect((await collection.distinct('acao')).sort()).toEqual(['backup.criado', 'backup.restaurado']);
    expect(audit.getStats()).toMatchObject({ emitted: 2, switchedOff: 13 });
    await provider.shutdown();
  });

  it('writes a mixed batch to both collections with one insert per collection', async () => {
    const client = new MongoClient(database.uri, { monitorCommands: true });
    const inserts: string[] = [];
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (event.commandName === 'insert') inserts.push(String(event.command.insert));
    });
    const exporter = new MongoLogRecordExporter({
      client,
      database: database.name,
      collections: { audit: 'mixed_audit', errors: 'mixed_errors' },
      spoolDir: false,
    });
    const provider = new LoggerProvider({
      resource: TEST_RESOURCE,
      processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 })],
    });
    const audit = new AuditLogger({ loggerProvider: provider }).forUser('u1');
    const app = provider.getLogger('app');
    for (let i = 0; i < 10; i++) {
      audit.questaoEditada(i, ['enunciado']);
      app.emit({ severityNumber: SeverityNumber.ERROR, body: `falha ${i}` });
    }
    await provider.forceFlush();

    expect(await database.db.collection('mixed_audit').countDocuments()).toBe(10);
    expect(await database.db.collection('mixed_errors').countDocuments()).toBe(10);
    expect(inserts.sort()).toEqual(['mixed_audit', 'mixed_errors']);
    await provider.shutdown();
    await client.close();
  });

  it('stores an event whose details MongoDB and the SDK would refuse, made safe, and diag says what changed', async () => {
    const { provider, audit, collection } = auditPipeline('bad_audit');
    const ciclo: Record<string, unknown> = { nome: 'raiz' };
    ciclo.pai = ciclo;
    audit.log({
      acao: AcaoAuditoria.LISTA_EDITADA,
      entidade: 'lista',
      entidadeId: 77,
      detalhes: { vazio: undefined, callback: () => 1, ciclo, total: 2n ** 64n, $inc: 1, 'campo.novo': 'x' },
    });
    await provider.forceFlush();

    const stored = await collection.findOne({ acao: 'lista.editada' });
    expect(stored).toMatchObject({ entidade_id: '77' });
    expect(stored?.detalhes).toEqual({
      callback: '[Function callback]',
      ciclo: { nome: 'raiz', pai: '[Circular]' },
      total: '18446744073709551616',
      '%24inc': 1,
      campo: { novo: 'x' },
    });
    const text = diagOutput.text();
    expect(text).toMatch(/lista\.editada lista\/77: made 4 value\(s\) storable/);
    for (const change of [
      'detalhes.vazio',
      'detalhes.callback',
      'detalhes.ciclo.pai',
      'detalhes.total',
      'detalhes.$inc: key stored as "%24inc"',
    ]) {
      expect(text).toContain(change);
    }
    expect(text).not.toContain('detalhes.campo.novo');
    await provider.shutdown();
  });

  it.each([
    ['with the spool', true],
    ['without a spool', false],
  ])(
    'takes 10,000 calls synchronously while the database is unreachable, none throws, and every event is accounted for (%s)',
    async (_case, spool) => {
      const port = await closedPort();
      const spoolRoot = mkdtempSync(join(tmpdir(), 'audit-down-'));
      const exporter = new MongoLogRecordExporter({
        connectionString: `mongodb://127.0.0.1:${port}/`,
        connectionTimeoutMs: 200,
        retryDeadlineMs: 300,
        spoolDir: spool ? join(spoolRoot, 'spool') : false,
      });
      // The package's processor with its defaults, as setupTelemetry() and the NodeSDK recipe use it.
      const processor = new MongoBatchLogRecordProcessor({ exporter });
      const provider = new LoggerProvider({ resource: TEST_RESOURCE, processors: [processor] });
      const audit = new AuditLogger({ loggerProvider: provider }).forUser('u1');
      const calls = 10_000;
      const started = performance.now();
      for (let i = 0; i < calls; i++) {
        audit.questaoCriada(i, `Questão ${i}`, 'discursiva', ['carga']);
      }
      const elapsedMs = performance.now() - started;
      console.log(
        `audit while unreachable (${_case}): ${calls} calls in ${elapsedMs.toFixed(1)} ms (${((elapsedMs * 1000) / calls).toFixed(1)} µs per call)`,
      );
      // The cost per call is measured in bench/emit-latency.ts; a bound here would only measure the machine's load.
      expect(audit.getStats()).toEqual({ emitted: calls, switchedOff: 0, failed: 0, sanitized: 0 });
      await provider.shutdown();
      const stats = processor.getStats();
      rmSync(spoolRoot, { recursive: true, force: true });
      expect(stats.written).toBe(0);
      // Every emitted event ends in exactly one outcome: kept on disk, or counted as lost.
      expect(stats.spooled + stats.failed + stats.dropped).toBe(calls);
      if (spool) expect(stats).toMatchObject({ spooled: calls, failed: 0, dropped: 0 });
      else expect(stats).toMatchObject({ spooled: 0, failed: calls });
    },
  );
});
