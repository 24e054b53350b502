import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/foundation/errors';
import type { LevelName } from '../../../src/document/schema';
import { DEFAULTS, resolveOptions } from '../../../src/shared-options/shared-options';

const URI = 'mongodb://127.0.0.1:27017/';

describe('resolveOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveOptions({ connectionString: URI }, {});
    expect(resolved).toMatchObject({
      connectionString: URI,
      database: 'mathbank_logs',
      collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
      remoteSeverity: 17,
      connectionTimeoutMs: 5000,
      createIndexes: true,
    });
    expect(DEFAULTS.database).toBe('mathbank_logs');
  });

  it('takes explicit options before environment variables, and the plan variable before MONGODB_URI', () => {
    const env = {
      MONGODB_CONNECTION_STRING: 'mongodb://plan/',
      MONGODB_URI: 'mongodb://uri/',
      MONGODB_DATABASE: 'envdb',
    };
    expect(resolveOptions({}, env)).toMatchObject({ connectionString: 'mongodb://plan/', database: 'envdb' });
    expect(resolveOptions({}, { MONGODB_URI: 'mongodb://uri/' }).connectionString).toBe('mongodb://uri/');
    expect(resolveOptions({ connectionString: URI, database: 'mine' }, env)).toMatchObject({
      connectionString: URI,
      database: 'mine',
    });
  });

  it.each([
    [{ connectionString: 'http://x' }, 'connectionString'],
    [{ database: 'a.b' }, 'database'],
    [{ collections: { erros: 'x' } }, 'collections.erros'],
    [{ collections: { errors: '' } }, 'collections.errors'],
    [{ remoteLevel: 'LOUD' }, 'remoteLevel'],
    [{ remoteLevel: 30 }, 'remoteLevel'],
    [{ connectionTimeoutMs: -1 }, 'connectionTimeoutMs'],
    [{ connectionTimeoutMs: '5000' }, 'connectionTimeoutMs'],
    [{ createIndexes: 'yes' }, 'createIndexes'],
  ])('rejects %j naming the option %s and the value', (options, option) => {
    const attempt = () => resolveOptions({ connectionString: URI, ...(options as object) }, {});
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(new RegExp(`^Invalid option ${option.replace('.', '\\.')}: `));
  });

  it('never puts a password in the error message', () => {
    const attempt = () => resolveOptions({ connectionString: 'mongo://user:hunter2secret@host/' }, {});
    expect(attempt).toThrow(InvalidOptionError);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2secret');
    }
  });

  it('accepts a level name in any common spelling, or a severity number', () => {
    expect(
      resolveOptions({ connectionString: URI, remoteLevel: 'warn' as LevelName }, {}).remoteSeverity,
    ).toBe(13);
    expect(resolveOptions({ connectionString: URI, remoteLevel: 9 }, {}).remoteSeverity).toBe(9);
  });

  it('resolves appRoot to an absolute folder, and rejects an empty one naming the option', () => {
    expect(resolveOptions({ connectionString: URI, appRoot: 'relative/app' }, {}).appRoots).toEqual([
      resolve('relative/app'),
    ]);
    expect(resolveOptions({ connectionString: URI }, {}).appRoots).toEqual([expect.any(String)]);
    expect(() => resolveOptions({ connectionString: URI, appRoot: ' ' }, {})).toThrow(/appRoot/);
  });

  it('resolves stormGuard: defaults, partial settings, false for off, and errors naming the key', () => {
    expect(resolveOptions({ connectionString: URI }, {}).stormGuard).toEqual({
      maxPerWindow: 10,
      windowMs: 60_000,
    });
    expect(resolveOptions({ connectionString: URI, stormGuard: { windowMs: 5000 } }, {}).stormGuard).toEqual({
      maxPerWindow: 10,
      windowMs: 5000,
    });
    expect(resolveOptions({ connectionString: URI, stormGuard: false }, {}).stormGuard).toBeUndefined();
    expect(() => resolveOptions({ connectionString: URI, stormGuard: { maxPerWindow: 0 } }, {})).toThrow(
      /stormGuard\.maxPerWindow/,
    );
    expect(() => resolveOptions({ connectionString: URI, stormGuard: { window: 1 } as never }, {})).toThrow(
      /stormGuard\.window/,
    );
    expect(() => resolveOptions({ connectionString: URI, stormGuard: true as never }, {})).toThrow(
      /stormGuard/,
    );
  });

  it('accepts a beforeSend function and rejects anything else', () => {
    const hook = () => null;
    expect(resolveOptions({ connectionString: URI, beforeSend: hook }, {}).beforeSend).toBe(hook);
    expect(() => resolveOptions({ connectionString: URI, beforeSend: 'x' as never }, {})).toThrow(
      /beforeSend/,
    );
  });
});
