import { zeroStats } from '../../../src/foundation/stats';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagLogLevel, SeverityNumber } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { FileLogRecordExporter } from '../../../src/logs/file-exporter';
import { LevelFilterProcessor } from '../../../src/logs/level-filter';
import { captureDiag } from '../../support/diag';
import { captureRecords } from '../../support/records';

const diagOutput = captureDiag(DiagLogLevel.WARN);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-exporter-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function linesOf(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

/** Calls export() and collects every callback, to check that there is exactly one. */
function exportAll(exporter: FileLogRecordExporter, records: ReadableLogRecord[]) {
  const results: ExportResult[] = [];
  let threw: unknown;
  try {
    exporter.export(records, (result) => results.push(result));
  } catch (error) {
    threw = error;
  }
  return { results, threw };
}

const someRecords = () =>
  captureRecords((logger) => {
    logger('app.db').emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'boom' });
    logger('app.db').emit({ severityNumber: SeverityNumber.INFO, body: 'fine' });
  });

describe('FileLogRecordExporter', () => {
  it('appends one line per record through a real LoggerProvider, creating the folder; shutdown flushes', async () => {
    const path = join(dir, 'logs', 'nested', 'mathbank.log');
    const exporter = new FileLogRecordExporter({ path });
    const provider = new LoggerProvider({
      processors: [new LevelFilterProcessor(new BatchLogRecordProcessor({ exporter }), 'DEBUG')],
    });
    const logger = provider.getLogger('app.questoes');
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'loading', attributes: { 'questao.id': 7 } });
    logger.emit({ severityNumber: SeverityNumber.WARN, body: 'slow query' });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'first line\nsecond line' });
    await provider.shutdown();

    const lines = linesOf(path);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z - app\.questoes - DEBUG - loading \{"questao\.id":7\}$/,
    );
    expect(lines[1]).toMatch(/ - app\.questoes - WARNING - slow query$/);
    expect(lines[2]).toMatch(/ - ERROR - first line\\nsecond line$/);
    expect(exporter.getStats()).toEqual({ ...zeroStats(), accepted: 3, written: 3, failed: 0 });
  });

  it('appends to an existing file and keeps batches in order', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'earlier line\n');
    const exporter = new FileLogRecordExporter({ path });
    for (let i = 0; i < 20; i++) {
      const records = captureRecords((logger) =>
        logger('app').emit({ severityNumber: SeverityNumber.INFO, body: `batch ${i}` }),
      );
      exporter.export(records, () => {});
    }
    await exporter.forceFlush();
    const lines = linesOf(path);
    expect(lines[0]).toBe('earlier line');
    expect(lines.slice(1).map((line) => line.split(' - ').at(-1))).toEqual(
      Array.from({ length: 20 }, (_, i) => `batch ${i}`),
    );
  });

  it('redacts secret attributes and connection-string passwords', async () => {
    const path = join(dir, 'app.log');
    const exporter = new FileLogRecordExporter({ path });
    const records = captureRecords((logger) =>
      logger('app').emit({
        severityNumber: SeverityNumber.ERROR,
        body: 'cannot connect to mongodb+srv://logger:hunter22@cluster.example.net/',
        attributes: { password: 'p4ssw0rd', 'user.id': 'u1' },
      }),
    );
    expect(exportAll(exporter, records).threw).toBeUndefined();
    await exporter.shutdown();
    const [line] = linesOf(path);
    expect(line).toContain('mongodb+srv://logger:****@cluster.example.net/');
    expect(line).toContain('{"password":"[REDACTED]","user.id":"u1"}');
    expect(line).not.toContain('hunter22');
    expect(line).not.toContain('p4ssw0rd');
  });

  it('writes a structured body as JSON, on one line', async () => {
    const path = join(dir, 'app.log');
    const exporter = new FileLogRecordExporter({ path });
    const records = captureRecords((logger) =>
      logger('app').emit({
        severityNumber: SeverityNumber.WARN,
        body: { acao: 'login', senha: 'abc123', count: 12n as never, nota: 'a\nb' },
      }),
    );
    exporter.export(records, () => {});
    await exporter.shutdown();
    expect(linesOf(path)).toEqual([
      expect.stringMatching(
        / - app - WARNING - \{"acao":"login","senha":"\[REDACTED\]","count":"12","nota":"a\\nb"\}$/,
      ),
    ]);
  });

  it('reports FAILED exactly once, without throwing, when the file cannot be written', async () => {
    const notAFolder = join(dir, 'plain-file');
    writeFileSync(notAFolder, '');
    for (const path of [dir, join(notAFolder, 'app.log')]) {
      const exporter = new FileLogRecordExporter({ path });
      const { results, threw } = exportAll(exporter, someRecords());
      await exporter.forceFlush();
      expect(threw).toBeUndefined();
      expect(results).toHaveLength(1);
      expect(results[0]?.code).toBe(ExportResultCode.FAILED);
      expect(exporter.getStats()).toEqual({ ...zeroStats(), accepted: 2, written: 0, failed: 2 });
    }
    expect(diagOutput.text()).toContain('cannot append 2 record(s)');
  });

  it('calls back exactly once with SUCCESS, even when the callback throws', async () => {
    const exporter = new FileLogRecordExporter({ path: join(dir, 'app.log') });
    const { results, threw } = exportAll(exporter, someRecords());
    await exporter.forceFlush();
    expect(threw).toBeUndefined();
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);

    let calls = 0;
    exporter.export(someRecords(), () => {
      calls++;
      throw new Error('callback bug');
    });
    await exporter.forceFlush();
    expect(calls).toBe(1);
    expect(diagOutput.text()).toContain('the export result callback threw');
  });

  it('refuses batches after shutdown, with FAILED', async () => {
    const path = join(dir, 'app.log');
    const exporter = new FileLogRecordExporter({ path });
    exporter.export(someRecords(), () => {});
    await exporter.shutdown();
    const { results } = exportAll(exporter, someRecords());
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED]);
    expect(linesOf(path)).toHaveLength(2);
  });

  it('refuses a missing path', () => {
    expect(() => new FileLogRecordExporter({ path: '' })).toThrow(InvalidOptionError);
    expect(() => new FileLogRecordExporter(undefined as never)).toThrow(InvalidOptionError);
  });
});
