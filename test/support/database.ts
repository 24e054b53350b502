import { randomBytes } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';

export interface TestDatabase {
  uri: string;
  name: string;
  client: MongoClient;
  db: Db;
}

/** The server's URI for this run: FerretDB from the global setup, or MONGODB_URI. */
export function testServerUri(): string {
  return inject('mongodbUri');
}

/**
 * A fresh database for one test file, dropped after it. The returned object is
 * filled in by `beforeAll`, so read its fields inside tests and hooks only.
 */
export function useTestDatabase(label: string): TestDatabase {
  const handle = {} as TestDatabase;
  beforeAll(async () => {
    handle.uri = testServerUri();
    handle.name = `test_${label}_${randomBytes(4).toString('hex')}`;
    handle.client = new MongoClient(handle.uri, { serverSelectionTimeoutMS: 5000 });
    handle.db = handle.client.db(handle.name);
  });
  afterAll(async () => {
    await handle.db?.dropDatabase().catch(() => undefined);
    await handle.client?.close();
  });
  return handle;
}

/** Waits until `check` returns true, polling; fails with `message` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  message: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
