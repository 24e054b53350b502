import { DiagLogLevel } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { useTestDatabase } from '../../support/database';
import { captureDiag } from '../../support/diag';
import { startTestGateway, TOKEN } from '../../support/gateway';
import { pythonEnv, runPythonOutput } from '../../support/python';

const db = useTestDatabase('gateway_python_wrong_token');
const diag = captureDiag(DiagLogLevel.VERBOSE);
const WRONG_TOKEN = 'wrong-token-fedcba9876543210';
let gateway: Gateway;
let python: string;

beforeAll(async () => {
  python = pythonEnv();
  gateway = await startTestGateway(db.uri, db.name);
}, 300_000);
afterAll(() => gateway?.close());

describe('the Python recipe (examples/python) with a wrong token', () => {
  it('prints the export failure on stderr, and the gateway logs one WARN line without the token', async () => {
    const app = await runPythonOutput(python, 'examples/python/app.py', [], {
      GATEWAY_URL: gateway.url,
      GATEWAY_TOKEN: WRONG_TOKEN,
    });
    expect(app.code).toBe(0);
    expect(app.stderr).toContain(
      'ERROR opentelemetry.exporter.otlp.proto.http._log_exporter: Failed to export logs batch code: 401',
    );
    expect(app.stderr).toMatch(/Failed to export metrics batch code: 401/);
    expect(app.stderr).not.toContain(WRONG_TOKEN);
    expect(await db.db.collection('errors').countDocuments()).toBe(0);

    // Both requests (logs and metrics) were refused, and one line says so.
    expect(gateway.counters().requests['401']).toBeGreaterThanOrEqual(2);
    const warnings = diag.lines.filter((line) => line.startsWith('warn '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/401.*matches no configured token/);
    for (const line of diag.lines) {
      expect(line).not.toContain(WRONG_TOKEN);
      expect(line).not.toContain(TOKEN);
    }
  });
});
