import type { Context, SeverityNumber } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { effectiveSeverity } from '../document/level';
import type { LevelName } from '../document/schema';
import { parseSeverity } from '../document/level';

/**
 * A `LogRecordProcessor` that passes on to `processor` only the records at or above a
 * level, so that one `LoggerProvider` can feed the console at INFO, a file at DEBUG and
 * MongoDB at ERROR. A record without a severity number is judged by its severity text,
 * else as INFO.
 */
export class LevelFilterProcessor implements LogRecordProcessor {
  /** The lowest severity number passed on. */
  readonly minimumSeverity: SeverityNumber;
  private readonly processor: LogRecordProcessor;

  constructor(processor: LogRecordProcessor, minimumLevel: LevelName | SeverityNumber) {
    this.processor = processor;
    this.minimumSeverity = parseSeverity('minimumLevel', minimumLevel);
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    if (effectiveSeverity(logRecord.severityNumber, logRecord.severityText) < this.minimumSeverity) return;
    this.processor.onEmit(logRecord, context);
  }

  /** Lets the SDK skip building records that no processor wants. */
  enabled(options: {
    context: Context;
    instrumentationScope: InstrumentationScope;
    severityNumber?: SeverityNumber;
    eventName?: string;
  }): boolean {
    const severity = options.severityNumber;
    if (severity !== undefined && severity > 0 && severity < this.minimumSeverity) return false;
    return this.processor.enabled ? this.processor.enabled(options) : true;
  }

  forceFlush(): Promise<void> {
    return this.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.processor.shutdown();
  }
}
