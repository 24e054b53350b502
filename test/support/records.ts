import type { Logger } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';

export const TEST_RESOURCE = resourceFromAttributes({
  'app.installation.id': '0123456789abcdef',
  'service.version': '9.9.9',
});

/** Real SDK log records: `emit` logs through a LoggerProvider whose records are captured in memory. */
export function captureRecords(
  emit: (logger: (name: string) => Logger) => void,
  resource: Resource = TEST_RESOURCE,
): ReadableLogRecord[] {
  const records: ReadableLogRecord[] = [];
  const collect = {
    onEmit: (record: ReadableLogRecord) => void records.push(record),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const provider = new LoggerProvider({ resource, processors: [collect] });
  emit((name) => provider.getLogger(name));
  return records;
}
