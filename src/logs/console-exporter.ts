import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { SecretKeyPattern } from '../document/keys';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import { keysOf, type OptionTable, resolveTable } from '../options/descriptor';
import { checkKeys, checkOptionsObject } from '../options/key-table';
import { SANITIZE_OPTIONS } from '../document/options';
import { secretKeyMatcher } from '../document/keys';
import { formatLogLine } from './log-line';
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

const CONSOLE_EXPORTER_OPTIONS = {
  stream: { transform: writableStream },
  redactKeys: SANITIZE_OPTIONS.redactKeys,
} satisfies OptionTable<LineConsoleLogRecordExporterOptions>;

const CONSOLE_EXPORTER_KEYS = keysOf(CONSOLE_EXPORTER_OPTIONS);

function writableStream(name: string, value: unknown): { write(text: string): unknown } {
  if (value === undefined) return process.stdout;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { write?: unknown }).write === 'function'
  ) {
    return value as { write(text: string): unknown };
  }
  throw new InvalidOptionError(name, '[not a stream]', 'an object with write(text), such as process.stderr');
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
    checkOptionsObject('options', options);
    checkKeys('LineConsoleLogRecordExporter', options, CONSOLE_EXPORTER_KEYS);
    const resolved = resolveTable(CONSOLE_EXPORTER_OPTIONS, options);
    this.stream = resolved.stream;
    this.isSecretKey = secretKeyMatcher(resolved.redactKeys);
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
