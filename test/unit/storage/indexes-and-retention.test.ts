import { type Db, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ensureCollectionIndexes, ensureIndexes, listIndexes } from '../../../src/storage/ensure-indexes';
import { INDEXES } from '../../../src/storage/indexes';
import { applyRetention, RetentionUnsupportedError, TTL_INDEX_NAME } from '../../../src/storage/retention';

// A test double for the driver's Db: indexes kept in memory per collection, every command
// recorded. The same functions run against the real server in test/integration and test/cli.
interface FakeIndex {
  name: string;
  key: Record<string, number>;
  expireAfterSeconds?: number;
}

function fakeDb(initial: Record<string, FakeIndex[]> = {}, fail?: { on: string; error: Error }) {
  const indexes = new Map(Object.entries(initial));
  const calls: string[] = [];
  const check = (what: string) => {
    calls.push(what);
    if (fail && what.startsWith(fail.on)) throw fail.error;
  };
  const db = {
    collection: (name: string) => ({
      listIndexes: () => ({
        toArray: async () => {
          check(`listIndexes ${name}`);
          const list = indexes.get(name);
          if (!list) throw Object.assign(new Error('ns does not exist'), { codeName: 'NamespaceNotFound' });
          return list;
        },
      }),
      createIndexes: async (specs: { key: Record<string, number>; name?: string }[]) => {
        check(`createIndexes ${name} ${specs.map((spec) => JSON.stringify(spec.key)).join(' ')}`);
        const names = specs.map((spec) => spec.name ?? Object.keys(spec.key).join('_'));
        indexes.set(name, [
          ...(indexes.get(name) ?? []),
          ...specs.map((spec, i) => ({ name: names[i]!, key: spec.key })),
        ]);
        return names;
      },
      createIndex: async (
        key: Record<string, number>,
        options: { name: string; expireAfterSeconds: number },
      ) => {
        check(`createIndex ${name} ${options.name} ${options.expireAfterSeconds}`);
        indexes.set(name, [...(indexes.get(name) ?? []), { key, ...options }]);
        return options.name;
      },
      dropIndex: async (index: string) => {
        check(`dropIndex ${name} ${index}`);
        indexes.set(
          name,
          (indexes.get(name) ?? []).filter((i) => i.name !== index),
        );
      },
    }),
    command: async (command: { collMod: string; index: { name: string; expireAfterSeconds: number } }) => {
      check(`collMod ${command.collMod} ${command.index.name} ${command.index.expireAfterSeconds}`);
      const index = indexes.get(command.collMod)?.find((i) => i.name === command.index.name);
      if (index) index.expireAfterSeconds = command.index.expireAfterSeconds;
      return { ok: 1 };
    },
  };
  return { db: db as unknown as Db, calls, indexes };
}

const TTL_7_DAYS = 7 * 86_400;

describe('listIndexes', () => {
  it('lists name, key and TTL of each index, and nothing for a collection that does not exist', async () => {
    const { db } = fakeDb({
      c: [
        { name: 'a_1', key: { a: 1 } },
        { name: 't', key: { t: 1 }, expireAfterSeconds: 5 },
      ],
    });
    expect(await listIndexes(db, 'c')).toStrictEqual([
      { name: 'a_1', key: { a: 1 } },
      { name: 't', key: { t: 1 }, expireAfterSeconds: 5 },
    ]);
    expect(await listIndexes(db, 'missing')).toEqual([]);
  });

  it('passes on any other failure', async () => {
    const { db } = fakeDb({ c: [] }, { on: 'listIndexes', error: new Error('not authorized') });
    await expect(listIndexes(db, 'c')).rejects.toThrow('not authorized');
  });
});

describe('ensureCollectionIndexes', () => {
  it('creates only the indexes whose key is missing, one per command, and returns their names', async () => {
    const [first, ...rest] = INDEXES.errors;
    const { db, calls } = fakeDb({ errors: [{ name: 'mine', key: first!.key as Record<string, number> }] });
    const created = await ensureCollectionIndexes(db, 'errors', INDEXES.errors);
    expect(created).toHaveLength(rest.length);
    expect(calls.filter((call) => call.startsWith('createIndexes'))).toEqual(
      rest.map((index) => `createIndexes errors ${JSON.stringify(index.key)}`),
    );
    expect(await ensureCollectionIndexes(db, 'errors', INDEXES.errors)).toEqual([]);
  });

  it('sends every index in one createIndexes when the user may not list indexes', async () => {
    const unauthorized = new MongoServerError({ message: 'not authorized', code: 13 });
    const { db, calls } = fakeDb({}, { on: 'listIndexes', error: unauthorized });
    const created = await ensureCollectionIndexes(db, 'errors', INDEXES.errors);
    expect(created).toHaveLength(INDEXES.errors.length);
    expect(calls.filter((call) => call.startsWith('createIndexes'))).toEqual([
      `createIndexes errors ${INDEXES.errors.map((index) => JSON.stringify(index.key)).join(' ')}`,
    ]);
  });

  it('passes on any other failure to list the indexes, creating none', async () => {
    const refused = new MongoServerError({ message: 'interrupted', code: 11601 });
    const { db, calls } = fakeDb({}, { on: 'listIndexes', error: refused });
    await expect(ensureCollectionIndexes(db, 'errors', INDEXES.errors)).rejects.toBe(refused);
    expect(calls.some((call) => call.startsWith('createIndexes'))).toBe(false);
  });
});

describe('ensureIndexes', () => {
  it('reports, per collection, what it created and every index afterwards', async () => {
    const { db } = fakeDb();
    const reports = await ensureIndexes(db, { errors: 'e', audit: 'a', metrics: 'm' });
    expect(reports.map((report) => [report.kind, report.collection])).toEqual(
      Object.keys(INDEXES).map((kind) => [kind, { errors: 'e', audit: 'a', metrics: 'm' }[kind]]),
    );
    for (const report of reports) {
      expect(report.created).toHaveLength(INDEXES[report.kind].length);
      expect(report.indexes.map((index) => index.key)).toEqual(
        INDEXES[report.kind].map((index) => index.key),
      );
    }
  });
});

describe('applyRetention', () => {
  it('creates the TTL index when there is none', async () => {
    const { db, calls } = fakeDb({ c: [] });
    expect(await applyRetention(db, 'c', 7)).toEqual({
      collection: 'c',
      action: 'created',
      expireAfterSeconds: TTL_7_DAYS,
    });
    expect(calls).toContain(`createIndex c ${TTL_INDEX_NAME} ${TTL_7_DAYS}`);
  });

  it('changes nothing when the TTL is already the one asked for', async () => {
    const { db, calls } = fakeDb({
      c: [{ name: TTL_INDEX_NAME, key: { timestamp: 1 }, expireAfterSeconds: TTL_7_DAYS }],
    });
    expect(await applyRetention(db, 'c', 7)).toEqual({
      collection: 'c',
      action: 'unchanged',
      expireAfterSeconds: TTL_7_DAYS,
    });
    expect(calls).toEqual(['listIndexes c']);
  });

  it('updates another TTL in place with collMod, saying what it was', async () => {
    const { db, calls } = fakeDb({
      c: [{ name: TTL_INDEX_NAME, key: { timestamp: 1 }, expireAfterSeconds: 86_400 }],
    });
    expect(await applyRetention(db, 'c', 7)).toEqual({
      collection: 'c',
      action: 'updated',
      expireAfterSeconds: TTL_7_DAYS,
      previousSeconds: 86_400,
    });
    expect(calls).toContain(`collMod c ${TTL_INDEX_NAME} ${TTL_7_DAYS}`);
  });

  it('updates an index of that name without a TTL, with no previous value', async () => {
    const { db } = fakeDb({ c: [{ name: TTL_INDEX_NAME, key: { timestamp: 1 } }] });
    expect(await applyRetention(db, 'c', 1)).toStrictEqual({
      collection: 'c',
      action: 'updated',
      expireAfterSeconds: 86_400,
    });
  });

  it('removes the TTL index for 0 days, and does nothing when there is none', async () => {
    const { db, calls } = fakeDb({
      c: [{ name: TTL_INDEX_NAME, key: { timestamp: 1 }, expireAfterSeconds: 60 }],
    });
    expect(await applyRetention(db, 'c', 0)).toEqual({
      collection: 'c',
      action: 'removed',
      previousSeconds: 60,
    });
    expect(calls).toContain(`dropIndex c ${TTL_INDEX_NAME}`);
    expect(await applyRetention(db, 'c', 0)).toEqual({ collection: 'c', action: 'none' });
    const untimed = fakeDb({ c: [{ name: TTL_INDEX_NAME, key: { timestamp: 1 } }] });
    expect(await applyRetention(untimed.db, 'c', 0)).toStrictEqual({ collection: 'c', action: 'removed' });
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s days, naming the value', async (days) => {
    const error = await applyRetention(fakeDb({ c: [] }).db, 'c', days).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(`retention days: ${days}`);
  });

  it('creates the TTL index on timestamp, ascending', async () => {
    const { db, indexes } = fakeDb({ c: [] });
    await applyRetention(db, 'c', 7);
    expect(indexes.get('c')).toEqual([
      { key: { timestamp: 1 }, name: TTL_INDEX_NAME, expireAfterSeconds: TTL_7_DAYS },
    ]);
  });

  it('finds its TTL index by name among other indexes', async () => {
    const { db } = fakeDb({
      c: [
        { name: 'other', key: { other: 1 }, expireAfterSeconds: 5 },
        { name: TTL_INDEX_NAME, key: { timestamp: 1 }, expireAfterSeconds: TTL_7_DAYS },
      ],
    });
    expect((await applyRetention(db, 'c', 7)).action).toBe('unchanged');
  });

  it.each([238, 59, 72])(
    'says the server has no TTL indexes on code %i, keeping the error as cause',
    async (code) => {
      const refusal = new MongoServerError({ message: 'expireAfterSeconds not implemented', code });
      const { db } = fakeDb({ c: [] }, { on: 'createIndex ', error: refusal });
      const error = await applyRetention(db, 'c', 7).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetentionUnsupportedError);
      expect((error as Error).message).toMatch(
        /cannot keep TTL indexes, so documents in c are not deleted after 7 days/,
      );
      expect((error as Error).cause).toBe(refusal);
      expect((error as Error).name).toBe('RetentionUnsupportedError');
      expect((error as Error).message).toContain(
        '(expireAfterSeconds not implemented); FerretDB 1.x has no TTL indexes',
      );
    },
  );

  it('passes on other server errors', async () => {
    const refusal = new MongoServerError({ message: 'not authorized', code: 13 });
    const { db } = fakeDb(
      { c: [{ name: TTL_INDEX_NAME, key: { timestamp: 1 }, expireAfterSeconds: 1 }] },
      { on: 'collMod', error: refusal },
    );
    await expect(applyRetention(db, 'c', 7)).rejects.toBe(refusal);
  });
});
