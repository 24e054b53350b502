import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';
import { type CodeBlock, documentationPages, FRAGMENT_MARKER, typeScriptBlocks } from './code-blocks';

// Every fenced TypeScript block of the README and docs/ is a program that runs as written
// against the server, or is marked as a fragment (`<!-- fragment -->` on the line before it).
// Programs import the package by name, which is pointed at dist/: `npm test` builds it first.
const root = join(import.meta.dirname, '..', '..');
const database = useTestDatabase('docs');
const work = mkdtempSync(join(tmpdir(), 'otel-mongodb-docs-'));
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const blocks: CodeBlock[] = documentationPages(root).flatMap((page) => typeScriptBlocks(root, page));
const programs = blocks.filter((block) => !block.fragment);
const packageUrl = pathToFileURL(join(root, 'dist', 'index.mjs')).href;

function runProgram(block: CodeBlock, index: number): Promise<{ code: number | null; output: string }> {
  const file = join(work, `block-${index}.mts`);
  writeFileSync(file, block.code.replaceAll(`'opentelemetry-exporter-mongodb'`, `'${packageUrl}'`));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      {
        cwd: work, // no config.ini or .env of the project's
        env: { ...process.env, MONGODB_URI: database.uri, MONGODB_DATABASE: `${database.name}_${index}` },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('TypeScript code blocks of the README and docs/', () => {
  it('are found (the extraction itself works)', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(programs.length).toBeGreaterThan(5);
  });

  it("docs/audit.md's first example, run as written (no shutdown call), stores its three events", async () => {
    const index = programs.findIndex((block) => block.where.startsWith('docs/audit.md'));
    expect(index).toBeGreaterThanOrEqual(0);
    const { code, output } = await runProgram(programs[index]!, index);
    expect(code, output).toBe(0);
    const audit = database.client.db(`${database.name}_${index}`).collection('audit');
    expect((await audit.find({}).toArray()).map((event) => event.acao).sort()).toEqual([
      'lista.exportada',
      'questao.criada',
      'sessao.iniciada',
    ]);
    await database.client.db(`${database.name}_${index}`).dropDatabase();
  });

  it.each(programs.map((block, index) => [block.where, block, index] as const))(
    `%s runs as a program against the server (or is marked ${FRAGMENT_MARKER})`,
    async (_where, block, index) => {
      const { code, output } = await runProgram(block, index);
      expect(code, output).toBe(0);
      await database.client.db(`${database.name}_${index}`).dropDatabase();
    },
  );
});
