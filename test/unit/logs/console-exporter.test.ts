import { SeverityNumber } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { LineConsoleLogRecordExporter } from '../../../src/logs/console-exporter';
import { captureRecords } from '../../support/records';

describe('LineConsoleLogRecordExporter', () => {
  it('prints one line per record on the given stream', async () => {
    const written: string[] = [];
    const exporter = new LineConsoleLogRecordExporter({
      stream: { write: (text: string) => written.push(text) },
    });
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    provider
      .getLogger('app')
      .emit({ severityNumber: SeverityNumber.INFO, body: 'started', attributes: { token: 'abc' } });
    provider.getLogger('app').emit({ severityNumber: SeverityNumber.FATAL, body: 'crashed\nbadly' });
    await provider.shutdown();
    expect(written.join('')).toMatch(
      /^\S+Z - app - INFO - started \{"token":"\[REDACTED\]"\}\n\S+Z - app - CRITICAL - crashed\\nbadly\n$/,
    );
  });

  it('reports FAILED once, without throwing, when the stream throws', () => {
    const exporter = new LineConsoleLogRecordExporter({
      stream: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    const results: ExportResult[] = [];
    const records = captureRecords((logger) => logger('app').emit({ body: 'x' }));
    expect(() => exporter.export(records, (result) => results.push(result))).not.toThrow();
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED]);
  });
});
