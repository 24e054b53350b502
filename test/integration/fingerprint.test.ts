import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase('fingerprint');
const APP = resolve('test/fixtures/fingerprint-app');
const PACKAGE_ROOT = resolve('.');
const installs = mkdtempSync(join(tmpdir(), 'fingerprint-installs-'));
afterAll(() => rmSync(installs, { recursive: true, force: true }));

/**
 * Installs the small application in `folder`, as a user would: its own files, and this
 * package under node_modules. `blankLines` are added above the failing function, and
 * `version` goes into its package.json.
 */
function install(folder: string, blankLines: number, version: string): string {
  const dir = join(installs, folder);
  cpSync(APP, dir, { recursive: true });
  const source = join(dir, 'lib/questoes.mjs');
  writeFileSync(source, '\n'.repeat(blankLines) + readFileSync(source, 'utf8'));
  const manifest = join(dir, 'package.json');
  writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), version }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(PACKAGE_ROOT, join(dir, 'node_modules/opentelemetry-exporter-mongodb'), 'dir');
  return dir;
}

async function run(dir: string, kind: 'type' | 'range'): Promise<void> {
  // Run as the installed app is, not through npm: its version comes from its package.json.
  const { npm_package_version: _version, npm_package_name: _name, ...env } = process.env;
  await promisify(execFile)(process.execPath, [join(dir, 'main.mjs'), kind], {
    cwd: installs,
    env: { ...env, TEST_TARGET_URI: database.uri, TEST_DATABASE: database.name },
  });
}

describe('erro.fingerprint across installations', () => {
  it('is the same for the same bug in two install folders with shifted lines, and differs for another type', async () => {
    const first = install('first', 0, '1.0.0');
    const second = install('second place', 7, '1.1.0');
    await Promise.all([run(first, 'type'), run(second, 'type'), run(first, 'range')]);

    const documents = await database.db.collection('errors').find().toArray();
    const typeErrors = documents.filter((document) => document.erro.tipo === 'TypeError');
    const rangeErrors = documents.filter((document) => document.erro.tipo === 'RangeError');
    expect(typeErrors).toHaveLength(2);
    expect(rangeErrors).toHaveLength(1);
    // The two copies really differ in path, line, message and version...
    expect(new Set(typeErrors.map((document) => document.erro.arquivo)).size).toBe(2);
    expect(new Set(typeErrors.map((document) => document.erro.linha)).size).toBe(2);
    expect(new Set(typeErrors.map((document) => document.erro.mensagem)).size).toBe(2);
    expect(new Set(typeErrors.map((document) => document.app_version))).toEqual(new Set(['1.0.0', '1.1.0']));
    // ...and group together.
    expect(typeErrors[0]!.erro.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(typeErrors[1]!.erro.fingerprint).toBe(typeErrors[0]!.erro.fingerprint);
    expect(rangeErrors[0]!.erro.fingerprint).not.toBe(typeErrors[0]!.erro.fingerprint);
  });
});
