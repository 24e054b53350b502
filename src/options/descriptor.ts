import { checkKeys, checkOptionsObject } from './key-table';

/**
 * One option, in the manner of the MongoDB driver's `connection_string.ts`: where its value
 * comes from when it is left out, and how a value becomes the resolved one.
 */
export interface OptionDescriptor<Default = unknown, Resolved = unknown, Context = undefined> {
  /** Environment variables read in order when the option is left out; blank ones count as unset. */
  readonly env?: readonly string[];
  /** The value used when the option is left out and no variable is set. */
  readonly default?: Default;
  /**
   * Checks and converts the value; throws `InvalidOptionError` naming `name`. It also receives
   * `undefined` (left out, without default), for options whose absence means something.
   */
  readonly transform: (name: string, value: unknown, context: Context) => Resolved;
}

/**
 * A table of descriptors, one per key of the options interface `T`: the compiler rejects a
 * table that misses a key of the interface or names one it does not have, so a new option is
 * its interface field and its descriptor, in one file.
 */
export type OptionTable<T, Context = undefined> = {
  readonly [K in keyof Required<T>]: OptionDescriptor<T[K], unknown, Context>;
};

/** The resolved values of a table: what each descriptor's `transform` returns. */
export type ResolvedTable<D> = {
  -readonly [K in keyof D]: D[K] extends { transform: (...args: never[]) => infer R } ? R : never;
};

/** The defaults of a table, for the descriptors that have one. */
export type TableDefaults<D> = {
  readonly [K in keyof D as D[K] extends { default: unknown } ? K : never]: D[K] extends {
    default: infer V;
  }
    ? V
    : never;
};

type AnyTable<C> = Readonly<Record<string, OptionDescriptor<unknown, unknown, C>>>;

/** Where each value came from: the option's own name, or the environment variable that gave it. */
export type Sources<D> = { [K in keyof D]?: string };

/**
 * Resolves `options` with `table`: a given value first, then the descriptor's environment
 * variables, then its default, each checked by its `transform`. Keys outside the table are not
 * read here (the caller checks them against the owner's whole key list).
 */
export function resolveTable<D extends AnyTable<C>, C = undefined>(
  table: D,
  options: object,
  env: NodeJS.ProcessEnv = {},
  context?: C,
  sources?: Sources<D>,
  prefix = '',
): ResolvedTable<D> {
  const given = options as Record<string, unknown>;
  const resolved: Record<string, unknown> = {};
  for (const [key, descriptor] of Object.entries(table)) {
    let name = `${prefix}${key}`;
    let value = given[key];
    if (value === undefined && descriptor.env) {
      for (const variable of descriptor.env) {
        const text = env[variable]?.trim();
        if (text) {
          value = text;
          name = `${variable} (environment variable)`;
          break;
        }
      }
    }
    if (value === undefined) value = descriptor.default;
    resolved[key] = descriptor.transform(name, value, context as C);
    if (sources) (sources as Record<string, string>)[key] = name;
  }
  return resolved as ResolvedTable<D>;
}

/**
 * Checks only the values given in `options`, with no environment and no defaults: how a
 * config file or a variable is held to exactly what the option accepts.
 */
export function checkGivenValues(table: AnyTable<never>, options: object): void {
  for (const [key, value] of Object.entries(options)) {
    // A table's context is only for values it computes itself; a given value needs none.
    if (value !== undefined) table[key]?.transform(key, value, undefined as never);
  }
}

/** The keys of tables (or of key lists), once each, in order: every key an owner accepts. */
export function keysOf(...tables: readonly (object | readonly string[])[]): readonly string[] {
  const keys = tables.flatMap((table) =>
    Array.isArray(table) ? (table as readonly string[]) : Object.keys(table),
  );
  return Object.freeze([...new Set(keys)]);
}

/** The defaults of a table, frozen: what the docs list as `@default`. */
export function defaultsOf<D extends AnyTable<never>>(table: D): TableDefaults<D> {
  const defaults: Record<string, unknown> = {};
  for (const [key, descriptor] of Object.entries(table)) {
    if ('default' in descriptor) defaults[key] = descriptor.default;
  }
  return Object.freeze(defaults) as TableDefaults<D>;
}

/**
 * A descriptor transform for a nested group such as `collections` or `stormGuard`: an object
 * whose keys are checked against `table` and resolved with it (`prefix.key` in errors).
 */
export function groupOf<D extends AnyTable<undefined>>(table: D, expectation: string) {
  const known = Object.keys(table);
  return (name: string, value: unknown): ResolvedTable<D> => {
    const given = value === undefined ? {} : value;
    checkOptionsObject(name, given, expectation);
    checkKeys(name, given, known, `${name}.`);
    return resolveTable(table, given, {}, undefined, undefined, `${name}.`);
  };
}
