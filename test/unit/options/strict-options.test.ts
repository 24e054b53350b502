import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLogger } from '../../../src/audit/audit-logger';
import { loadConfig } from '../../../src/config/load-config';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { LineConsoleLogRecordExporter } from '../../../src/logs/console-exporter';
import { MongoLogRecordExporter } from '../../../src/logs/exporter';
import { FileLogRecordExporter } from '../../../src/logs/file-exporter';
import { MetricsCollector } from '../../../src/metrics/collector';
import { MongoMetricExporter } from '../../../src/metrics/exporter';
import { LOGGING_DEFAULTS } from '../../../src/config/options';
import { closestKey } from '../../../src/options/key-table';
import { SETUP_DEFAULTS } from '../../../src/setup/options';
import { ErrorReporter } from '../../../src/reporter/error-reporter';
import { setupTelemetry } from '../../../src/setup/setup-telemetry';
import { resolveOptions, SHARED_OPTION_KEYS } from '../../../src/shared-options/shared-options';

const URI = 'mongodb://127.0.0.1:1/';

function thrown(make: () => unknown): InvalidOptionError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('unknown option keys', () => {
  it.each<[string, () => unknown, string, string]>([
    [
      'MongoLogRecordExporter',
      () => new MongoLogRecordExporter({ remotelevel: 'INFO' } as never),
      'remotelevel',
      'remoteLevel',
    ],
    [
      'MongoMetricExporter',
      () => new MongoMetricExporter({ metricEnabled: false } as never),
      'metricEnabled',
      'metricsEnabled',
    ],
    [
      'ErrorReporter',
      () => new ErrorReporter({ flushTimeout: 10 } as never),
      'flushTimeout',
      'flushTimeoutMs',
    ],
    ['AuditLogger', () => new AuditLogger({ actiongroups: {} } as never), 'actiongroups', 'actionGroups'],
    [
      'MetricsCollector',
      () => new MetricsCollector({ meterprovider: {} } as never),
      'meterprovider',
      'meterProvider',
    ],
    [
      'FileLogRecordExporter',
      () => new FileLogRecordExporter({ path: 'x.log', redactkeys: [] } as never),
      'redactkeys',
      'redactKeys',
    ],
    [
      'LineConsoleLogRecordExporter',
      () => new LineConsoleLogRecordExporter({ steam: process.stdout } as never),
      'steam',
      'stream',
    ],
    ['loadConfig', () => loadConfig({ configfile: false } as never), 'configfile', 'configFile'],
    [
      'loadConfig() options',
      () => loadConfig({ options: { consolelevel: 'INFO' } as never, env: {} }),
      'consolelevel',
      'consoleLevel',
    ],
    [
      'collections',
      () => resolveOptions({ collections: { error: 'x' } as never }, {}),
      'collections.error',
      'errors',
    ],
    ['audit', () => resolveOptions({ audit: { tag: false } as never }, {}), 'audit.tag', 'tags'],
  ])(
    '%s throws InvalidOptionError naming the key and the closest valid key',
    (_owner, make, key, suggestion) => {
      const error = thrown(make);
      expect(error.option).toBe(key);
      expect(error.suggestion).toBe(suggestion);
      expect(error.message).toContain(`Invalid option ${key}`);
      expect(error.message).toContain(`did you mean ${suggestion}?`);
    },
  );

  it('setupTelemetry() rejects a misspelt key before setting anything up', async () => {
    const error = await setupTelemetry({ remotelevel: 'INFO', connectionString: URI } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).message).toMatch(/remotelevel.*did you mean remoteLevel\?/);
  });

  it('never shows the password of a connection string given under a misspelt key', () => {
    const error = thrown(
      () => new MongoLogRecordExporter({ connectionstring: 'mongodb://u:hunter22@h/' } as never),
    );
    expect(error.suggestion).toBe('connectionString');
    expect(error.message).not.toContain('hunter22');
  });

  it('gives no suggestion for a key far from every valid one', () => {
    expect(closestKey('somethingElseEntirely', SHARED_OPTION_KEYS)).toBeUndefined();
  });

  it('accepts the shared options object in every part that is documented to take it', () => {
    const config = loadConfig({
      options: { connectionString: URI, flushTimeoutMs: 100 },
      env: {},
      configFile: false,
      envFile: false,
    });
    const loggerProvider = new LoggerProvider();
    expect(() => new ErrorReporter({ ...config.exporter, loggerProvider })).not.toThrow();
    expect(() => new AuditLogger({ ...config.exporter, loggerProvider })).not.toThrow();
    expect(() => new MetricsCollector({ ...config.exporter, metricsEnabled: false })).not.toThrow();
  });
});

describe("each part's defaults", () => {
  it('gives setupTelemetry and the local logging options their documented defaults', () => {
    expect(SETUP_DEFAULTS).toMatchObject({ shutdownTimeoutMs: 5000, metricExportIntervalMs: 60_000 });
    expect(LOGGING_DEFAULTS).toMatchObject({ remoteLoggingEnabled: true, logFile: 'logs/mathbank.log' });
  });

  it('resolves metricsEnabled, sendMetricsOnShutdown, flushTimeoutMs and the audit switches', () => {
    const resolved = resolveOptions(
      { connectionString: URI, metricsEnabled: false, flushTimeoutMs: 50, audit: { tags: false } },
      {},
    );
    expect(resolved).toMatchObject({
      metricsEnabled: false,
      sendMetricsOnShutdown: true,
      flushTimeoutMs: 50,
      audit: { tags: false, questoes: true },
    });
    expect(thrown(() => resolveOptions({ sendMetricsOnShutdown: 'yes' as never }, {})).option).toBe(
      'sendMetricsOnShutdown',
    );
  });
});

describe('an unparsable MONGODB_URI', () => {
  it.each(['mongodb://db.example.net:notaport/', 'mongodb+srv://db.example.net:27017/'])(
    'is named as the environment variable it came from: %s',
    (uri) => {
      expect(thrown(() => resolveOptions({}, { MONGODB_URI: uri })).option).toBe(
        'MONGODB_URI (environment variable)',
      );
      expect(thrown(() => new MongoLogRecordExporter({ connectionString: uri })).option).toBe(
        'connectionString',
      );
      const viaConfig = thrown(() =>
        loadConfig({ env: { MONGODB_URI: uri }, configFile: false, envFile: false }),
      );
      expect(viaConfig.message).toContain('MONGODB_URI (environment variable)');
    },
  );

  it('does not show the password in the parse error', () => {
    const error = thrown(() => resolveOptions({}, { MONGODB_URI: 'mongodb://u:hunter22@db.example.net:x/' }));
    expect(error.message).not.toContain('hunter22');
  });
});

describe('config.ini', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strict-ini-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a key given twice, naming the file, the section and both lines', () => {
    const file = join(dir, 'config.ini');
    writeFileSync(
      file,
      '[MONGODB]\ndatabase = a\n\n[LOGGING]\nnivel_remoto = ERROR\n[MONGODB]\ndatabase = b\n',
    );
    const error = thrown(() => loadConfig({ configFile: file, env: {}, envFile: false }));
    expect(error.message).toContain(`${file} [MONGODB] database`);
    expect(error.message).toContain('line 2 and line 7');
  });
});
