import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { LogSink } from '../../../src/gateway/log-sink';
import { GatewayStorage } from '../../../src/gateway/storage';
import { useTestDatabase } from '../../support/database';
import { logsProtobuf, post, startTestGateway } from '../../support/gateway';

const db = useTestDatabase('gateway_pending_retention');
let gateway: Gateway | undefined;
const restore: (() => void)[] = [];
afterEach(async () => {
  restore.splice(0).forEach((undo) => undo());
  await gateway?.close();
});

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Replaces a prototype method for the test (by hand: a spy would keep every argument alive). */
function patch<T extends object, K extends keyof T>(target: T, key: K, make: (original: T[K]) => T[K]): void {
  const original = target[key];
  target[key] = make(original);
  restore.push(() => (target[key] = original));
}

describe('a request waiting for its write', () => {
  it('holds its documents, not the records it was read into: they are collected before the write settles', async () => {
    gateway = await startTestGateway(db.uri, db.name, { stormGuard: false });
    const received: WeakRef<object>[] = [];
    patch(
      LogSink.prototype,
      'map',
      (map) =>
        function (this: LogSink, groups) {
          received.push(new WeakRef(groups));
          return map.call(this, groups);
        },
    );
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let writing = false;
    patch(
      GatewayStorage.prototype,
      'store',
      (store) =>
        async function (this: GatewayStorage, ...args) {
          writing = true;
          await released;
          return store.apply(this, args);
        },
    );

    const answer = post(
      gateway,
      '/v1/logs',
      logsProtobuf([{ body: 'waits for its write', attributes: { 'error.fingerprint': 'retention' } }]),
    );
    while (!writing) await new Promise((resolve) => setTimeout(resolve, 5));
    collectGarbage();
    const collected = received.map((ref) => ref.deref() === undefined);
    release();
    expect(collected).toEqual([true]);
    expect((await answer).status).toBe(200);
    expect(await db.db.collection('errors').countDocuments({ 'erro.mensagem': 'waits for its write' })).toBe(
      1,
    );
  });
});
