import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { LifecycleError } from '../../src/foundation/errors';
import { LineConsoleLogRecordExporter } from '../../src/logs/console-exporter';
import { MongoLogRecordExporter } from '../../src/logs/exporter';
import { FileLogRecordExporter } from '../../src/logs/file-exporter';

const NOWHERE = 'mongodb://127.0.0.1:1/';
const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a log exporter used after shutdown()', () => {
  it.each<[string, () => LogRecordExporter]>([
    [
      'MongoLogRecordExporter',
      () => new MongoLogRecordExporter({ connectionString: NOWHERE, spoolDir: false }),
    ],
    ['FileLogRecordExporter', () => new FileLogRecordExporter({ path: join(dir, 'app.log') })],
    [
      'LineConsoleLogRecordExporter',
      () => new LineConsoleLogRecordExporter({ stream: { write: () => true } }),
    ],
  ])('%s reports FAILED with a LifecycleError, once', async (name, make) => {
    const exporter = make();
    await exporter.shutdown();
    let calls = 0;
    const result = await new Promise<ExportResult>((resolve) =>
      exporter.export([], (r) => {
        calls++;
        resolve(r);
      }),
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(LifecycleError);
    expect(result.error?.message).toBe(`${name} is shut down`);
    expect(calls).toBe(1);
  });
});
