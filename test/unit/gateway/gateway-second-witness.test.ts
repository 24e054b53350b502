import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoServerError } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spooledBytes } from '../../../src/delivery/spool';
import { GatewayRequestError } from '../../../src/gateway/request-error';
import { GatewayStorage, RETRY_AFTER_SECONDS } from '../../../src/gateway/storage';
import { loadTokens, parseTokens, TokenAuthenticator } from '../../../src/gateway/tokens';
import { resolveOptions } from '../../../src/shared-options/shared-options';

// Decisions of the gateway that one test alone used to protect (Stryker: a killed mutant covered by
// a single test). Each test here is a second, independent witness, through another path than the
// first one: docs/development.md ("Mutation testing", "Decisions with a second test").

const NEVER_CONTACTED = 'mongodb://127.0.0.1:1/never-contacted';
const dirs: string[] = [];
let storage: GatewayStorage | undefined;
afterEach(async () => {
  await storage?.close();
  storage = undefined;
  vi.restoreAllMocks();
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

const documents = (label: string, count = 5) =>
  Array.from({ length: count }, (_, i) => ({ _id: `${label}-${i}`, label, text: 'x'.repeat(100) }));

/** A storage spooling to a fresh folder of at most `spoolMaxBytes`, its writer said to be down. */
function downStorage(spoolMaxBytes: number): GatewayStorage {
  const spoolDir = mkdtempSync(join(tmpdir(), 'gateway-second-'));
  dirs.push(spoolDir);
  const created = new GatewayStorage(
    resolveOptions({ connectionString: NEVER_CONTACTED, spoolDir, spoolMaxBytes }),
    1000,
  );
  vi.spyOn(created.writer, 'isDown', 'get').mockReturnValue(true);
  return created;
}

describe('GatewayStorage.reserve: the bound on records held in memory', () => {
  it('takes records up to exactly the limit, refuses one more with 503, and takes it once room is freed', () => {
    storage = new GatewayStorage(resolveOptions({ connectionString: NEVER_CONTACTED, spoolDir: false }), 10);
    const four = storage.reserve(4);
    const six = storage.reserve(6); // 4 + 6 = 10: at the limit, not beyond it
    expect(storage.pending).toBe(10);
    let refusal: unknown;
    try {
      storage.reserve(1);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GatewayRequestError);
    expect(refusal).toMatchObject({ status: 503, retryAfterSeconds: RETRY_AFTER_SECONDS });
    expect(storage.pending).toBe(10); // a refused reservation holds nothing
    six();
    expect(storage.pending).toBe(4);
    storage.reserve(6)();
    four();
    expect(storage.pending).toBe(0);
  });
});

describe('GatewayStorage.store: a 200 only for what is stored or spooled', () => {
  it('stores nothing and asks nothing of the delivery for an empty batch', async () => {
    storage = downStorage(10 * 1024 * 1024);
    await expect(storage.store('errors', 'insert', [])).resolves.toBeUndefined();
    expect(storage.stats.snapshot()).toMatchObject({ spooled: 0, failed: 0, written: 0 });
    await storage.store('audit', 'insert', documents('a', 2));
    expect(storage.stats.snapshot()).toMatchObject({ spooled: 2, failed: 0 });
  });

  it('answers 503, not 200, when the server refuses the batch for good', async () => {
    storage = downStorage(10 * 1024 * 1024);
    vi.spyOn(storage.writer, 'isDown', 'get').mockReturnValue(false);
    vi.spyOn(storage.writer, 'insert').mockRejectedValue(
      new MongoServerError({ code: 13, errmsg: 'not authorized' }),
    );
    await expect(storage.store('errors', 'insert', documents('lost'))).rejects.toMatchObject({
      status: 503,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      message: 'cannot store 5 errors document(s) now; retry later',
    });
    expect(storage.stats.snapshot()).toMatchObject({ failed: 5, spooled: 0, written: 0 });
  });

  it('refuses with 503, before the spool drops anything, the first batch that does not fit any more', async () => {
    const one = spooledBytes({ kind: 'audit', operation: 'insert', documents: documents('x', 1) });
    storage = downStorage(one * 3 + 10);
    for (const label of ['a', 'b', 'c']) await storage.store('audit', 'insert', documents(label, 1));
    await expect(storage.store('audit', 'insert', documents('d', 1))).rejects.toMatchObject({
      status: 503,
      message: 'the database is unreachable and the spool is full; retry later',
    });
    expect(storage.stats.snapshot()).toMatchObject({ spooled: 3, dropped: 0, failed: 0 });
  });
});

describe('TokenAuthenticator: which configured token a bearer header is', () => {
  const SECRET = 'a-bearer-secret-0123456789';

  it('gives the first entry of the token file when two entries have the same secret', () => {
    const auth = new TokenAuthenticator(
      parseTokens(`first app-one ${SECRET}\nsecond app-two ${SECRET}\nthird app-three ${SECRET}-3`, 'tokens'),
    );
    expect(auth.authenticate(`Bearer ${SECRET}`)).toEqual({ name: 'first', app: 'app-one' });
    expect(auth.authenticate(`Bearer ${SECRET}-3`)).toEqual({ name: 'third', app: 'app-three' });
  });
});

describe('loadTokens: the tokens a gateway accepts come from the file and the environment variable', () => {
  const SECRET = 'a-bearer-secret-0123456789';

  it('reads the file, then the variable, and accepts no token when both are absent', () => {
    const folder = mkdtempSync(join(tmpdir(), 'gateway-tokens-'));
    dirs.push(folder);
    const file = join(folder, 'tokens.txt');
    writeFileSync(file, `# the desktop app\ndesktop app-one ${SECRET}-file\n`);
    const variable = `ci app-two ${SECRET}-env; relay * ${SECRET}-relay`;
    expect(loadTokens(file, variable)).toEqual([
      { name: 'desktop', app: 'app-one', token: `${SECRET}-file` },
      { name: 'ci', app: 'app-two', token: `${SECRET}-env` },
      { name: 'relay', app: '*', token: `${SECRET}-relay` },
    ]);
    expect(loadTokens(file, undefined).map((token) => token.name)).toEqual(['desktop']);
    expect(loadTokens(undefined, variable).map((token) => token.name)).toEqual(['ci', 'relay']);
    expect(loadTokens(undefined, undefined)).toEqual([]);
  });
});
