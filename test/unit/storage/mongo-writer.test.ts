import { EventEmitter } from 'node:events';
import {
  MongoBulkWriteError,
  type MongoClient,
  MongoNetworkError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
  type TopologyDescription,
} from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { InvalidOptionError } from '../../../src/foundation/errors';
import { INDEXES } from '../../../src/storage/indexes';
import { type IdentifiedDocument, MongoWriter } from '../../../src/storage/mongo-writer';
import { isTransient } from '../../../src/storage/write-errors';
import { captureDiag } from '../../support/diag';
import { resolveOptions } from '../../../src/shared-options/shared-options';

// A test double for the driver's client and collection: it records the calls and answers
// with what each test scripts, including the driver's own error classes. Tests that need
// a server use the real one (test/integration).
type Script = (documents: readonly unknown[]) => Promise<unknown>;

const diagOutput = captureDiag();

class FakeClient extends EventEmitter {
  readonly calls: string[] = [];
  insertMany: Script = async () => ({});
  bulkWrite: Script = async () => ({});
  createIndexes: () => Promise<unknown> = async () => ['created'];
  connect: () => Promise<unknown> = async () => this;
  command: (command: object) => Promise<unknown> = async () => ({ ok: 1 });
  createIndex: () => Promise<unknown> = async () => 'timestamp_ttl';
  closed = false;

  db(database: string) {
    return {
      command: (command: object) => {
        this.calls.push(`command ${database} ${JSON.stringify(command)}`);
        return this.command(command);
      },
      collection: (name: string) => ({
        insertMany: (documents: unknown[], options: unknown) => {
          this.calls.push(`insertMany ${database}.${name} ${JSON.stringify(options)}`);
          return this.insertMany(documents);
        },
        bulkWrite: (operations: unknown[], options: unknown) => {
          this.calls.push(`bulkWrite ${database}.${name} ${JSON.stringify(options)}`);
          return this.bulkWrite(operations);
        },
        createIndexes: () => {
          this.calls.push(`createIndexes ${database}.${name}`);
          return this.createIndexes();
        },
        // A collection with no index yet: the writer creates what is missing, one at a time.
        listIndexes: () => ({ toArray: async () => [] }),
        createIndex: (_key: unknown, options: { name: string; expireAfterSeconds: number }) => {
          this.calls.push(`createIndex ${database}.${name} ${options.name} ${options.expireAfterSeconds}`);
          return this.createIndex();
        },
      }),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function writerWith(client: FakeClient, options: { createIndexes?: boolean; retentionDays?: number } = {}) {
  const resolved = resolveOptions(
    { client: client as unknown as MongoClient, spoolDir: false, database: 'db', ...options },
    {},
  );
  return new MongoWriter(resolved);
}

function documents(count: number): IdentifiedDocument[] {
  return Array.from({ length: count }, (_, i) => ({ _id: `id${i}`, n: i }));
}

function refusal(writeErrors: { code: number; index: number }[]): MongoBulkWriteError {
  return new MongoBulkWriteError(
    { message: 'write errors', code: writeErrors[0]!.code, writeErrors: writeErrors as never },
    {} as never,
  );
}

describe('MongoWriter.insert', () => {
  it('counts every document as written when the insert succeeds, with one unordered insertMany', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    expect(await writer.insert('errors', documents(3))).toEqual({ written: 3, rejected: 0 });
    expect(client.calls).toEqual(['insertMany db.errors {"ordered":false}']);
    expect(writer.isConnected).toBe(true);
  });

  it('counts duplicate keys as written: the documents were stored by an earlier attempt', async () => {
    const client = new FakeClient();
    client.insertMany = () =>
      Promise.reject(
        refusal([
          { code: 11000, index: 0 },
          { code: 11000, index: 2 },
        ]),
      );
    const writer = writerWith(client, { createIndexes: false });
    expect(await writer.insert('audit', documents(4))).toEqual({ written: 4, rejected: 0 });
    expect(writer.isConnected).toBe(true);
  });

  it('counts documents the server refused for good as rejected, and the rest as written', async () => {
    const client = new FakeClient();
    client.insertMany = () =>
      Promise.reject(
        refusal([
          { code: 121, index: 1 },
          { code: 11000, index: 2 },
          { code: 10334, index: 4 },
        ]),
      );
    const writer = writerWith(client, { createIndexes: false });
    expect(await writer.insert('errors', documents(5))).toEqual({ written: 3, rejected: 2 });
  });

  it('throws the driver error when nothing is known to be written, and marks itself disconnected', async () => {
    const client = new FakeClient();
    const lost = new MongoBulkWriteError(new MongoNetworkError('connection closed') as never, {} as never);
    client.insertMany = () => Promise.reject(lost);
    const writer = writerWith(client, { createIndexes: false });
    await writer.insert('errors', documents(1)).catch(() => undefined);
    client.insertMany = () => Promise.reject(lost);
    const thrown = await writer.insert('errors', documents(2)).catch((error: unknown) => error);
    expect(thrown).toBe(lost);
    expect(isTransient(thrown)).toBe(true);
    expect(writer.isConnected).toBe(false);
  });

  it('throws when no server can be selected, without calling insertMany', async () => {
    const client = new FakeClient();
    const unreachable = new MongoServerSelectionError('timed out', {} as TopologyDescription);
    client.connect = () => Promise.reject(unreachable);
    const writer = writerWith(client, { createIndexes: false });
    await expect(writer.insert('errors', documents(1))).rejects.toBe(unreachable);
    expect(client.calls).toEqual([]);
  });

  it('connects once for concurrent writes, and not again while connected', async () => {
    const client = new FakeClient();
    let connects = 0;
    client.connect = async () => void connects++;
    const writer = writerWith(client, { createIndexes: false });
    await Promise.all([writer.insert('errors', documents(1)), writer.insert('audit', documents(1))]);
    await writer.insert('errors', documents(1));
    expect(connects).toBe(1);
  });

  it('reconnects after a failure before writing again', async () => {
    const client = new FakeClient();
    let connects = 0;
    client.connect = async () => void connects++;
    const writer = writerWith(client, { createIndexes: false });
    await writer.insert('errors', documents(1));
    client.insertMany = () => Promise.reject(new MongoNetworkError('reset'));
    await writer.insert('errors', documents(1)).catch(() => undefined);
    client.insertMany = async () => ({});
    await writer.insert('errors', documents(1));
    expect(connects).toBe(2);
  });

  it('tracks the heartbeat: failed means disconnected, succeeded connected', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    client.emit('serverHeartbeatSucceeded');
    expect(writer.isConnected).toBe(true);
    client.emit('serverHeartbeatFailed');
    expect(writer.isConnected).toBe(false);
  });

  it('writes nothing for an empty batch', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    expect(await writer.insert('errors', [])).toEqual({ written: 0, rejected: 0 });
    expect(await writer.upsert('metrics', [])).toEqual({ written: 0, rejected: 0 });
    expect(client.calls).toEqual([]);
  });
});

describe('MongoWriter.upsert', () => {
  it('replaces each document by _id, inserting it if absent', async () => {
    const client = new FakeClient();
    let operations: unknown[] = [];
    client.bulkWrite = async (given) => void (operations = [...given]);
    const writer = writerWith(client, { createIndexes: false });
    expect(await writer.upsert('metrics', documents(2))).toEqual({ written: 2, rejected: 0 });
    expect(client.calls).toEqual(['bulkWrite db.metrics {"ordered":false}']);
    expect(operations).toEqual([
      { replaceOne: { filter: { _id: 'id0' }, replacement: { _id: 'id0', n: 0 }, upsert: true } },
      { replaceOne: { filter: { _id: 'id1' }, replacement: { _id: 'id1', n: 1 }, upsert: true } },
    ]);
  });

  it('throws any failure and marks itself disconnected', async () => {
    const client = new FakeClient();
    const refused = new MongoServerError({ message: 'not authorized', code: 13 });
    client.bulkWrite = () => Promise.reject(refused);
    const writer = writerWith(client, { createIndexes: false });
    await expect(writer.upsert('metrics', documents(1))).rejects.toBe(refused);
    expect(writer.isConnected).toBe(false);
  });
});

describe('MongoWriter indexes', () => {
  it('creates the indexes once per collection', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    await writer.insert('errors', documents(1));
    await writer.insert('errors', documents(1));
    await writer.insert('audit', documents(1));
    expect(client.calls.filter((call) => call.startsWith('createIndexes'))).toEqual([
      ...INDEXES.errors.map(() => 'createIndexes db.errors'),
      ...INDEXES.audit.map(() => 'createIndexes db.audit'),
    ]);
  });

  it('tries again on the next write after a transient failure, never after a permanent one', async () => {
    const client = new FakeClient();
    client.createIndexes = () => Promise.reject(new MongoNetworkError('reset'));
    const writer = writerWith(client);
    expect(await writer.insert('errors', documents(1))).toEqual({ written: 1, rejected: 0 });
    client.createIndexes = () => Promise.reject(new MongoServerError({ message: 'unauthorized', code: 13 }));
    await writer.insert('errors', documents(1));
    await writer.insert('errors', documents(1));
    expect(client.calls.filter((call) => call.startsWith('createIndexes'))).toHaveLength(2);
  });

  it('creates none when createIndexes is false', async () => {
    const client = new FakeClient();
    await writerWith(client, { createIndexes: false }).insert('errors', documents(1));
    expect(client.calls.some((call) => call.startsWith('createIndexes'))).toBe(false);
  });
});

describe('MongoWriter.close', () => {
  it('leaves a client given by the application open, and stops listening to it', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    await writer.close();
    expect(client.closed).toBe(false);
    expect(client.listenerCount('serverHeartbeatFailed')).toBe(0);
    expect(client.listenerCount('serverHeartbeatSucceeded')).toBe(0);
  });
});

describe('MongoWriter construction', () => {
  it('refuses a URI the driver cannot parse, keeping its error as cause and hiding the password', () => {
    let thrown: unknown;
    try {
      // Resolving the options already asks the driver's parser, so the writer never sees such a URI.
      new MongoWriter(resolveOptions({ connectionString: 'mongodb://u:pa@ss@h/', spoolDir: false }, {}));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    // The URI parser's own MongoParseError class, not the driver's: matched by name.
    expect((thrown as Error).cause).toMatchObject({
      name: 'MongoParseError',
      message: 'Invalid connection string',
    });
    expect((thrown as InvalidOptionError).value).toBe('mongodb://u:****@h/');
    expect(String(thrown)).not.toContain('pa@ss');
  });

  it("keeps the driver's error as cause, and hides the password, when the driver refuses the URI it is given", () => {
    // Resolved options normally hold a URI the driver accepts; this one bypasses that check.
    const resolved = resolveOptions({ connectionString: 'mongodb://h/', spoolDir: false }, {});
    const uri = 'mongodb://u:s3cretpw@h/?tls=maybe';
    let thrown: unknown;
    try {
      new MongoWriter({ ...resolved, connectionString: uri, secrets: ['s3cretpw'] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as Error).cause).toBeInstanceOf(MongoParseError);
    expect((thrown as Error).message).toMatch(
      /expected a valid MongoDB URI \(MongoParseError: tls\/ssl must be either "true" or "false"\)$/,
    );
    expect((thrown as InvalidOptionError).value).toBe('mongodb://u:****@h/?tls=maybe');
    expect(String(thrown)).not.toContain('s3cretpw');
  });

  it('asks for a URI or a client when it has neither', () => {
    const options = resolveOptions({ spoolDir: false }, {});
    expect(() => new MongoWriter(options)).toThrow(
      /Invalid option connectionString: undefined; expected a MongoDB URI/,
    );
  });
});

describe('MongoWriter.ping', () => {
  it('answers true and marks itself connected when the server answers', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    expect(await writer.ping()).toBe(true);
    expect(client.calls).toEqual(['command db {"ping":1}']);
    expect(writer.isConnected).toBe(true);
  });

  it('is up again, and tells the reachability listeners, when a ping answers after the server was down', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    const told = vi.fn();
    writer.onReachable(told);
    client.emit('serverHeartbeatFailed');
    expect(writer.isDown).toBe(true);
    expect(await writer.ping()).toBe(true);
    expect(writer.isDown).toBe(false);
    expect(told).toHaveBeenCalledTimes(1);
  });

  it('answers false, without throwing, and marks itself disconnected when it does not', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    client.emit('serverHeartbeatSucceeded');
    client.command = () => Promise.reject(new MongoNetworkError('reset'));
    expect(await writer.ping()).toBe(false);
    expect(writer.isConnected).toBe(false);
  });
});

describe('MongoWriter retention', () => {
  it('keeps the retentionDays TTL index with the other indexes, once per collection', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { retentionDays: 30 });
    await writer.insert('errors', documents(1));
    await writer.insert('errors', documents(1));
    expect(client.calls.filter((call) => call.startsWith('createIndex '))).toEqual([
      `createIndex db.errors timestamp_ttl ${30 * 86_400}`,
    ]);
  });

  it('writes on when the server has no TTL indexes, and does not ask again', async () => {
    const client = new FakeClient();
    client.createIndex = () =>
      Promise.reject(new MongoServerError({ message: 'expireAfterSeconds not implemented', code: 238 }));
    const writer = writerWith(client, { retentionDays: 30 });
    expect(await writer.insert('errors', documents(1))).toEqual({ written: 1, rejected: 0 });
    expect(await writer.insert('errors', documents(1))).toEqual({ written: 1, rejected: 0 });
    expect(client.calls.filter((call) => call.startsWith('createIndex '))).toHaveLength(1);
  });

  it('asks again on the next write after another failure of the TTL index', async () => {
    const client = new FakeClient();
    client.createIndex = () => Promise.reject(new MongoNetworkError('reset'));
    const writer = writerWith(client, { retentionDays: 30 });
    await writer.insert('errors', documents(1));
    await writer.insert('errors', documents(1));
    expect(client.calls.filter((call) => call.startsWith('createIndex '))).toHaveLength(2);
  });

  it('keeps no TTL index without retentionDays', async () => {
    const client = new FakeClient();
    await writerWith(client).insert('errors', documents(1));
    expect(client.calls.some((call) => call.startsWith('createIndex '))).toBe(false);
  });
});

describe('MongoWriter down and up', () => {
  it('is not down before any contact', () => {
    const writer = writerWith(new FakeClient());
    expect(writer.isDown).toBe(false);
    expect(writer.isConnected).toBe(false);
  });

  it('is down after a transient write failure, and up again after the next successful write', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    client.insertMany = () => Promise.reject(new MongoNetworkError('reset'));
    await writer.insert('errors', documents(1)).catch(() => undefined);
    expect(writer.isDown).toBe(true);
    client.insertMany = async () => ({});
    await writer.insert('errors', documents(1));
    expect(writer.isDown).toBe(false);
  });

  it('is not down after a permanent failure: the server answered', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    client.insertMany = () => Promise.reject(new MongoServerError({ message: 'not authorized', code: 13 }));
    await writer.insert('errors', documents(1)).catch(() => undefined);
    expect(writer.isDown).toBe(false);
    expect(writer.isConnected).toBe(false);
  });

  it('is down after a transient upsert failure', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    client.bulkWrite = () => Promise.reject(new MongoNetworkError('reset'));
    await writer.upsert('metrics', documents(1)).catch(() => undefined);
    expect(writer.isDown).toBe(true);
  });

  it('is up again when the server refuses some documents: it answered', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    client.emit('serverHeartbeatFailed');
    client.insertMany = () => Promise.reject(refusal([{ code: 121, index: 0 }]));
    expect(await writer.insert('errors', documents(2))).toEqual({ written: 1, rejected: 1 });
    expect(writer.isDown).toBe(false);
    expect(writer.isConnected).toBe(true);
  });

  it('is down and disconnected after a failed heartbeat, up and connected after a succeeded one', () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    client.emit('serverHeartbeatFailed');
    expect(writer.isDown).toBe(true);
    expect(writer.isConnected).toBe(false);
    client.emit('serverHeartbeatSucceeded');
    expect(writer.isDown).toBe(false);
    expect(writer.isConnected).toBe(true);
  });

  it('calls the reachability listeners once when the server answers after being down, not while it is up', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    let calls = 0;
    writer.onReachable(() => calls++);
    await writer.insert('errors', documents(1));
    client.emit('serverHeartbeatSucceeded');
    expect(calls).toBe(0);
    client.emit('serverHeartbeatFailed');
    client.emit('serverHeartbeatSucceeded');
    client.emit('serverHeartbeatSucceeded');
    expect(calls).toBe(1);
  });

  it('stops calling a listener after its unsubscribe', () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    let calls = 0;
    const unsubscribe = writer.onReachable(() => calls++);
    unsubscribe();
    client.emit('serverHeartbeatFailed');
    client.emit('serverHeartbeatSucceeded');
    expect(calls).toBe(0);
  });

  it('is up again after a successful upsert', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    client.emit('serverHeartbeatFailed');
    await writer.upsert('metrics', documents(1));
    expect(writer.isDown).toBe(false);
  });

  it('calls the other listeners, becomes up, and reports the listener error, when one listener throws', () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    const called: string[] = [];
    writer.onReachable(() => {
      called.push('first');
      throw new Error('listener bug');
    });
    writer.onReachable(() => called.push('second'));
    client.emit('serverHeartbeatFailed');
    expect(() => client.emit('serverHeartbeatSucceeded')).not.toThrow();
    expect(called).toEqual(['first', 'second']);
    expect(writer.isDown).toBe(false);
    expect(diagOutput.text()).toMatch(/^error .*a reachability listener threw listener bug/m);
  });
});

describe('MongoWriter.probe', () => {
  it('pings the database and marks the server up when it answers', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    let reachable = 0;
    writer.onReachable(() => reachable++);
    client.emit('serverHeartbeatFailed');
    await writer.probe();
    expect(client.calls).toEqual(['command db {"ping":1}']);
    expect(writer.isDown).toBe(false);
    expect(writer.isConnected).toBe(true);
    expect(reachable).toBe(1);
  });

  it('rejects with the driver error, and marks the server down, when the ping fails transiently', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    const lost = new MongoNetworkError('reset');
    client.command = () => Promise.reject(lost);
    await expect(writer.probe()).rejects.toBe(lost);
    expect(writer.isDown).toBe(true);
    expect(writer.isConnected).toBe(false);
  });

  it('rejects without pinging when it cannot connect', async () => {
    const client = new FakeClient();
    const unreachable = new MongoServerSelectionError('timed out', {} as TopologyDescription);
    client.connect = () => Promise.reject(unreachable);
    const writer = writerWith(client);
    await expect(writer.probe()).rejects.toBe(unreachable);
    expect(client.calls).toEqual([]);
    expect(writer.isDown).toBe(true);
  });
});

describe('MongoWriter.ping readiness', () => {
  it('connects before pinging when not connected, and not again once connected', async () => {
    const client = new FakeClient();
    let connects = 0;
    client.connect = async () => void connects++;
    const writer = writerWith(client);
    await writer.ping();
    await writer.ping();
    expect(connects).toBe(1);
  });

  it('answers false without pinging when it cannot connect', async () => {
    const client = new FakeClient();
    client.connect = () => Promise.reject(new MongoNetworkError('refused'));
    const writer = writerWith(client);
    expect(await writer.ping()).toBe(false);
    expect(client.calls).toEqual([]);
  });

  it('connects again after a failed connection attempt', async () => {
    const client = new FakeClient();
    let connects = 0;
    client.connect = async () => {
      connects++;
      if (connects === 1) throw new MongoNetworkError('refused');
    };
    const writer = writerWith(client);
    expect(await writer.ping()).toBe(false);
    expect(await writer.ping()).toBe(true);
    expect(connects).toBe(2);
  });
});

describe('MongoWriter.close of its own client', () => {
  function ownWriter() {
    // A client the writer makes itself; it never connects in these tests (no write is made).
    return new MongoWriter(
      resolveOptions(
        { connectionString: 'mongodb://127.0.0.1:1/', spoolDir: false, connectionTimeoutMs: 1234 },
        {},
      ),
    );
  }

  it('makes its client with the package appName and connectionTimeoutMs for selection and connect', async () => {
    const writer = ownWriter();
    const options = writer['client'].options;
    expect(options.appName).toBe('opentelemetry-exporter-mongodb');
    expect(options.serverSelectionTimeoutMS).toBe(1234);
    expect(options.connectTimeoutMS).toBe(1234);
    await writer.close();
  });

  it('closes the client it made, and is disconnected', async () => {
    const writer = ownWriter();
    const close = vi.spyOn(writer['client'], 'close');
    await writer.close();
    expect(close).toHaveBeenCalledTimes(1);
    expect(writer.isConnected).toBe(false);
  });

  it('resolves even when closing its client fails', async () => {
    const writer = ownWriter();
    vi.spyOn(writer['client'], 'close').mockRejectedValue(new Error('close failed'));
    await expect(writer.close()).resolves.toBeUndefined();
    expect(diagOutput.text()).toMatch(/^warn .*closing the MongoDB client failed: Error: close failed/m);
  });

  it('forgets its reachability listeners and stops following the heartbeat', async () => {
    const client = new FakeClient();
    const writer = writerWith(client);
    let calls = 0;
    writer.onReachable(() => calls++);
    client.emit('serverHeartbeatFailed');
    await writer.close();
    client.emit('serverHeartbeatSucceeded');
    expect(writer.isDown).toBe(true);
    await writer.probe();
    expect(writer.isDown).toBe(false);
    expect(calls).toBe(0);
  });
});

describe('MongoWriter connecting', () => {
  it('does not connect again for a write that starts while another is still in flight', async () => {
    const client = new FakeClient();
    let connects = 0;
    client.connect = async () => void connects++;
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const insertStarted = new Promise<void>((resolve) => (started = resolve));
    client.insertMany = () => {
      started();
      return new Promise((resolve) => (release = () => resolve({})));
    };
    const writer = writerWith(client, { createIndexes: false });
    const first = writer.insert('errors', documents(1));
    await insertStarted;
    client.insertMany = async () => ({});
    await writer.insert('audit', documents(1));
    release();
    await first;
    expect(connects).toBe(1);
  });

  it('is disconnected after closing a client given by the application', async () => {
    const client = new FakeClient();
    const writer = writerWith(client, { createIndexes: false });
    await writer.insert('errors', documents(1));
    await writer.close();
    expect(writer.isConnected).toBe(false);
  });
});

describe('MongoWriter diagnostics', () => {
  it('warns, naming the count and the collection and hiding the password, when the server refuses some documents', async () => {
    const client = new FakeClient();
    const error = refusal([{ code: 121, index: 1 }]);
    error.message = 'validation failed on mongodb://u:s3cretpw@h/';
    client.insertMany = () => Promise.reject(error);
    const writer = writerWith(client, { createIndexes: false });
    await writer.insert('errors', documents(2));
    expect(diagOutput.lines).toHaveLength(1);
    expect(diagOutput.text()).toMatch(/^warn .*1 of 2 documents refused by db\.errors: .*validation failed/);
    expect(diagOutput.text()).not.toContain('s3cretpw');
  });

  it('says nothing when every refused document is a duplicate key', async () => {
    const client = new FakeClient();
    client.insertMany = () => Promise.reject(refusal([{ code: 11000, index: 0 }]));
    await writerWith(client, { createIndexes: false }).insert('errors', documents(2));
    expect(diagOutput.lines).toEqual([]);
  });

  it('warns that it will retry a transient index failure, and reports a permanent one as an error', async () => {
    const client = new FakeClient();
    client.createIndexes = () => Promise.reject(new MongoNetworkError('reset'));
    const writer = writerWith(client);
    await writer.insert('errors', documents(1));
    expect(diagOutput.text()).toMatch(
      /^warn .*cannot create indexes on db\.errors; will retry: MongoNetworkError: reset/,
    );
    diagOutput.lines.length = 0;
    client.createIndexes = () => Promise.reject(new MongoServerError({ message: 'unauthorized', code: 13 }));
    await writer.insert('errors', documents(1));
    expect(diagOutput.text()).toMatch(
      /^error .*cannot create indexes on db\.errors; not retrying \(create them yourself, or set createIndexes: false\): MongoServerError: unauthorized/,
    );
  });

  it('warns, not as an error, when the server has no TTL indexes', async () => {
    const client = new FakeClient();
    client.createIndex = () =>
      Promise.reject(new MongoServerError({ message: 'expireAfterSeconds not implemented', code: 238 }));
    await writerWith(client, { retentionDays: 30 }).insert('errors', documents(1));
    expect(diagOutput.lines).toHaveLength(1);
    expect(diagOutput.text()).toMatch(/^warn .*retentionDays: this server cannot keep TTL indexes/);
  });

  it('says nothing about indexes when they are created, with or without retentionDays', async () => {
    await writerWith(new FakeClient()).insert('errors', documents(1));
    await writerWith(new FakeClient(), { retentionDays: 30 }).insert('errors', documents(1));
    expect(diagOutput.lines).toEqual([]);
  });
});
