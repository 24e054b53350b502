import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

// The examples import the package by name (dist/): `npm test` builds it first.
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const database = useTestDatabase('esm_hook');

describe('NodeSDK in an ES module application, telemetry loaded with --import', () => {
  it('patches pino through the loader hook, stores its error log, and shuts down cleanly', async () => {
    const result = await run(
      process.execPath,
      ['--import', './examples/instrumentation.ts', 'examples/instrumented-app.ts'],
      {
        cwd: root,
        env: { ...process.env, MONGODB_URI: database.uri, MONGODB_DATABASE: database.name },
        timeout: 60_000,
      },
    );
    expect(result.stderr).not.toContain('shutdown failed');
    const errors = await database.db.collection('errors').find().toArray();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      nivel: 'ERROR',
      logger_name: '@opentelemetry/instrumentation-pino',
      erro: { tipo: 'SyntaxError' },
      contexto: { arquivo: 'questoes.csv' },
    });
  });

  it("stores an error logged inside a span with that span's trace_id and span_id", async () => {
    const collection = database.db.collection('errors');
    await collection.deleteMany({});
    const result = await run(
      process.execPath,
      ['--import', './examples/instrumentation.ts', 'test/fixtures/traced-pino-app.ts'],
      {
        cwd: root,
        env: { ...process.env, MONGODB_URI: database.uri, MONGODB_DATABASE: database.name },
        timeout: 60_000,
      },
    );
    const printed = /^span-ids (.*)$/m.exec(result.stdout);
    expect(printed, result.stdout).not.toBeNull();
    const span = JSON.parse(printed![1]!) as { traceId: string; spanId: string };
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.traceId).not.toMatch(/^0+$/); // a real span, not the API's no-op one
    const errors = await collection.find().toArray();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      erro: { tipo: 'SyntaxError' },
      trace_id: span.traceId,
      span_id: span.spanId,
    });
  });
});
