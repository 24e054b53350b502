import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../../src/config/config-error';
import { loadConfig } from '../../../src/config/load-config';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { resolveOptions } from '../../../src/shared-options/shared-options';

const URI = 'mongodb://127.0.0.1:27017/';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retention-option-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ini(text: string): string {
  const path = join(dir, 'config.ini');
  writeFileSync(path, text);
  return path;
}

describe('retentionDays option', () => {
  it('is unset by default: documents are kept forever', () => {
    expect(resolveOptions({ connectionString: URI }, {}).retentionDays).toBeUndefined();
    expect(loadConfig({ cwd: dir, env: { MONGODB_URI: URI } }).exporter.retentionDays).toBeUndefined();
  });

  it('is read from [MONGODB] retencao_dias, and an explicit option wins over the file', () => {
    ini('[MONGODB]\nretencao_dias = 30\n');
    const fromFile = loadConfig({ cwd: dir, env: { MONGODB_URI: URI } });
    expect(fromFile.exporter.retentionDays).toBe(30);
    expect(fromFile.sources.values.retentionDays).toContain('[MONGODB] retencao_dias');
    const explicit = loadConfig({ cwd: dir, env: { MONGODB_URI: URI }, options: { retentionDays: 7 } });
    expect(explicit.exporter.retentionDays).toBe(7);
  });

  it.each(['0', '-3', '1.5', 'thirty'])('refuses retencao_dias = %s naming the key', (text) => {
    ini(`[MONGODB]\nretencao_dias = ${text}\n`);
    const attempt = () => loadConfig({ cwd: dir, env: { MONGODB_URI: URI } });
    expect(attempt).toThrow(ConfigFileError);
    expect(attempt).toThrow(/\[MONGODB\] retencao_dias: .*expected a positive whole number of days/);
  });

  it.each([0, -1, 1.5, '30'])('refuses the option retentionDays: %j', (value) => {
    const attempt = () => resolveOptions({ connectionString: URI, retentionDays: value as number }, {});
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(/^Invalid option retentionDays: /);
  });
});
