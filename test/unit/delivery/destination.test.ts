import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DestinationLease, acquireDestination } from '../../../src/delivery/destination';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { StatsCounter } from '../../../src/foundation/stats';
import type { CollectionKind, IdentifiedDocument } from '../../../src/storage/mongo-writer';
import { captureDiag } from '../../support/diag';
import type { MongoExporterOptions } from '../../../src/shared-options/shared-options';
import { resolveOptions } from '../../../src/shared-options/shared-options';

// No server: nothing here connects. A destination opens its client lazily, at the first write,
// and these tests never write (spill() appends to the spool without a write).
const URI = 'mongodb://logger:pw@127.0.0.1:1/';
const diagOutput = captureDiag();

const leases: DestinationLease[] = [];
const folders: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const lease of leases.splice(0)) lease.abort();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function spoolFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'destination-unit-'));
  folders.push(folder);
  return join(folder, 'spool');
}

function acquire(
  options: MongoExporterOptions,
  kinds: readonly CollectionKind[] = ['errors', 'audit'],
  stats = new StatsCounter(),
): DestinationLease {
  const resolved = resolveOptions({ connectionString: URI, ...options }, {});
  const lease = acquireDestination(resolved, kinds, stats);
  leases.push(lease);
  return lease;
}

function docs(label: string, size: number): IdentifiedDocument[] {
  return Array.from({ length: size }, (_, i) => ({ _id: `${label}-${i}`, payload: 'x'.repeat(200) }));
}

/** Whether the delivery of `lease` is closed: a closed delivery refuses batches without writing. */
async function isClosed(lease: DestinationLease): Promise<boolean> {
  const result = await lease.delivery.deliver('errors', 'insert', [], new StatsCounter());
  return result.code === 'failed' && result.error.message === 'closed';
}

describe('acquireDestination: one writer and one delivery per spool folder and connection', () => {
  it('shares the writer and the delivery between exporters spooling to the same folder the same way', () => {
    const spoolDir = spoolFolder();
    const logs = acquire({ spoolDir });
    const metrics = acquire({ spoolDir }, ['metrics']);
    expect(metrics.writer).toBe(logs.writer);
    expect(metrics.delivery).toBe(logs.delivery);
  });

  it('recognises the same folder written differently (relative, trailing separator)', () => {
    const spoolDir = spoolFolder();
    const absolute = acquire({ spoolDir });
    const fromCwd = acquire({ spoolDir: `${relative(process.cwd(), spoolDir)}/` });
    expect(fromCwd.delivery).toBe(absolute.delivery);
  });

  it('gives exporters of different folders their own writer and delivery, even to one destination', () => {
    const one = acquire({ spoolDir: spoolFolder() });
    const two = acquire({ spoolDir: spoolFolder() });
    expect(two.writer).not.toBe(one.writer);
    expect(two.delivery).not.toBe(one.delivery);
  });

  it('lets folders of different destinations coexist', () => {
    const one = acquire({ spoolDir: spoolFolder(), database: 'one' });
    const two = acquire({ spoolDir: spoolFolder(), database: 'two' });
    expect(two.delivery).not.toBe(one.delivery);
  });

  it('gives each exporter without a spool a destination of its own', () => {
    const one = acquire({ spoolDir: false });
    const two = acquire({ spoolDir: false });
    expect(two.writer).not.toBe(one.writer);
    expect(two.delivery).not.toBe(one.delivery);
    expect(one.delivery.spools).toBe(false);
  });

  it('does not share between exporters whose credentials differ: each keeps its own client', () => {
    const spoolDir = spoolFolder();
    const one = acquire({ spoolDir });
    const two = acquire({ spoolDir, connectionString: 'mongodb://other:pw@127.0.0.1:1/' });
    expect(two.writer).not.toBe(one.writer);
    expect(two.delivery).not.toBe(one.delivery);
  });

  it("shares an application's client between exporters given that client, not with another client", () => {
    const spoolDir = spoolFolder();
    const client = new MongoClient(URI);
    const one = acquire({ spoolDir, connectionString: undefined, client });
    const same = acquire({ spoolDir, connectionString: undefined, client });
    const other = acquire({ spoolDir, connectionString: undefined, client: new MongoClient(URI) });
    expect(same.delivery).toBe(one.delivery);
    expect(other.delivery).not.toBe(one.delivery);
    expect(other.writer).not.toBe(one.writer);
  });

  it('does not share between a connection string and a client to the same servers', () => {
    const spoolDir = spoolFolder();
    const byUri = acquire({ spoolDir });
    const byClient = acquire({ spoolDir, connectionString: undefined, client: new MongoClient(URI) });
    expect(byClient.delivery).not.toBe(byUri.delivery);
  });

  it('refuses a folder that another exporter of this process spools to for a different destination', () => {
    const spoolDir = spoolFolder();
    acquire({ spoolDir, database: 'one' });
    const refused = () => acquire({ spoolDir, database: 'two' });
    expect(refused).toThrow(InvalidOptionError);
    expect(refused).toThrow(
      /spoolDir.*another exporter of this process spools to it for a different destination/,
    );
    expect(() => acquire({ spoolDir, collections: { audit: 'trail' } })).toThrow(InvalidOptionError);
  });

  it('refuses a different destination even when a destination of another client shares the folder', () => {
    const spoolDir = spoolFolder();
    acquire({ spoolDir });
    acquire({ spoolDir, connectionString: 'mongodb://other:pw@127.0.0.1:1/' });
    expect(() => acquire({ spoolDir, database: 'two' })).toThrow(InvalidOptionError);
  });
});

describe('DestinationLease.release: the last exporter closes the destination', () => {
  it('keeps the destination open while another exporter still uses it', async () => {
    const spoolDir = spoolFolder();
    const client = new MongoClient(URI);
    const logs = acquire({ spoolDir, connectionString: undefined, client });
    const metrics = acquire({ spoolDir, connectionString: undefined, client }, ['metrics']);
    await logs.release();
    expect(await isClosed(metrics)).toBe(false);
    expect(client.listenerCount('serverHeartbeatFailed')).toBe(1);
    expect(acquire({ spoolDir, connectionString: undefined, client }).delivery).toBe(metrics.delivery);
  });

  it('closes the delivery and lets go of the client when the last exporter releases it', async () => {
    const spoolDir = spoolFolder();
    const client = new MongoClient(URI);
    const logs = acquire({ spoolDir, connectionString: undefined, client });
    const metrics = acquire({ spoolDir, connectionString: undefined, client }, ['metrics']);
    await logs.release();
    await metrics.release();
    expect(await isClosed(metrics)).toBe(true);
    expect(client.listenerCount('serverHeartbeatFailed')).toBe(0);
  });

  it('opens a new destination for an exporter that comes after the last release', async () => {
    const spoolDir = spoolFolder();
    const first = acquire({ spoolDir });
    await first.release();
    const next = acquire({ spoolDir });
    expect(next.delivery).not.toBe(first.delivery);
    expect(await isClosed(next)).toBe(false);
  });

  it('counts a second release of the same exporter once: the other exporter keeps the destination', async () => {
    const spoolDir = spoolFolder();
    const logs = acquire({ spoolDir });
    const metrics = acquire({ spoolDir }, ['metrics']);
    await logs.release();
    await logs.release();
    expect(await isClosed(metrics)).toBe(false);
    expect(acquire({ spoolDir }).delivery).toBe(metrics.delivery);
  });

  it('closes once when the last exporter releases twice, and both calls wait for the close', async () => {
    const spoolDir = spoolFolder();
    const client = new MongoClient(URI);
    const removals = vi.spyOn(client, 'removeListener');
    const only = acquire({ spoolDir, connectionString: undefined, client });
    const first = only.release();
    const second = only.release();
    await second;
    expect(await isClosed(only)).toBe(true);
    await first;
    expect(removals.mock.calls.filter(([event]) => event === 'serverHeartbeatFailed')).toHaveLength(1);
  });

  it('never rejects, and says so through diag, when closing the destination fails', async () => {
    const client = new MongoClient(URI);
    vi.spyOn(client, 'removeListener').mockImplementation(() => {
      throw new Error('listener bookkeeping broke');
    });
    const only = acquire({ spoolDir: spoolFolder(), connectionString: undefined, client });
    await only.release(); // a rejection would fail the test here
    expect(diagOutput.text()).toMatch(/closing the destination failed.*listener bookkeeping broke/);
  });

  it('closes a destination without a spool when its exporter releases it', async () => {
    const only = acquire({ spoolDir: false });
    await only.release();
    expect(await isClosed(only)).toBe(true);
  });
});

describe('DestinationLease.abort', () => {
  it('closes the delivery at once and takes the destination out of the registry', async () => {
    const spoolDir = spoolFolder();
    const client = new MongoClient(URI);
    const only = acquire({ spoolDir, connectionString: undefined, client });
    only.abort();
    expect(await isClosed(only)).toBe(true);
    expect(client.listenerCount('serverHeartbeatFailed')).toBe(0);
    const next = acquire({ spoolDir, connectionString: undefined, client });
    expect(next.delivery).not.toBe(only.delivery);
  });
});

describe('counters of a shared destination', () => {
  /** A spool that holds about two batches of `docs(_, 10)`: a third drops the oldest. */
  const SMALL_SPOOL = 5000;

  it('counts documents dropped from the spool in the exporter that writes their collection', () => {
    const spoolDir = spoolFolder();
    const metricsStats = new StatsCounter();
    const errorsStats = new StatsCounter();
    acquire({ spoolDir, spoolMaxBytes: SMALL_SPOOL }, ['metrics'], metricsStats);
    const logs = acquire({ spoolDir, spoolMaxBytes: SMALL_SPOOL }, ['errors', 'audit'], errorsStats);
    const spilled = new StatsCounter();
    for (const label of ['a', 'b', 'c', 'd']) logs.delivery.spill('errors', docs(label, 10), spilled);
    expect(spilled.snapshot().spooled).toBe(40);
    expect(errorsStats.snapshot().dropped).toBeGreaterThan(0);
    expect(errorsStats.snapshot().dropped % 10).toBe(0);
    expect(metricsStats.snapshot().dropped).toBe(0);
  });

  it("counts them in the first exporter's counters when no exporter writes that collection", () => {
    const spoolDir = spoolFolder();
    const firstStats = new StatsCounter();
    const secondStats = new StatsCounter();
    const first = acquire({ spoolDir, spoolMaxBytes: SMALL_SPOOL }, ['metrics'], firstStats);
    acquire({ spoolDir, spoolMaxBytes: SMALL_SPOOL }, ['audit'], secondStats);
    for (const label of ['a', 'b', 'c', 'd'])
      first.delivery.spill('errors', docs(label, 10), new StatsCounter());
    expect(firstStats.snapshot().dropped).toBeGreaterThan(0);
    expect(secondStats.snapshot().dropped).toBe(0);
  });

  it('stops counting in a released exporter', async () => {
    const spoolDir = spoolFolder();
    const releasedStats = new StatsCounter();
    const keptStats = new StatsCounter();
    const released = acquire({ spoolDir, spoolMaxBytes: SMALL_SPOOL }, ['errors'], releasedStats);
    const kept = acquire({ spoolDir, spoolMaxBytes: SMALL_SPOOL }, ['metrics'], keptStats);
    await released.release();
    for (const label of ['a', 'b', 'c', 'd'])
      kept.delivery.spill('errors', docs(label, 10), new StatsCounter());
    expect(releasedStats.snapshot().dropped).toBe(0);
    expect(keptStats.snapshot().dropped).toBeGreaterThan(0);
  });
});
