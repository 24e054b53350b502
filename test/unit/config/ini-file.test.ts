import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../../src/config/config-error';
import { parseConfigFile } from '../../../src/config/ini-file';
import { InvalidOptionError } from '../../../src/foundation/errors';

const FILE = '/app/config.ini';

const PLAN_FILE = `
[LOGGING]
nivel_console = INFO
nivel_arquivo = DEBUG
nivel_remoto = ERROR
remote_logging_enabled = true

[MONGODB]
; use environment variables in production
connection_string = mongodb+srv://logger:s3cret@cluster.example.net/?retryWrites=true&w=majority
database = mathbank_logs
collection_errors = errors
collection_audit = audit
collection_metrics = metrics
connection_timeout_ms = 5000

[AUDIT]
auditar_questoes = true
auditar_listas = true
auditar_tags = false
auditar_exportacoes = true
auditar_sessoes = true

[METRICS]
enabled = true
enviar_ao_encerrar = false
`;

function valuesOf(text: string): Record<string, unknown> {
  const { values } = parseConfigFile(FILE, text);
  return Object.fromEntries([...values].map(([key, { value }]) => [key, value]));
}

function errorOf(text: string): ConfigFileError {
  try {
    parseConfigFile(FILE, text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as ConfigFileError;
  }
  throw new Error('expected a ConfigFileError');
}

describe('parseConfigFile', () => {
  it('reads [LOGGING] tamanho_trilha as trailSize, 0 included, and rejects other values naming the key', () => {
    expect(valuesOf('[LOGGING]\ntamanho_trilha = 30')).toEqual({ trailSize: 30 });
    expect(valuesOf('[LOGGING]\ntamanho_trilha = 0')).toEqual({ trailSize: 0 });
    expect(errorOf('[LOGGING]\ntamanho_trilha = -1').message).toContain('tamanho_trilha');
    expect(errorOf('[LOGGING]\ntamanho_trilha = 500').message).toContain('tamanho_trilha');
  });

  it("reads every key of the plan's file into the package's option names", () => {
    const parsed = parseConfigFile(FILE, PLAN_FILE);
    expect(valuesOf(PLAN_FILE)).toEqual({
      consoleLevel: 'INFO',
      fileLevel: 'DEBUG',
      remoteLevel: 'ERROR',
      remoteLoggingEnabled: true,
      connectionString: 'mongodb+srv://logger:s3cret@cluster.example.net/?retryWrites=true&w=majority',
      database: 'mathbank_logs',
      'collections.errors': 'errors',
      'collections.audit': 'audit',
      'collections.metrics': 'metrics',
      connectionTimeoutMs: 5000,
      'audit.questoes': true,
      'audit.listas': true,
      'audit.tags': false,
      'audit.exportacoes': true,
      'audit.sessoes': true,
      metricsEnabled: true,
      sendMetricsOnShutdown: false,
    });
    expect(parsed.holdsConnectionString).toBe(true);
    expect(parsed.values.get('connectionTimeoutMs')?.origin).toBe(
      '/app/config.ini [MONGODB] connection_timeout_ms',
    );
  });

  it('matches sections and keys case-insensitively and reads level names in any spelling', () => {
    expect(valuesOf('[logging]\nNIVEL_CONSOLE = warn\n[Metrics]\nEnabled = No')).toEqual({
      consoleLevel: 'WARNING',
      metricsEnabled: false,
    });
  });

  it('treats an empty value as a key left out', () => {
    const parsed = parseConfigFile(
      FILE,
      '[MONGODB]\nconnection_string =\ndatabase =\n[LOGGING]\nnivel_console =',
    );
    expect(parsed.values.size).toBe(0);
    expect(parsed.holdsConnectionString).toBe(false);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['Yes', true],
    ['on', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['NO', false],
    ['Off', false],
    ['0', false],
  ])('accepts the boolean %s', (text, expected) => {
    expect(valuesOf(`[METRICS]\nenabled = ${text}`)).toEqual({ metricsEnabled: expected });
  });

  it('names the file, section, key and value of a wrong boolean', () => {
    const error = errorOf('[METRICS]\nenabled = maybe');
    expect(error).toMatchObject({ file: FILE, section: 'METRICS', key: 'enabled', value: 'maybe' });
    expect(error.message).toBe(
      'Invalid option /app/config.ini [METRICS] enabled: "maybe"; expected true/false, yes/no, on/off or 1/0',
    );
  });

  it.each(['abc', '0', '-1', '5e3', '12.5', '99999999999999999999'])(
    'refuses connection_timeout_ms = %s',
    (text) => {
      const error = errorOf(`[MONGODB]\nconnection_timeout_ms = ${text}`);
      expect(error).toMatchObject({ section: 'MONGODB', key: 'connection_timeout_ms' });
      expect(error.message).toContain(`"${text}"`);
      expect(error.message).toContain('positive whole number');
    },
  );

  it('refuses an invalid level', () => {
    const error = errorOf('[LOGGING]\nnivel_remoto = LOUD');
    expect(error).toMatchObject({ section: 'LOGGING', key: 'nivel_remoto', value: 'LOUD' });
    expect(error.message).toContain('DEBUG, INFO, WARNING, ERROR or CRITICAL');
  });

  it('refuses an unknown section, listing the known ones', () => {
    const error = errorOf('[LOGGIN]\nnivel_console = INFO');
    expect(error).toMatchObject({ file: FILE, section: 'LOGGIN', key: undefined });
    expect(error.message).toContain('[LOGGING], [MONGODB], [AUDIT], [METRICS]');
  });

  it('refuses an unknown key, listing the known ones', () => {
    const error = errorOf('[AUDIT]\nauditar_usuarios = true');
    expect(error).toMatchObject({ section: 'AUDIT', key: 'auditar_usuarios' });
    expect(error.message).toContain('auditar_questoes, auditar_listas');
  });

  it('refuses a key outside any section, and a key given twice', () => {
    expect(errorOf('database = x\n[MONGODB]')).toMatchObject({ section: undefined, key: 'database' });
    expect(errorOf('[MONGODB]\ndatabase = a\n[mongodb]\nDATABASE = b')).toMatchObject({ key: 'DATABASE' });
  });

  it("applies the exporters' own checks to names and connection strings", () => {
    expect(errorOf('[MONGODB]\ndatabase = a.b').message).toContain('MongoDB database name');
    expect(errorOf('[MONGODB]\ncollection_audit = $x')).toMatchObject({ key: 'collection_audit' });
    expect(errorOf('[MONGODB]\nconnection_string = http://example.net').message).toContain('mongodb://');
  });

  it('never shows the password of a bad connection string', () => {
    const plain = errorOf('[MONGODB]\nconnection_string = postgres://user:hunter22@db.example.net/');
    const malformed = errorOf('[MONGODB]\nconnection_string = mongodb+srv//user:hunter22@db.example.net/');
    const misplaced = errorOf('[MONGODB]\nconnection_strng = mongodb://user:hunter22@db.example.net/');
    for (const error of [plain, malformed, misplaced]) {
      expect(error.message).not.toContain('hunter22');
      expect(JSON.stringify(error.value)).not.toContain('hunter22');
      expect(error.message).toContain('db.example.net');
    }
  });

  it("keeps the option's own error as cause and its expectation as a field, never parsed from text", () => {
    const error = errorOf('[MONGODB]\nconnection_string = postgres://user:S3cr@t:x@db.example.net/');
    expect(error.expectation).toBe('a mongodb:// or mongodb+srv:// URI');
    expect(error.cause).toBeInstanceOf(InvalidOptionError);
    expect((error.cause as InvalidOptionError).expectation).toBe(error.expectation);
    expect(String((error.cause as Error).message)).not.toContain('S3cr');
    expect(error.message).not.toContain('S3cr');
  });

  it('refuses a connection string cut by an unquoted ";" or "#", and accepts it quoted', () => {
    for (const char of [';', '#']) {
      const error = errorOf(`[MONGODB]\nconnection_string = mongodb://user:pa${char}ss@db.example.net/`);
      expect(error.key).toBe('connection_string');
      expect(error.message).toContain('double quotes');
      expect(error.message).not.toContain('pa');
    }
    expect(valuesOf('[MONGODB]\nconnection_string = "mongodb://user:pa;ss@db.example.net/"')).toEqual({
      connectionString: 'mongodb://user:pa;ss@db.example.net/',
    });
    expect(valuesOf('[MONGODB]\nconnection_string = mongodb://db.example.net/ ; the local server')).toEqual({
      connectionString: 'mongodb://db.example.net/',
    });
  });
});

describe('examples/config.ini.example', () => {
  it('is a valid file that sets no connection string', () => {
    const path = new URL('../../../examples/config.ini.example', import.meta.url);
    const parsed = parseConfigFile(path.pathname, readFileSync(path, 'utf8'));
    expect(parsed.holdsConnectionString).toBe(false);
    expect(parsed.values.get('fileLevel')?.value).toBe('DEBUG');
    expect(parsed.values.has('consoleLevel')).toBe(false);
  });
});
