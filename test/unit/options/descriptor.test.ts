import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidOptionError } from '../../../src/foundation/errors';
import {
  checkGivenValues,
  defaultsOf,
  groupOf,
  keysOf,
  type OptionTable,
  resolveTable,
  type Sources,
} from '../../../src/options/descriptor';
import { booleanOption, positiveInteger } from '../../../src/options/validators';

interface ExampleOptions {
  retries?: number;
  verbose?: boolean;
  host?: string;
}

const EXAMPLE = {
  retries: { default: 3, transform: positiveInteger },
  verbose: { default: false, transform: booleanOption },
  host: {
    env: ['EXAMPLE_HOST', 'EXAMPLE_HOST_FALLBACK'],
    transform: (_name: string, value: unknown) => (value === undefined ? 'localhost' : String(value)),
  },
} satisfies OptionTable<ExampleOptions>;

describe('resolveTable', () => {
  it('takes a given value first, then the first set environment variable, then the default', () => {
    expect(resolveTable(EXAMPLE, { retries: 5, host: 'given' }, { EXAMPLE_HOST: 'env' })).toEqual({
      retries: 5,
      verbose: false,
      host: 'given',
    });
    expect(resolveTable(EXAMPLE, {}, { EXAMPLE_HOST_FALLBACK: ' second ' }).host).toBe('second');
    expect(resolveTable(EXAMPLE, {}, { EXAMPLE_HOST: '  ', EXAMPLE_HOST_FALLBACK: 'second' }).host).toBe(
      'second',
    );
    expect(resolveTable(EXAMPLE, {}, {}).host).toBe('localhost');
  });

  it('names the option in the error, or the environment variable the bad value came from', () => {
    expect(() => resolveTable(EXAMPLE, { retries: 0 })).toThrow(/Invalid option retries: 0/);
    const table = { port: { env: ['EXAMPLE_PORT'], transform: positiveInteger } };
    expect(() => resolveTable(table, {}, { EXAMPLE_PORT: 'x' })).toThrow(
      /EXAMPLE_PORT \(environment variable\)/,
    );
  });

  it('records where each value came from when asked', () => {
    const sources: Sources<typeof EXAMPLE> = {};
    resolveTable(EXAMPLE, {}, { EXAMPLE_HOST: 'h' }, undefined, sources);
    expect(sources).toEqual({
      retries: 'retries',
      verbose: 'verbose',
      host: 'EXAMPLE_HOST (environment variable)',
    });
  });

  it('passes the context to every transform', () => {
    const table = {
      folder: { transform: (_name: string, value: unknown, base: string) => `${base}/${String(value)}` },
    };
    expect(resolveTable(table, { folder: 'x' }, {}, '/root')).toEqual({ folder: '/root/x' });
  });

  it('types the result by what each transform returns', () => {
    expectTypeOf(resolveTable(EXAMPLE, {})).toEqualTypeOf<{
      retries: number;
      verbose: boolean;
      host: string;
    }>();
  });
});

describe('OptionTable', () => {
  it('is rejected by the compiler when it misses a key of the interface or names one it does not have', () => {
    const missing = {
      retries: { transform: positiveInteger },
      verbose: { transform: booleanOption },
      // @ts-expect-error the table must describe `host` too
    } satisfies OptionTable<ExampleOptions>;
    const extra = {
      ...EXAMPLE,
      // @ts-expect-error `colour` is no key of ExampleOptions
      colour: { transform: booleanOption },
    } satisfies OptionTable<ExampleOptions>;
    expect(Object.keys(missing)).toHaveLength(2);
    expect(Object.keys(extra)).toHaveLength(4);
  });
});

describe('checkGivenValues', () => {
  it('checks only the values given, with no defaults and no environment', () => {
    expect(() => checkGivenValues(EXAMPLE, {})).not.toThrow();
    expect(() => checkGivenValues(EXAMPLE, { verbose: 'yes' })).toThrow(InvalidOptionError);
    expect(() => checkGivenValues(EXAMPLE, { retries: undefined })).not.toThrow();
  });
});

describe('defaultsOf and keysOf', () => {
  it('lists the defaults of the descriptors that have one, frozen', () => {
    const defaults = defaultsOf(EXAMPLE);
    expect(defaults).toEqual({ retries: 3, verbose: false });
    expect(Object.isFrozen(defaults)).toBe(true);
  });

  it('lists the keys of tables and key lists once each, in order', () => {
    expect(keysOf(EXAMPLE, ['verbose', 'extra'])).toEqual(['retries', 'verbose', 'host', 'extra']);
  });
});

describe('groupOf', () => {
  const group = groupOf(
    { max: { default: 10, transform: positiveInteger }, on: { default: true, transform: booleanOption } },
    'an object like { max, on }',
  );

  it('resolves a nested group key by key, missing keys taking their default', () => {
    expect(group('limits', { max: 2 })).toEqual({ max: 2, on: true });
    expect(group('limits', undefined)).toEqual({ max: 10, on: true });
  });

  it('names the nested key in errors and suggests the closest known one', () => {
    expect(() => group('limits', { max: 0 })).toThrow(/limits\.max: 0/);
    expect(() => group('limits', { mx: 2 })).toThrow(/limits\.mx.*did you mean max\?/);
  });

  it('rejects a value that is not an object, null and arrays included', () => {
    for (const value of [null, [], 'x', 3]) {
      expect(() => group('limits', value)).toThrow(/Invalid option limits.*an object like \{ max, on \}/);
    }
  });
});
