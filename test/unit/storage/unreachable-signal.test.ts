import { EventEmitter } from 'node:events';
import type { MongoClient } from 'mongodb';
import { MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { UnreachableSignal } from '../../../src/storage/unreachable-signal';

/** The part of a topology description the signal reads. */
function topology(hasDataBearingServers: boolean, error: Error | null) {
  return { newDescription: { hasDataBearingServers, error } };
}

function setup() {
  const client = new EventEmitter();
  const signal = new UnreachableSignal(client as unknown as MongoClient);
  return { client, signal };
}

const refused = new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:1');
const never = () => new Promise<never>(() => undefined);

describe('UnreachableSignal', () => {
  it("passes an operation's value through", async () => {
    const { signal } = setup();
    await expect(signal.race(Promise.resolve(7))).resolves.toBe(7);
  });

  it("passes an operation's own failure through", async () => {
    const { signal } = setup();
    await expect(signal.race(Promise.reject(new Error('own')))).rejects.toThrow('own');
  });

  it('rejects waiting operations with the error once no data-bearing server is left', async () => {
    const { client, signal } = setup();
    const first = signal.race(never());
    const second = signal.race(never());
    client.emit('topologyDescriptionChanged', topology(false, refused));
    await expect(first).rejects.toBe(refused);
    await expect(second).rejects.toBe(refused);
  });

  it('lets operations wait while a data-bearing server remains (an election), or while no server reported an error', async () => {
    const { client, signal } = setup();
    let settled = false;
    void signal.race(never()).catch(() => (settled = true));
    client.emit('topologyDescriptionChanged', topology(true, refused));
    client.emit('topologyDescriptionChanged', topology(false, null));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
  });

  it('rejects an operation that starts once the server is known unreachable, until reset', async () => {
    const { client, signal } = setup();
    client.emit('topologyDescriptionChanged', topology(false, refused));
    await expect(signal.race(never())).rejects.toBe(refused);
    signal.reset();
    await expect(signal.race(Promise.resolve('again'))).resolves.toBe('again');
  });

  it('forgets the error when a data-bearing server answers', async () => {
    const { client, signal } = setup();
    client.emit('topologyDescriptionChanged', topology(false, refused));
    client.emit('topologyDescriptionChanged', topology(true, null));
    await expect(signal.race(Promise.resolve(1))).resolves.toBe(1);
  });

  it('stops listening to the client once closed', () => {
    const { client, signal } = setup();
    signal.close();
    expect(client.listenerCount('topologyDescriptionChanged')).toBe(0);
  });

  it('leaves no unhandled rejection when the raced operation fails after giving up', async () => {
    const { client, signal } = setup();
    let fail!: (error: Error) => void;
    const operation = new Promise<never>((_, reject) => (fail = reject));
    const raced = signal.race(operation);
    client.emit('topologyDescriptionChanged', topology(false, refused));
    await expect(raced).rejects.toBe(refused);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    fail(new Error('later'));
    await new Promise((resolve) => setImmediate(resolve));
    process.removeListener('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
