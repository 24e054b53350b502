import { SeverityNumber } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { LevelFilterProcessor } from '../../../src/logs/level-filter';
import type { LevelName } from '../../../src/document/schema';

function pipeline(minimum: LevelName | SeverityNumber) {
  const exporter = new InMemoryLogRecordExporter();
  const filter = new LevelFilterProcessor(new SimpleLogRecordProcessor({ exporter: exporter }), minimum);
  const provider = new LoggerProvider({ processors: [filter] });
  return { exporter, filter, provider, logger: provider.getLogger('app') };
}

describe('LevelFilterProcessor', () => {
  it('passes on records at or above the level only', () => {
    const { exporter, logger } = pipeline('WARNING');
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'debug' });
    logger.emit({ severityNumber: SeverityNumber.INFO4, body: 'info4' });
    logger.emit({ severityNumber: SeverityNumber.WARN, body: 'warn' });
    logger.emit({ severityNumber: SeverityNumber.ERROR2, body: 'error2' });
    logger.emit({ severityNumber: SeverityNumber.FATAL, body: 'fatal' });
    expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['warn', 'error2', 'fatal']);
  });

  it('judges a record without a severity number by its text, else as INFO', () => {
    const { exporter, logger } = pipeline('INFO');
    logger.emit({ severityText: 'debug', body: 'debug text' });
    logger.emit({ severityText: 'ERROR', body: 'error text' });
    logger.emit({ body: 'no severity' });
    expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['error text', 'no severity']);
  });

  it('accepts a severity number as the level', () => {
    const { exporter, logger } = pipeline(SeverityNumber.ERROR3);
    logger.emit({ severityNumber: SeverityNumber.ERROR2, body: 'below' });
    logger.emit({ severityNumber: SeverityNumber.ERROR3, body: 'at' });
    expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['at']);
  });

  it('tells the SDK which severities it wants', () => {
    const { filter, logger } = pipeline('ERROR');
    expect(logger.enabled?.({ severityNumber: SeverityNumber.INFO })).toBe(false);
    expect(logger.enabled?.({ severityNumber: SeverityNumber.ERROR })).toBe(true);
    expect(filter.minimumSeverity).toBe(SeverityNumber.ERROR);
  });

  it('feeds several destinations at different levels from one provider', () => {
    const consoleOut = new InMemoryLogRecordExporter();
    const fileOut = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [
        new LevelFilterProcessor(new SimpleLogRecordProcessor({ exporter: consoleOut }), 'INFO'),
        new LevelFilterProcessor(new SimpleLogRecordProcessor({ exporter: fileOut }), 'DEBUG'),
      ],
    });
    const logger = provider.getLogger('app');
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'detail' });
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'started' });
    expect(consoleOut.getFinishedLogRecords().map((r) => r.body)).toEqual(['started']);
    expect(fileOut.getFinishedLogRecords().map((r) => r.body)).toEqual(['detail', 'started']);
  });

  it('forwards forceFlush and shutdown', async () => {
    const calls: string[] = [];
    const inner = {
      onEmit: () => calls.push('emit'),
      forceFlush: async () => void calls.push('flush'),
      shutdown: async () => void calls.push('shutdown'),
    };
    const provider = new LoggerProvider({ processors: [new LevelFilterProcessor(inner, 'INFO')] });
    provider.getLogger('app').emit({ severityNumber: SeverityNumber.INFO, body: 'x' });
    await provider.forceFlush();
    await provider.shutdown();
    expect(calls).toEqual(['emit', 'flush', 'shutdown']);
  });

  it('refuses an unknown level', () => {
    expect(
      () =>
        new LevelFilterProcessor(
          new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() }),
          'LOUD' as never,
        ),
    ).toThrow(InvalidOptionError);
  });
});
