import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// What only the CLI may load: its bundle, its CLI library, the report and dashboard code, browsers.
const CLI_ONLY = /\/dist\/cli\.mjs|\/node_modules\/commander\/|\/src\/(cli|report)\/|playwright/;

/** Every module a fresh Node process loads for `import` (or `require`) of the package's main entry. */
function modulesLoadedBy(kind: 'import' | 'require'): string[] {
  const script =
    kind === 'import'
      ? `import { registerHooks } from 'node:module';

         const seen = [];
         registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
         await import('opentelemetry-exporter-mongodb');
         console.log(JSON.stringify(seen));`
      : `const m = require('opentelemetry-exporter-mongodb'); void m;
         console.log(JSON.stringify(Object.keys(require.cache)));`;
  const output = execFileSync(
    process.execPath,
    [kind === 'import' ? '--input-type=module' : '--input-type=commonjs', '-e', script],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return JSON.parse(output) as string[];
}

describe('the library’s main entry', () => {
  it.each(['import', 'require'] as const)(
    'loads none of the CLI, its dependencies or its assets (%s)',
    (kind) => {
      expect(existsSync(join(ROOT, 'dist', 'index.mjs')), 'run the build first (npm test does)').toBe(true);
      const loaded = modulesLoadedBy(kind);
      expect(loaded.some((url) => url.includes('/dist/index.'))).toBe(true);
      expect(loaded.some((url) => url.includes('/node_modules/mongodb/'))).toBe(true);
      expect(loaded.filter((url) => CLI_ONLY.test(url))).toEqual([]);
    },
  );
});
