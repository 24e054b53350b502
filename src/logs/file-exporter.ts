import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { SecretKeyPattern } from '../document/keys';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import { keysOf, type OptionTable, resolveTable } from '../options/descriptor';
import { checkKeys, checkOptionsObject } from '../options/key-table';
import { SANITIZE_OPTIONS } from '../document/options';
import { secretKeyMatcher } from '../document/keys';
import { describeError } from '../foundation/redact';
import { type ExporterStats, StatsCounter } from '../foundation/stats';
import { formatLogLine } from './log-line';
import { failed, runExport } from '../foundation/export-result';

const log = componentLogger('file-exporter');

/** Options of {@link FileLogRecordExporter}. */
export interface FileLogRecordExporterOptions {
  /** The file to append to; its folder is created if needed. Relative to the working directory. */
  path: string;
  /**
   * Attribute keys whose values are written as `[REDACTED]`.
   * @default DEFAULT_SECRET_KEYS
   */
  redactKeys?: readonly SecretKeyPattern[];
}

const FILE_EXPORTER_OPTIONS = {
  path: { transform: filePath },
  redactKeys: SANITIZE_OPTIONS.redactKeys,
} satisfies OptionTable<FileLogRecordExporterOptions>;

const FILE_EXPORTER_KEYS = keysOf(FILE_EXPORTER_OPTIONS);

function filePath(name: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return resolve(value);
  throw new InvalidOptionError(name, value, 'a file path');
}

/**
 * Counts of a {@link FileLogRecordExporter}: the package's one stats shape, of which it uses
 * `accepted`, `written` (lines appended) and `failed` (records lost: the file could not be written).
 * @deprecated Use `ExporterStats`; kept as its alias.
 */
export type FileExporterStats = ExporterStats;

/**
 * A `LogRecordExporter` that appends one line per record to a local file, such as the
 * plan's `logs/mathbank.log`. Batches are written in order. `export()` never throws and
 * calls back exactly once; `shutdown()` waits for the writes in flight.
 */
export class FileLogRecordExporter implements LogRecordExporter {
  /** Absolute path of the file. */
  readonly path: string;
  private readonly isSecretKey: (key: string) => boolean;
  private readonly stats = new StatsCounter();
  private folderReady: Promise<unknown> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private isShutDown = false;

  constructor(options: FileLogRecordExporterOptions) {
    checkOptionsObject('options', options, 'an object like { path }');
    checkKeys('FileLogRecordExporter', options, FILE_EXPORTER_KEYS);
    const resolved = resolveTable(FILE_EXPORTER_OPTIONS, options);
    this.path = resolved.path;
    this.isSecretKey = secretKeyMatcher(resolved.redactKeys);
  }

  /** What the exporter has done so far, in the shape `observeExporterStats` takes. */
  getStats(): ExporterStats {
    return this.stats.snapshot();
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const call = { exporter: 'FileLogRecordExporter', log, shutDown: this.isShutDown };
    const exported = runExport(call, resultCallback, () => this.appendInOrder(records));
    // The next batch, forceFlush() and shutdown() wait until this one has called back.
    this.queue = this.queue.then(() => exported);
  }

  /** Waits until every batch given so far is written (or has failed). */
  forceFlush(): Promise<void> {
    return this.queue;
  }

  /** Refuses new batches and waits for the ones in flight. */
  shutdown(): Promise<void> {
    this.isShutDown = true;
    return this.queue;
  }

  /** Formats `records` now and appends their lines once the batches before them are written. */
  private appendInOrder(records: ReadableLogRecord[]): ExportResult | Promise<ExportResult> {
    this.stats.add('accepted', records.length);
    let text: string;
    try {
      text = records.map((record) => `${this.formatSafely(record)}\n`).join('');
    } catch (error) {
      this.fail(records.length, error);
      return failed(error);
    }
    return this.queue.then(() => this.append(text, records.length));
  }

  /** Appends one batch's lines; never rejects: a failure is counted, reported and answered. */
  private async append(text: string, count: number): Promise<ExportResult> {
    try {
      this.folderReady ??= mkdir(dirname(this.path), { recursive: true });
      await this.folderReady;
      await appendFile(this.path, text, 'utf8');
      this.stats.add('written', count);
      return { code: ExportResultCode.SUCCESS };
    } catch (error) {
      this.folderReady = undefined; // the folder may have been removed: try again next time
      this.fail(count, error);
      return failed(error);
    }
  }

  private formatSafely(record: ReadableLogRecord): string {
    try {
      return formatLogLine(record, this.isSecretKey);
    } catch (error) {
      // A record whose fields cannot be read still leaves a trace in the file.
      log.warn('cannot format a log record', error);
      return `${new Date().toISOString()} - ? - ? - [unreadable log record: ${describeError(error)}]`;
    }
  }

  private fail(count: number, error: unknown): void {
    this.stats.add('failed', count);
    log.error(`cannot append ${count} record(s) to ${this.path}: ${describeError(error)}`);
  }
}
