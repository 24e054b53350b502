import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spooledBytes } from '../../../src/delivery/spool';
import { GatewayStorage, RETRY_AFTER_SECONDS } from '../../../src/gateway/storage';
import { resolveOptions } from '../../../src/shared-options/shared-options';

const options = resolveOptions({
  connectionString: 'mongodb://127.0.0.1:1/never-contacted',
  spoolDir: false,
});
let storage: GatewayStorage | undefined;
afterEach(() => storage?.close());

describe('GatewayStorage.reserve', () => {
  it('answers 503 with Retry-After once the records held would exceed the limit', () => {
    storage = new GatewayStorage(options, 100);
    const first = storage.reserve(60);
    expect(() => storage!.reserve(41)).toThrow(
      expect.objectContaining({ status: 503, retryAfterSeconds: expect.any(Number) }),
    );
    const second = storage.reserve(40);
    expect(storage.pending).toBe(100);
    first();
    first(); // releasing twice frees once
    second();
    expect(storage.pending).toBe(0);
  });

  it('takes one request larger than the limit when nothing else is held, rather than refusing it forever', () => {
    storage = new GatewayStorage(options, 10);
    expect(() => storage!.reserve(50)()).not.toThrow();
  });
});

describe('GatewayStorage.store while the database is down', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const documents = (label: string) =>
    Array.from({ length: 5 }, (_, i) => ({ _id: `${label}-${i}`, label, text: 'x'.repeat(100) }));

  it('answers 503 with Retry-After instead of letting the full spool drop a batch already accepted', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'gateway-storage-'));
    dirs.push(spoolDir);
    const oneBatch = spooledBytes({ kind: 'errors', operation: 'insert', documents: documents('a') });
    storage = new GatewayStorage(
      resolveOptions({
        connectionString: 'mongodb://127.0.0.1:1/never-contacted',
        spoolDir,
        spoolMaxBytes: oneBatch * 2 + 10,
      }),
      1000,
    );
    vi.spyOn(storage.writer, 'isDown', 'get').mockReturnValue(true);
    await storage.store('errors', 'insert', documents('a'));
    await storage.store('errors', 'insert', documents('b'));
    await expect(storage.store('errors', 'insert', documents('c'))).rejects.toMatchObject({
      status: 503,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
    const stats = storage.stats.snapshot();
    expect(stats.spooled).toBe(10);
    expect(stats.dropped ?? 0).toBe(0);
  });
});
