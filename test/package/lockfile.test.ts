import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

describe('package-lock.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-mongodb-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is accepted by npm ci on a clean checkout (lock in sync with package.json)', async () => {
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
    // --dry-run performs npm ci's whole consistency check without installing anything.
    const result = await run(
      'npm',
      ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: dir, encoding: 'utf8' },
    ).then(
      () => 'ok',
      (error: { stderr?: string }) => error.stderr ?? String(error),
    );
    expect(result).toBe('ok');
  });
});
