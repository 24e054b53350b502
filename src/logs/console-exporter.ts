import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { SecretKeyPattern } from '../document/keys';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import { checkKnownKeys } from '../option-keys';
import { formatLogLine, lineSecretMatcher } from './log-line';
import { failed, runExport } from '../foundation/export-result';

const log = componentLogger('console-exporter');

/** Options of {@link LineConsoleLogRecordExporter}. */
export interface LineConsoleLogRecordExporterOptions {
  /**
   * Where lines go.
   * @default process.stdout
   */
  stream?: { write(text: string): unknown };
  /**
   * Attribute keys whose values are printed as `[REDACTED]`.
   * @default DEFAULT_SECRET_KEYS
   */
  redactKeys?: readonly SecretKeyPattern[];
}

/**
 * A `LogRecordExporter` that prints one line per record (`time - logger - LEVEL - message
 * {attributes}`), like the plan's console handler; the SDK's `ConsoleLogRecordExporter`
 * prints a multi-line object per record instead. `export()` never throws and calls back once.
 */
export class LineConsoleLogRecordExporter implements LogRecordExporter {
  private readonly stream: { write(text: string): unknown };
  private readonly isSecretKey: (key: string) => boolean;
  private isShutDown = false;

  constructor(options: LineConsoleLogRecordExporterOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidOptionError('options', options, 'an object');
    }
    checkKnownKeys('LineConsoleLogRecordExporter', options);
    this.stream = options.stream ?? process.stdout;
    this.isSecretKey = lineSecretMatcher(options.redactKeys);
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const call = { exporter: 'LineConsoleLogRecordExporter', log, shutDown: this.isShutDown };
    void runExport(call, resultCallback, () => {
      try {
        this.stream.write(records.map((record) => `${formatLogLine(record, this.isSecretKey)}\n`).join(''));
        return { code: ExportResultCode.SUCCESS };
      } catch (error) {
        log.error('cannot print log records', error);
        return failed(error);
      }
    });
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.isShutDown = true;
  }
}
