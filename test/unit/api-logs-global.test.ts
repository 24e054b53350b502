import { createRequire } from 'node:module';
import type * as ApiLogs from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { registerApiLogsGlobal } from '../../src/setup/api-logs-global';

// @opentelemetry/api-logs is not a dependency of the package; here it comes with the
// winston transport (a dev dependency), as it would in an application that uses it.
const apiLogs = createRequire(import.meta.url)('@opentelemetry/api-logs') as typeof ApiLogs;

describe('registerApiLogsGlobal()', () => {
  it('connects loggers of @opentelemetry/api-logs, also those taken before the call, and keeps the first provider', () => {
    const early = apiLogs.logs.getLogger('early');
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    expect(registerApiLogsGlobal(provider)).toBe(true);
    early.emit({ body: 'before' });
    apiLogs.logs.getLogger('late').emit({ body: 'after' });
    expect(exporter.getFinishedLogRecords().map((record) => record.body)).toEqual(['before', 'after']);
    expect(registerApiLogsGlobal(new LoggerProvider())).toBe(false);
    apiLogs.logs.disable();
  });
});
