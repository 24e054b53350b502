import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagLogLevel } from '@opentelemetry/api';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../../src/config/config-error';
import { loadConfig, MISSING_CONNECTION_STRING_WARNING } from '../../../src/config/load-config';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { captureDiag } from '../../support/diag';
import { resolveOptions } from '../../../src/shared-options/shared-options';

const diagOutput = captureDiag(DiagLogLevel.WARN);
const FILE_URI = 'mongodb+srv://logger:file-pass@file.example.net/?w=majority';
const ENV_URI = 'mongodb://env.example.net/';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'load-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('with nothing configured: defaults, remote export disabled with exactly one warning', () => {
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.exporter).toEqual({
      database: 'mathbank_logs',
      collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
      connectionTimeoutMs: 5000,
      remoteLevel: 'ERROR',
      audit: { questoes: true, listas: true, tags: true, exportacoes: true, sessoes: true },
      metricsEnabled: true,
      sendMetricsOnShutdown: true,
      trailSize: 20,
    });
    expect(config.logging).toEqual({
      remoteLoggingEnabled: false,
      remoteDisabledReason: 'no-connection-string',
      consoleLevel: undefined,
      fileLevel: undefined,
      logFile: join(dir, 'logs', 'mathbank.log'),
    });
    expect(config.warnings).toEqual([MISSING_CONNECTION_STRING_WARNING]);
    expect(diagOutput.lines.filter((line) => line.includes('No MongoDB connection string'))).toHaveLength(1);
    expect(config.sources).toMatchObject({ configFile: undefined, envFile: undefined });
    expect(config.sources.values.database).toBe('default');
  });

  it('takes explicit options over the environment, the environment over config.ini, config.ini over defaults', () => {
    const ini = write(
      'config.ini',
      `[MONGODB]\nconnection_string = ${FILE_URI}\ndatabase = file_db\ncollection_errors = file_errors\n` +
        'connection_timeout_ms = 3000\n[LOGGING]\nnivel_remoto = WARNING\nnivel_console = INFO\n',
    );
    const env = { MONGODB_URI: ENV_URI, MONGODB_DATABASE: 'env_db' };

    const fileOnly = loadConfig({ cwd: dir, env: {} });
    expect(fileOnly.exporter).toMatchObject({
      connectionString: FILE_URI,
      database: 'file_db',
      remoteLevel: 'WARNING',
    });
    expect(fileOnly.sources.values.connectionString).toBe(`${ini} [MONGODB] connection_string`);

    const withEnv = loadConfig({ cwd: dir, env });
    expect(withEnv.exporter).toMatchObject({
      connectionString: ENV_URI,
      database: 'env_db',
      connectionTimeoutMs: 3000,
    });
    expect(withEnv.sources.values).toMatchObject({
      connectionString: 'environment MONGODB_URI',
      connectionTimeoutMs: `${ini} [MONGODB] connection_timeout_ms`,
      'collections.audit': 'default',
    });

    const explicit = loadConfig({
      cwd: dir,
      env,
      options: { connectionString: 'mongodb://opt.example/', database: 'opt_db', consoleLevel: false },
    });
    expect(explicit.exporter).toMatchObject({
      connectionString: 'mongodb://opt.example/',
      database: 'opt_db',
    });
    expect(explicit.logging.consoleLevel).toBeUndefined();
    expect(explicit.sources.values).toMatchObject({ database: 'options', consoleLevel: 'options' });
    expect(explicit.warnings).toEqual([]);
  });

  it('merges collections and audit switches key by key', () => {
    write(
      'config.ini',
      '[MONGODB]\ncollection_errors = e1\ncollection_audit = a1\n[AUDIT]\nauditar_tags = off\nauditar_listas = no',
    );
    const config = loadConfig({
      cwd: dir,
      env: {},
      options: { collections: { audit: 'a2' }, audit: { listas: true } },
    });
    expect(config.exporter.collections).toEqual({ errors: 'e1', audit: 'a2', metrics: 'metrics' });
    expect(config.exporter.audit).toEqual({
      questoes: true,
      listas: true,
      tags: false,
      exportacoes: true,
      sessoes: true,
    });
  });

  it('returns options the exporters accept as they are', () => {
    write('config.ini', `[MONGODB]\nconnection_string = ${FILE_URI}\n[METRICS]\nenviar_ao_encerrar = 0`);
    const config = loadConfig({ cwd: dir, env: {}, options: { spoolDir: false, retryDeadlineMs: 2000 } });
    expect(config.exporter).toMatchObject({
      spoolDir: false,
      retryDeadlineMs: 2000,
      sendMetricsOnShutdown: false,
    });
    // An empty environment proves that nothing is left for the exporters to look up again.
    expect(resolveOptions(config.exporter, {})).toMatchObject({
      connectionString: FILE_URI,
      database: 'mathbank_logs',
      retryDeadlineMs: 2000,
      spoolDir: undefined,
    });
    expect(config.exporter).not.toHaveProperty('consoleLevel');
  });

  it('reads the console and file levels and the log file path, off unless configured', () => {
    write('config.ini', '[LOGGING]\nnivel_console = info\nnivel_arquivo = debug\narquivo_log = var/app.log');
    const config = loadConfig({ cwd: dir, env: { MONGODB_URI: ENV_URI } });
    expect(config.logging).toMatchObject({
      consoleLevel: 'INFO',
      fileLevel: 'DEBUG',
      logFile: join(dir, 'var', 'app.log'),
      remoteLoggingEnabled: true,
      remoteDisabledReason: undefined,
    });
    const explicitOff = loadConfig({
      cwd: dir,
      env: {},
      options: { fileLevel: false, consoleLevel: 'warn' as never },
    });
    expect(explicitOff.logging).toMatchObject({ consoleLevel: 'WARNING', fileLevel: undefined });
  });

  it('with remote_logging_enabled = false: remote export off, no warning even without a connection string', () => {
    write('config.ini', '[LOGGING]\nremote_logging_enabled = false');
    const off = loadConfig({ cwd: dir, env: {} });
    expect(off.logging).toMatchObject({ remoteLoggingEnabled: false, remoteDisabledReason: 'switched-off' });
    expect(off.warnings).toEqual([]);
    expect(loadConfig({ cwd: dir, env: {}, options: { remoteLoggingEnabled: true } }).warnings).toEqual([
      MISSING_CONNECTION_STRING_WARNING,
    ]);
  });

  it('with a client: no connection string needed, none taken from the environment or the file', async () => {
    write('config.ini', `[MONGODB]\nconnection_string = ${FILE_URI}`);
    const client = new MongoClient('mongodb://127.0.0.1:1/');
    try {
      const config = loadConfig({ cwd: dir, env: { MONGODB_URI: ENV_URI }, options: { client } });
      expect(config.exporter.client).toBe(client);
      expect(config.exporter.connectionString).toBeUndefined();
      expect(config.logging.remoteLoggingEnabled).toBe(true);
      expect(config.warnings).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('reads config.ini and .env from cwd when present, and skips them when told', () => {
    const ini = write('config.ini', '[MONGODB]\ndatabase = from_ini');
    const dotenv = write('.env', `MONGODB_URI=${ENV_URI}`);
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.sources).toMatchObject({ configFile: ini, envFile: dotenv });
    expect(config.exporter).toMatchObject({ database: 'from_ini', connectionString: ENV_URI });
    const none = loadConfig({ cwd: dir, env: {}, configFile: false, envFile: false });
    expect(none.sources).toMatchObject({ configFile: undefined, envFile: undefined });
    expect(none.exporter.database).toBe('mathbank_logs');
  });

  it('reads explicitly named files, relative to cwd', () => {
    write('prod.ini', '[MONGODB]\ndatabase = prod_db');
    write('prod.env', 'MONGODB_CONNECTION_STRING=mongodb://prod.example/');
    const config = loadConfig({ cwd: dir, env: {}, configFile: 'prod.ini', envFile: 'prod.env' });
    expect(config.exporter).toMatchObject({
      database: 'prod_db',
      connectionString: 'mongodb://prod.example/',
    });
  });

  it('refuses an explicitly named file that does not exist', () => {
    expect(() => loadConfig({ cwd: dir, env: {}, configFile: 'missing.ini' })).toThrow(InvalidOptionError);
    expect(() => loadConfig({ cwd: dir, env: {}, configFile: 'missing.ini' })).toThrow(
      /configFile.*missing\.ini/,
    );
    expect(() => loadConfig({ cwd: dir, env: {}, envFile: 'missing.env' })).toThrow(/envFile/);
  });

  it('reports bad file content as a ConfigFileError naming the file, without the password', () => {
    const ini = write(
      'config.ini',
      `[MONGODB]\nconnection_string = ${FILE_URI}\nconnection_timeout_ms = abc`,
    );
    let error: unknown;
    try {
      loadConfig({ cwd: dir, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error).toMatchObject({
      file: ini,
      section: 'MONGODB',
      key: 'connection_timeout_ms',
      value: 'abc',
    });
    expect((error as Error).message).toContain(ini);
    expect((error as Error).message).not.toContain('file-pass');
  });

  it('refuses bad explicit options before reading anything else', () => {
    // Files that are themselves wrong: the explicit option's error must still be the one thrown.
    write('config.ini', '[MONGODB]\nconnection_timeout_ms = soon\n[NOSUCH]\nx = 1');
    write('.env', 'MONGODB_DATABASE=bad.name');
    const env = { MONGODB_URI: 'not a uri' };
    expect(() => loadConfig({ cwd: dir, env, options: { database: 'a/b' } })).toThrow(
      /Invalid option database/,
    );
    expect(() => loadConfig({ cwd: dir, env, options: { connectionTimeoutMs: -1 } })).toThrow(
      /connectionTimeoutMs/,
    );
    expect(() => loadConfig({ cwd: dir, env, options: { audit: { tag: false } as never } })).toThrow(
      /audit\.tag/,
    );
    expect(() => loadConfig({ cwd: dir, env, options: { collections: { erros: 'x' } as never } })).toThrow(
      /collections\.erros/,
    );
    expect(() => loadConfig({ cwd: dir, env, options: { consoleLevel: 'LOUD' as never } })).toThrow(
      /consoleLevel/,
    );
    expect(() => loadConfig({ cwd: dir, env, options: { metricsEnabled: 'yes' as never } })).toThrow(
      /metricsEnabled/,
    );
    expect(() => loadConfig({ cwd: dir, env, options: { remoteLoggingEnabled: 1 as never } })).toThrow(
      /remoteLoggingEnabled/,
    );
  });

  it('never changes process.env', () => {
    write('.env', 'MONGODB_DATABASE=from_dotenv_file\nLOAD_CONFIG_TEST_MARKER=1');
    const before = { ...process.env };
    loadConfig({ cwd: dir });
    expect(process.env).toEqual(before);
  });
});
