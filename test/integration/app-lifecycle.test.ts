// Issue 20: applications built with setupTelemetry()'s defaults, run to the end of the process
// against a real server. Only connectionString, database, spoolDir and serviceName are set; no
// timeout, queue or limit is shrunk. The app is the README's (test/fixtures/readme-app.ts).
import { type Db, MongoClient } from 'mongodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testServerUri } from '../support/database';
import {
  type LifecycleRun,
  freshDatabaseName,
  killStartedApps,
  pollUntil,
  spooledDocuments,
  startApp,
  tempSpools,
  waitForStdout,
} from '../support/lifecycle';
import { closedPort } from '../support/network';
import { ControlledServer, describeWithPrivateServer } from '../support/server';

const APP = 'readme-app.ts';
/** How long a run may take to end by itself (issue 20). */
const ENDS_WITHIN_MS = 10_000;
/** A run still alive this long after its start is SIGKILLed, and the test fails. */
const GUARD_MS = 30_000;

const spools = tempSpools();
const clients: MongoClient[] = [];
afterEach(async () => {
  killStartedApps();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(() => spools.remove());

function connect(uri: string): MongoClient {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  clients.push(client);
  return client;
}

/** How the run ended: by itself, with code 0, and how long after its start. */
function ending(run: LifecycleRun) {
  return {
    code: run.code,
    signal: run.signal,
    endedByItself: !run.killedByGuard,
    withinTenSeconds: run.exitedAt - run.startedAt <= ENDS_WITHIN_MS,
  };
}

/** The error documents of run `label` (`contexto.run`), and how many distinct records (`contexto.i`). */
async function storedRecords(db: Db, label: string): Promise<{ documents: number; distinct: number }> {
  const rows = await db
    .collection('errors')
    .find({ 'contexto.run': label }, { projection: { _id: 0, 'contexto.i': 1 } })
    .toArray();
  return { documents: rows.length, distinct: new Set(rows.map((row) => row.contexto?.i)).size };
}

describeWithPrivateServer('the README application without shutdown(), across an outage (defaults)', () => {
  it(
    'three runs on one spool (server down, then up twice) each end by themselves with code 0 within 10 s, store their error exactly once, and close their session (metrics ativa: false, one sessao.encerrada)',
    async () => {
      const server = new ControlledServer('readme-runs');
      const uri = server.start();
      const database = freshDatabaseName('readme');
      const env = {
        TEST_TARGET_URI: uri,
        TEST_DATABASE: database,
        TEST_SPOOL_DIR: spools.spoolDir('readme'),
      };
      try {
        server.stop();
        const runs: [string, LifecycleRun][] = [];
        runs.push(['run-1', await startApp(APP, ['readme', 'run-1'], env, GUARD_MS).exited]);
        server.start();
        for (const label of ['run-2', 'run-3'])
          runs.push([label, await startApp(APP, ['readme', label], env, GUARD_MS).exited]);
        for (const [label, run] of runs) {
          console.log(
            `${label}: ${run.killedByGuard ? 'killed by the guard' : `code ${run.code}`} after ${run.exitedAt - run.startedAt} ms`,
          );
        }

        const db = connect(uri).db(database);
        const closings = await db.collection('audit').find({ acao: 'sessao.encerrada' }).toArray();
        const summary: Record<string, unknown> = {};
        for (const [label, run] of runs) {
          const session = run.sessionId
            ? await db
                .collection<{ _id: string; sessao?: { ativa?: boolean } }>('metrics')
                .findOne({ _id: run.sessionId })
            : null;
          summary[label] = {
            ...ending(run),
            errorStored: await storedRecords(db, label),
            sessionAtiva: session ? session.sessao?.ativa : 'no session document',
            // The run's own sessao.encerrada: emitted between its start and its exit.
            sessaoEncerrada: closings.filter((doc) => {
              const at = (doc.timestamp as Date).getTime();
              return at >= run.startedAt && at <= run.exitedAt;
            }).length,
          };
        }
        const closed = {
          code: 0,
          signal: null,
          endedByItself: true,
          withinTenSeconds: true,
          errorStored: { documents: 1, distinct: 1 },
          sessionAtiva: false,
          sessaoEncerrada: 1,
        };
        expect(summary).toEqual({ 'run-1': closed, 'run-2': closed, 'run-3': closed });
        expect(closings).toHaveLength(3);
      } finally {
        server.destroy();
      }
    },
    4 * GUARD_MS + 60_000,
  );
});

describe('the README application without shutdown(), server up (defaults)', () => {
  it(
    'an app that stays alive about 3 s after its first error (a timer) ends by itself with code 0 within 10 s',
    async () => {
      const env = {
        TEST_TARGET_URI: testServerUri(),
        TEST_DATABASE: freshDatabaseName('linger'),
        TEST_SPOOL_DIR: spools.spoolDir('linger'),
      };
      try {
        const run = await startApp(APP, ['linger', 'linger'], env, GUARD_MS).exited;
        console.log(
          `linger: ${run.killedByGuard ? 'killed by the guard' : `code ${run.code}`} after ${run.exitedAt - run.startedAt} ms`,
        );
        expect(run.stdout).toContain('linger over');
        expect(ending(run)).toEqual({ code: 0, signal: null, endedByItself: true, withinTenSeconds: true });
      } finally {
        await connect(env.TEST_TARGET_URI).db(env.TEST_DATABASE).dropDatabase();
      }
    },
    2 * GUARD_MS,
  );

  it.each([
    ['the connection refused', 'ECONNREFUSED', async () => `mongodb://127.0.0.1:${await closedPort()}/`],
    // A reserved top-level domain: the resolver answers at once that it does not exist.
    ['an unknown host', 'ENOTFOUND', async () => 'mongodb://no-such-host.invalid:27017/'],
  ])(
    'with %s, ends with code 0 within 2 s of starting its last work, leaves what it emitted in the spool, and its first diag WARN line names %s, not a timeout',
    async (what, cause, target) => {
      const spoolDir = spools.spoolDir('refused');
      const run = await startApp(
        APP,
        ['readme', 'refused'],
        {
          TEST_TARGET_URI: await target(),
          TEST_DATABASE: freshDatabaseName('refused'),
          TEST_SPOOL_DIR: spoolDir,
          OTEL_LOG_LEVEL: 'warn',
        },
        GUARD_MS,
      ).exited;
      const afterLastWork = run.exitedAt - (run.lastWorkAt ?? run.startedAt);
      console.log(`${what}: exited ${afterLastWork} ms after starting its last work`);
      expect(run.killedByGuard).toBe(false);
      expect(run.code, run.stderr).toBe(0);

      const spooled = spooledDocuments(spoolDir);
      expect.soft(spooled.errors.map((doc) => doc.contexto?.run)).toEqual(['refused']);
      expect
        .soft(spooled.audit.map((doc) => doc.acao).sort())
        .toEqual(['questao.criada', 'sessao.encerrada', 'sessao.iniciada']);
      expect
        .soft(spooled.metrics.map((doc) => [doc._id, doc.sessao?.ativa]))
        .toEqual([[run.sessionId, false]]);

      const firstWarn = run.stderr
        .split('\n')
        .find((line) => line.startsWith('opentelemetry-exporter-mongodb/'));
      expect.soft(firstWarn, run.stderr).toContain(cause);
      expect.soft(firstWarn, run.stderr).not.toMatch(/did not finish within|timed out|timeout/i);
      expect.soft(afterLastWork, 'ms from its last work to its exit').toBeLessThanOrEqual(2000);
    },
    2 * GUARD_MS,
  );
});

describeWithPrivateServer('two databases sharing one spoolDir (defaults)', () => {
  it("app A's 100 records spooled while the server was down land in app_a exactly once and none in app_b, though app B (same spoolDir) ran first once the server was back; B's records only in app_b", async () => {
    const server = new ControlledServer('two-databases');
    const uri = server.start();
    const spoolDir = spools.spoolDir('two-databases');
    const appA = freshDatabaseName('app_a');
    const appB = freshDatabaseName('app_b');
    const envA = { TEST_TARGET_URI: uri, TEST_DATABASE: appA, TEST_SPOOL_DIR: spoolDir };
    const envB = { ...envA, TEST_DATABASE: appB };
    try {
      server.stop();
      const down = await startApp(APP, ['readme', 'a-down', '100'], envA, GUARD_MS).exited;
      expect(down.killedByGuard).toBe(false);
      expect(down.code, down.stderr).toBe(0);
      expect(spooledDocuments(spoolDir).errors.filter((doc) => doc.contexto?.run === 'a-down')).toHaveLength(
        100,
      );
      server.start();
      const client = connect(uri);

      // Long-running applications (mode `stay`, no shutdown()), each stopped with SIGTERM once
      // its own error is stored and it has had 5 s more to replay what it takes from the spool.
      const runUntil = async (env: Record<string, string>, label: string, done: () => Promise<boolean>) => {
        const startedAt = Date.now();
        const app = startApp(APP, ['stay', label], env, 180_000);
        const reached = await pollUntil(done, 60_000);
        console.log(`${label}: ${reached ? 'stored' : 'not stored'} after ${Date.now() - startedAt} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5000));
        app.child.kill('SIGTERM');
        const run = await app.exited;
        expect(run.killedByGuard, `${label} did not end on SIGTERM`).toBe(false);
      };
      // B until its own error is in app_b; A until its 100 spooled records are in app_a. A wait
      // that runs out is not a failure by itself: the comparison below shows what is where.
      await runUntil(envB, 'b', async () => (await storedRecords(client.db(appB), 'b')).documents > 0);
      await runUntil(
        envA,
        'a-up',
        async () => (await storedRecords(client.db(appA), 'a-down')).documents >= 100,
      );

      const where = async (label: string) => ({
        app_a: await storedRecords(client.db(appA), label),
        app_b: await storedRecords(client.db(appB), label),
      });
      const none = { documents: 0, distinct: 0 };
      expect({ 'a-down': await where('a-down'), 'a-up': await where('a-up'), b: await where('b') }).toEqual({
        'a-down': { app_a: { documents: 100, distinct: 100 }, app_b: none },
        'a-up': { app_a: { documents: 1, distinct: 1 }, app_b: none },
        b: { app_a: none, app_b: { documents: 1, distinct: 1 } },
      });
    } finally {
      server.destroy();
    }
  }, 300_000);
});

describeWithPrivateServer('a spool left by a process that is still alive (defaults)', () => {
  it('a second process (server up) stores within 60 s all 100 records that a first process spooled before its shutdown() while the server was down, though the first is still running', async () => {
    const server = new ControlledServer('live-spool');
    const uri = server.start();
    const database = freshDatabaseName('live');
    const env = { TEST_TARGET_URI: uri, TEST_DATABASE: database, TEST_SPOOL_DIR: spools.spoolDir('live') };
    try {
      server.stop();
      const first = startApp(APP, ['shutdown-then-stay', 'live', '100'], env, 240_000);
      await waitForStdout(first, /shut down/, 60_000);
      expect(
        spooledDocuments(env.TEST_SPOOL_DIR).errors.filter((doc) => doc.contexto?.run === 'live'),
      ).toHaveLength(100);
      server.start();
      const startedAt = Date.now();
      const second = startApp(APP, ['stay', 'second'], env, 240_000);
      const db = connect(uri).db(database);
      await pollUntil(async () => (await storedRecords(db, 'live')).documents >= 100, 60_000);
      const took = Date.now() - startedAt;
      const stored = await storedRecords(db, 'live');
      console.log(
        `live spool: ${stored.documents} of 100 stored ${took} ms after the second process started`,
      );
      expect(stored).toEqual({ documents: 100, distinct: 100 });
      const alive = (app: typeof first) => app.child.exitCode === null && app.child.signalCode === null;
      expect({ first: alive(first), second: alive(second) }, 'both processes still running').toEqual({
        first: true,
        second: true,
      });
    } finally {
      killStartedApps();
      server.destroy();
    }
  }, 300_000);
});
