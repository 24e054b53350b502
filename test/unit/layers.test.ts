import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

// The project's layer rule (.dependency-cruiser.mjs, run by `npm run lint`) through
// dependency-cruiser's API, on small trees planted in a temporary folder.

const CONFIG = fileURLToPath(new URL('../../.dependency-cruiser.mjs', import.meta.url));
const planted: string[] = [];

afterEach(() => {
  for (const dir of planted.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Tree = Record<string, string>;
interface Found {
  rule: string;
  from: string;
  to: string;
  /** For a circle: the files after `from`, each with whether its edge is an `import type`. */
  cycle?: { name: string; typeOnly: boolean }[];
}

/** Writes the tree (paths under the planted folder), cruises its src/ with the project's rules. */
async function violationsIn(tree: Tree): Promise<Found[]> {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  planted.push(dir);
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const options = await extractDepcruiseOptions(CONFIG);
  const result = await cruise(['src'], { ...options, baseDir: dir });
  const output = result.output as ICruiseResult;
  // Every planted file was read (a rule that sees no file would pass anything).
  expect(output.modules.filter((m) => m.source.startsWith('src/')).map((m) => m.source)).toEqual(
    expect.arrayContaining(Object.keys(tree)),
  );
  return output.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
    ...(v.cycle && {
      cycle: v.cycle.map((step) => ({
        name: step.name,
        typeOnly: step.dependencyTypes.includes('type-only'),
      })),
    }),
  }));
}

/** A clean tree: each folder imports only what its row allows (`import type` edges too). */
const CLEAN: Tree = {
  'src/foundation/errors.ts': `export class E extends Error {}\n`,
  'src/foundation/diag.ts': `import { E } from './errors';\nexport const d = new E();\n`,
  'src/resource/detector.ts': `import { E } from '../foundation/errors';\nexport const r = E;\n`,
  'src/document/schema.ts': `import type { E } from '../foundation/errors';\nimport { r } from '../resource/detector';\nexport type S = E;\nexport const s = r;\n`,
  'src/storage/writer.ts': `import type { S } from '../document/schema';\nexport type W = S;\n`,
  'src/delivery/spool.ts': `import type { W } from '../storage/writer';\nexport type P = W;\n`,
  'src/logs/exporter.ts': `import type { P } from '../delivery/spool';\nimport { s } from '../document/schema';\nexport type L = P;\nexport const l = s;\n`,
  'src/metrics/exporter.ts': `import type { P } from '../delivery/spool';\nexport type M = P;\n`,
  'src/audit/audit-logger.ts': `import { l } from '../logs/exporter';\nexport const a = l;\n`,
  'src/setup/setup.ts': `import { a } from '../audit/audit-logger';\nimport type { M } from '../metrics/exporter';\nexport type T = M;\nexport const t = a;\n`,
  'src/gateway/server.ts': `import type { M } from '../metrics/exporter';\nexport type G = M;\n`,
  'src/report/build.ts': `import type { W } from '../storage/writer';\nexport type R = W;\n`,
  'src/cli/main.ts': `import { t } from '../setup/setup';\nimport type { G } from '../gateway/server';\nimport type { R } from '../report/build';\nexport type C = G | R;\nexport const c = t;\n`,
  'src/index.ts': `export { t } from './setup/setup';\nexport type { L } from './logs/exporter';\n`,
};

describe('the layer rule (.dependency-cruiser.mjs)', () => {
  it('passes a clean tree, where options/, pipeline/ and shared-options/ do not exist', async () => {
    expect(await violationsIn(CLEAN)).toEqual([]);
  });

  it('reports a circle of 3 files closed by an `import type` edge', async () => {
    const found = await violationsIn({
      ...CLEAN,
      'src/document/a.ts': `import type { B } from './b';\nexport type A = B | 1;\nexport const a = 1;\n`,
      'src/document/b.ts': `import { c } from './c';\nexport type B = typeof c;\n`,
      'src/document/c.ts': `import { a } from './a';\nexport const c = a;\n`,
    });
    // One circle, reported once, from whichever of its files: a → b is the `import type` edge.
    expect(found).toHaveLength(1);
    const [circle] = found;
    expect(circle?.rule).toBe('no-circular');
    const files = [circle?.from, ...(circle?.cycle ?? []).map((step) => step.name)];
    expect(files.slice(0, -1).sort()).toEqual([
      'src/document/a.ts',
      'src/document/b.ts',
      'src/document/c.ts',
    ]);
    expect(files.at(-1)).toBe(circle?.from);
    const typeEdges = (circle?.cycle ?? [])
      .map((step, i) => ({ edge: `${files[i]} → ${step.name}`, typeOnly: step.typeOnly }))
      .filter((step) => step.typeOnly)
      .map((step) => step.edge);
    expect(typeEdges).toEqual(['src/document/a.ts → src/document/b.ts']);
  });

  it('reports a circle of 12 files (no depth limit)', async () => {
    const ring: Tree = {};
    for (let i = 0; i < 12; i++) {
      ring[`src/logs/ring-${i}.ts`] =
        `import { v${(i + 1) % 12} } from './ring-${(i + 1) % 12}';\nexport const v${i} = () => v${(i + 1) % 12};\n`;
    }
    const found = await violationsIn({ ...CLEAN, ...ring });
    expect(found).toHaveLength(1);
    expect(found[0]?.rule).toBe('no-circular');
    expect(found[0]?.cycle).toHaveLength(12);
  });

  it('reports an upward import: foundation/ importing document/', async () => {
    const found = await violationsIn({
      ...CLEAN,
      'src/foundation/errors.ts': `import type { S } from '../document/schema';\nexport class E extends Error {}\nexport type X = S;\n`,
    });
    expect(found).toContainEqual({
      rule: 'layer-foundation',
      from: 'src/foundation/errors.ts',
      to: 'src/document/schema.ts',
    });
  });

  it('reports peers importing each other, and the main entry loading cli/, report/ or gateway/', async () => {
    const found = await violationsIn({
      ...CLEAN,
      'src/metrics/exporter.ts': `import type { L } from '../logs/exporter';\nexport type M = L;\n`,
      'src/index.ts': `export { t } from './setup/setup';\nexport type { R } from './report/build';\nexport type { G } from './gateway/server';\n`,
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'layer-metrics', from: 'src/metrics/exporter.ts', to: 'src/logs/exporter.ts' },
        { rule: 'layer-index.ts', from: 'src/index.ts', to: 'src/report/build.ts' },
        { rule: 'layer-index.ts', from: 'src/index.ts', to: 'src/gateway/server.ts' },
      ]),
    );
  });

  it('reports a folder that has no row, and an import it cannot resolve', async () => {
    const found = await violationsIn({
      ...CLEAN,
      'src/extra/thing.ts': `export const x = 1;\n`,
      'src/logs/exporter.ts': `import { x } from '../extra/thing';\nimport { y } from './missing';\nexport const l = x + y;\n`,
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'import-not-in-a-layer', from: 'src/logs/exporter.ts', to: 'src/extra/thing.ts' },
        { rule: 'no-unresolvable', from: 'src/logs/exporter.ts', to: './missing' },
      ]),
    );
  });
});
