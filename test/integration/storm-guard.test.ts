import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EJSON } from 'bson';
import { type Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP = join(import.meta.dirname, '..', 'fixtures', 'storm-app.ts');
const INSTANCE = `storm-auth-${process.pid}`;
const ADMIN = { user: 'storm_admin', password: randomBytes(8).toString('hex') };
const WRITER = { user: 'storm_writer', password: randomBytes(8).toString('hex') };
const DATABASE = `test_storm_${randomBytes(4).toString('hex')}`;
const external = process.env.MONGODB_URI || undefined;
let serverUri = '';
let admin: MongoClient;

function withCredentials(uri: string, credentials: { user: string; password: string }, authSource: string) {
  const url = new URL(uri);
  url.username = credentials.user;
  url.password = credentials.password;
  url.searchParams.set('authSource', authSource);
  return url.toString();
}

/**
 * A server that requires authentication, and a user for the application. FerretDB 1.24
 * cannot restrict a user to inserts (no createRole; createUser rejects `roles`), so the
 * test also records every command the package sends and checks that it only inserts.
 */
beforeAll(async () => {
  if (external) {
    serverUri = external;
    return;
  }
  serverUri = execFileSync('bash', ['scripts/mongo-server.sh', 'start', INSTANCE], {
    encoding: 'utf8',
    env: { ...process.env, MONGO_SERVER_AUTH: `${ADMIN.user}:${ADMIN.password}` },
  }).trim();
  admin = new MongoClient(withCredentials(serverUri, ADMIN, 'admin'));
  await admin.db(DATABASE).command({ createUser: WRITER.user, pwd: WRITER.password, roles: [] });
});

afterAll(async () => {
  await admin
    ?.db(DATABASE)
    .dropDatabase()
    .catch(() => undefined);
  await admin?.close();
  if (!external) execFileSync('bash', ['scripts/mongo-server.sh', 'destroy', INSTANCE], { stdio: 'inherit' });
});

describe('storm guard through setupTelemetry() with its defaults', () => {
  it('stores 10,000 occurrences in 2 s as at most 10 documents plus summaries that account for all', async () => {
    const target = external ?? withCredentials(serverUri, WRITER, DATABASE);
    const { npm_package_version: _version, ...env } = process.env;
    const spoolDir = mkdtempSync(join(tmpdir(), 'storm-spool-'));
    const { stdout } = await promisify(execFile)(process.execPath, [APP], {
      env: { ...env, TEST_TARGET_URI: target, TEST_DATABASE: DATABASE, TEST_SPOOL_DIR: spoolDir },
    });
    // On a loaded machine the bounded shutdown may spool the last summary: the next start
    // replays it, so what the spool holds counts as kept.
    const spooled = spooledErrorDocuments(spoolDir);
    rmSync(spoolDir, { recursive: true, force: true });
    const { sent, commands, stats } = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      sent: number;
      commands: Record<string, number>;
      stats: Record<string, number>;
    };
    expect(sent).toBe(10_000);
    expect(stats).toMatchObject({ failed: 0, dropped: 0 });

    const reader = external ? new MongoClient(external) : admin;
    const errors = reader.db(DATABASE).collection('errors');
    const stored = await errors.find({ 'erro.tipo': 'Error' }).toArray();
    const storm = [...stored, ...spooled.filter((document) => document.erro?.tipo === 'Error')];
    const individual = storm.filter((document) => document.ocorrencias === undefined);
    const summaries = storm.filter((document) => document.ocorrencias !== undefined);
    const folded = summaries.reduce((sum, document) => sum + (document.ocorrencias as number), 0);
    console.log(
      `storm: ${sent} occurrences -> ${individual.length} documents + ${summaries.length} summary ` +
        `(ocorrencias ${folded}); commands ${JSON.stringify(commands)}; stats ${JSON.stringify(stats)}`,
    );
    expect(new Set(storm.map((document) => document.erro.fingerprint)).size).toBe(1);
    expect(individual.length).toBeLessThanOrEqual(10);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(individual.length + folded).toBe(10_000);
    expect(stats.suppressed).toBe(folded);
    for (const summary of summaries) {
      expect(summary.primeira).toBeInstanceOf(Date);
      expect(summary.ultima.getTime()).toBeGreaterThanOrEqual(summary.primeira.getTime());
      expect(summary.erro.mensagem).toMatch(/^pedido \d+ não foi salvo$/);
    }
    expect(summaries.at(-1)!.erro.mensagem).toBe('pedido 9999 não foi salvo');

    // The other bug, in the same storm, is written one by one.
    const other = [
      ...(await errors.find({ 'erro.tipo': 'RangeError' }).toArray()),
      ...spooled.filter((document) => document.erro?.tipo === 'RangeError'),
    ];
    expect(other).toHaveLength(7);
    expect(other.every((document) => document.ocorrencias === undefined)).toBe(true);

    // Inserts only.
    expect(Object.keys(commands).every((command) => command.startsWith('insert:'))).toBe(true);
    if (external) await reader.close();
  });
});

/** The error documents in the spool's complete lines (`count<TAB>kind<TAB>operation<TAB>EJSON array`). */
function spooledErrorDocuments(dir: string): Document[] {
  const documents: Document[] = [];
  for (const name of readdirSync(dir).filter((file) => file.includes('.ejsonl'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const [, kind, , payload] = line.split('\t', 4);
      if (kind === 'errors' && payload?.endsWith(']'))
        documents.push(...(EJSON.parse(payload) as Document[]));
    }
  }
  return documents;
}
