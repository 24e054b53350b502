import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagLogLevel } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTrackedByGit } from '../../../src/config/git-tracked';
import { loadConfig, MISSING_CONNECTION_STRING_WARNING } from '../../../src/config/load-config';
import { captureDiag } from '../../support/diag';

const diagOutput = captureDiag(DiagLogLevel.WARN);
const URI = 'mongodb+srv://logger:tracked-pass@cluster.example.net/';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'git-tracked-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('a connection string in a file tracked by git', () => {
  it('gives one warning, in warnings and through diag, naming the file but not the password', () => {
    git('init', '-q');
    const ini = write('config.ini', `[MONGODB]\nconnection_string = ${URI}`);
    git('add', 'config.ini');

    expect(isTrackedByGit(ini)).toBe(true);
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain(`${ini} holds a MongoDB connection string and is tracked by git`);
    expect(config.warnings[0]).toContain('git rm --cached config.ini');
    expect(config.warnings[0]).not.toContain('tracked-pass');
    expect(diagOutput.text()).toContain('is tracked by git');
    expect(diagOutput.text()).not.toContain('tracked-pass');
  });

  it('says what applies to a tracked connection string without a password', () => {
    git('init', '-q');
    write('config.ini', '[MONGODB]\nconnection_string = mongodb://logger@db.example.net/');
    git('add', 'config.ini');
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain('no password to change');
    expect(config.warnings[0]).not.toContain('change the password');
    expect(config.warnings[0]).toContain('git rm --cached config.ini');
  });

  it('warns about a tracked .env holding a connection string too', () => {
    git('init', '-q');
    const envFile = write('.env', `MONGODB_URI=${URI}`);
    git('add', '.env');
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.warnings).toEqual([
      expect.stringContaining(`${envFile} holds a MongoDB connection string`),
    ]);
  });

  it('does not warn for an untracked or ignored file, or a tracked file without a connection string', () => {
    git('init', '-q');
    write('.gitignore', 'config.ini\n');
    const ini = write('config.ini', `[MONGODB]\nconnection_string = ${URI}`);
    write('other.ini', '[MONGODB]\ndatabase = app_logs');
    git('add', '.gitignore', 'other.ini');
    expect(isTrackedByGit(ini)).toBe(false);
    expect(loadConfig({ cwd: dir, env: {} }).warnings).toEqual([]);
    expect(isTrackedByGit(join(dir, 'other.ini'))).toBe(true);
    expect(loadConfig({ cwd: dir, env: {}, configFile: 'other.ini' }).warnings).toEqual([
      MISSING_CONNECTION_STRING_WARNING,
    ]);
  });

  it('does not warn or crash outside a repository', () => {
    const ini = write('config.ini', `[MONGODB]\nconnection_string = ${URI}`);
    expect(isTrackedByGit(ini)).toBe(false);
    expect(loadConfig({ cwd: dir, env: {} }).warnings).toEqual([]);
  });

  it('does not warn or crash when git is not installed', () => {
    git('init', '-q');
    const ini = write('config.ini', `[MONGODB]\nconnection_string = ${URI}`);
    git('add', 'config.ini');
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-such-bin');
    try {
      expect(isTrackedByGit(ini)).toBe(false);
      expect(loadConfig({ cwd: dir, env: {} }).warnings).toEqual([]);
    } finally {
      process.env.PATH = path;
    }
    expect(isTrackedByGit(ini)).toBe(true);
  });
});
