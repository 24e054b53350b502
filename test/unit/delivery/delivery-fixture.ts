import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { afterEach, vi } from 'vitest';
import { Delivery } from '../../../src/delivery/delivery';
import { StatsCounter } from '../../../src/foundation/stats';
import type { CollectionKind, IdentifiedDocument } from '../../../src/storage/mongo-writer';
import { WriterDouble } from './writer-double';

/** A delivery with a writer double and a spool in a fresh temporary folder; undone after each test. */

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

const KINDS: readonly CollectionKind[] = ['errors', 'audit', 'metrics'];
function unknownKind(kind: string): never {
  throw new Error(`counters asked for an unknown kind: "${kind}"`);
}

export function docs(label: string, size = 3): IdentifiedDocument[] {
  return Array.from({ length: size }, (_, i) => ({ _id: `${label}-${i}`, n: i }));
}

export function setup(
  options: {
    spool?: boolean;
    retryDeadlineMs?: number;
    spoolDir?: string;
    spoolMaxBytes?: number;
    /** Where the delivery counts replayed, dropped and internal errors; `stats` by default. */
    spoolStats?: (kind: CollectionKind) => StatsCounter;
  } = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'delivery-unit-'));
  const writer = new WriterDouble();
  const stats = new StatsCounter();
  const spoolDir = options.spoolDir ?? join(root, 'spool');
  const delivery = new Delivery({
    writer,
    destination: 'test-destination',
    spoolDir: options.spool === false ? undefined : spoolDir,
    spoolMaxBytes: options.spoolMaxBytes ?? 10 * 1024 * 1024,
    retryDeadlineMs: options.retryDeadlineMs ?? 10_000,
    spoolStats: options.spoolStats ?? ((kind) => (KINDS.includes(kind) ? stats : unknownKind(kind))),
  });
  cleanups.push(() => {
    delivery.abort();
    writer.releaseHanging();
    rmSync(root, { recursive: true, force: true });
  });
  return { writer, stats, delivery, spoolDir };
}

/** Ids of the documents waiting in the spool folder, oldest first, read from the files. */
export function spooledIds(spoolDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(spoolDir).sort();
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const name of names) {
    for (const line of readFileSync(join(spoolDir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      const documents = EJSON.parse(line.split('\t')[3]!) as { _id: string }[];
      ids.push(...documents.map((d) => d._id));
    }
  }
  return ids;
}

export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const counts = (stats: StatsCounter) => stats.snapshot();

/** Lets promise callbacks and I/O run, without moving the (fake) clock. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` has settled once pending callbacks ran. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}

/** Fake timers and clock; `settle()` still runs (setImmediate stays real). */
export function fakeTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}
