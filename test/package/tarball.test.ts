import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

// What users get from the registry: the packed tarball, installed into a fresh application.
// Catches `files` and `exports` mistakes that tests importing src/ or dist/ cannot see.
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const database = useTestDatabase('tarball');
const work = mkdtempSync(join(tmpdir(), 'otel-mongodb-tarball-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'opentelemetry-exporter-mongodb');
/** The smoke example docs/getting-started.md tells users to run from node_modules. */
const SMOKE = 'smoke.mjs';

const ESM_PROGRAM = `
import { setupTelemetry } from 'opentelemetry-exporter-mongodb';

const telemetry = await setupTelemetry({ serviceName: 'tarball-esm', configFile: false, envFile: false });
telemetry.errors.report(new Error('reported from the tarball (esm)'));
await telemetry.shutdown();
console.log('esm done');
`;

const CJS_PROGRAM = `
const { setupTelemetry } = require('opentelemetry-exporter-mongodb');
(async () => {
  const telemetry = await setupTelemetry({ serviceName: 'tarball-cjs', configFile: false, envFile: false });
  telemetry.errors.report(new Error('reported from the tarball (cjs)'));
  await telemetry.shutdown();
  console.log('cjs done');
})();
`;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'index.mjs')))
    throw new Error('dist/ is missing: run `npx tsdown` (npm test does)');
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'tarball-app', private: true }));
  const peer = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies[
    '@opentelemetry/api'
  ];
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(work, packed!.filename),
      `@opentelemetry/api@${peer}`,
    ],
    { cwd: app, encoding: 'utf8', timeout: 240_000 },
  );
  writeFileSync(join(app, 'app.mjs'), ESM_PROGRAM);
  writeFileSync(join(app, 'app.cjs'), CJS_PROGRAM);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function runProgram(file: string, databaseName: string) {
  return run(process.execPath, [file], {
    cwd: app,
    env: { ...process.env, MONGODB_URI: database.uri, MONGODB_DATABASE: databaseName },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the packed package, installed into a fresh application', () => {
  it.each([
    ['app.mjs', 'esm'],
    ['app.cjs', 'cjs'],
  ])('%s sets up telemetry and stores a reported error on the server', async (file, kind) => {
    const name = `${database.name}_${kind}`;
    const { stdout } = await runProgram(file, name);
    expect(stdout).toContain(`${kind} done`);
    const db = database.client.db(name);
    const errors = await db.collection('errors').find().toArray();
    await db.dropDatabase();
    expect(errors.map((doc) => doc.erro?.mensagem)).toEqual([`reported from the tarball (${kind})`]);
  });

  it('runs the smoke example from the installed package, as docs/getting-started.md says, every part OK', async () => {
    const name = `${database.name}_smoke`;
    const { stdout } = await runProgram(join(installed, 'examples', SMOKE), name);
    await database.client.db(name).dropDatabase();
    expect(stdout.match(/^OK /gm)).toHaveLength(4);
    expect(stdout).toContain('All parts OK.');
  });

  it('ships the examples but no build or cache files of them', () => {
    const shipped = readdirSync(join(installed, 'examples'), { recursive: true }).map(String);
    expect(shipped).toContain('winston-bridge.ts');
    expect(shipped.filter((file) => file.includes('__pycache__') || file.endsWith('.pyc'))).toEqual([]);
  });

  it('ships every file its README and docs link to', () => {
    const pages = ['README.md', ...readdirSync(join(installed, 'docs')).map((page) => join('docs', page))];
    const missing: string[] = [];
    for (const page of pages.filter((p) => p.endsWith('.md'))) {
      const text = readFileSync(join(installed, page), 'utf8');
      const targets = [
        ...[...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!),
        // Code spans naming an example, as the README does (`examples/nodesdk.ts`).
        ...[...text.matchAll(/`(examples\/[\w.-]+)`/g)].map((m) => m[1]!),
      ];
      for (const target of targets) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const base =
          target.startsWith('examples/') && page.startsWith('docs')
            ? installed
            : dirname(join(installed, page));
        const path = resolve(base, target.split('#')[0]!);
        if (!existsSync(path)) missing.push(`${page} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
