import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { afterEach } from 'vitest';
import { Delivery } from '../../../src/delivery/delivery';
import { StatsCounter } from '../../../src/stats';
import type { IdentifiedDocument } from '../../../src/storage/mongo-writer';
import { WriterDouble } from './writer-double';

/** A delivery with a writer double and a spool in a fresh temporary folder; undone after each test. */

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

export function docs(label: string, size = 3): IdentifiedDocument[] {
  return Array.from({ length: size }, (_, i) => ({ _id: `${label}-${i}`, n: i }));
}

export function setup(
  options: { spool?: boolean; retryDeadlineMs?: number; spoolDir?: string; spoolMaxBytes?: number } = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'delivery-unit-'));
  const writer = new WriterDouble();
  const stats = new StatsCounter();
  const spoolDir = options.spoolDir ?? join(root, 'spool');
  const delivery = new Delivery({
    writer,
    spoolDir: options.spool === false ? undefined : spoolDir,
    spoolMaxBytes: options.spoolMaxBytes ?? 10 * 1024 * 1024,
    retryDeadlineMs: options.retryDeadlineMs ?? 10_000,
    spoolStats: () => stats,
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
