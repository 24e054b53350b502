// Property-based: the key encoding and the sanitizer keep docs/document-schema.md's promises on
// generated keys and attribute trees. Fixed seeds and bounded runs.
import { BSON, calculateObjectSize } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBsonSafeObject } from '../../../src/document/bson-safe';
import { decodeKey, encodeKey } from '../../../src/document/keys';
import { MAX_DOCUMENT_BYTES, shrinkToFit } from '../../../src/document/shrink';
import { SanitizeReport } from '../../../src/document/sanitize-report';

const SEED = 20_261_203;
const RUNS = 500;

// Keys made mostly of what the encoding is about (dots, `$`, `%`, NUL, hex digits, look-alikes,
// names of Object.prototype's properties), and otherwise of any code point, lone surrogates included. No letters that spell a secret name.
const keyUnit = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString') },
  {
    weight: 6,
    arbitrary: fc.constantFrom('.', '$', '%', '\0', '2', '4', 'E', 'e', '0', 'F', 'x', '．', '%2E', '%25'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\uD800', '\uDFFF') },
);
const anyKey = fc.string({ unit: keyUnit, maxLength: 8 });
/** Keys the sanitizer keeps as they are: well-formed UTF-16 (lone surrogates become U+FFFD, as documented). */
const wellFormedKey = anyKey.map((key) => key.toWellFormed());

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** All leaves of a stored tree, as (original dotted name, value): nested segments joined by `.`, each decoded. */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix === '' ? [] : [[prefix, {}]];
  return entries.flatMap(([key, item]) =>
    leaves(item, prefix === '' ? decodeKey(key) : `${prefix}.${decodeKey(key)}`),
  );
}

/** Every key of a stored tree is a legal MongoDB field name: no `.`, no NUL, no leading `$`. */
function assertStorableKeys(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    expect(key).not.toMatch(/[.\0]|^\$/);
    assertStorableKeys(item);
  }
}

const same = (a: [string, unknown][]) =>
  a
    .map(([key, value]) => [key, Object.is(value, -0) ? 0 : value] as const)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

describe('key encoding properties', () => {
  it('decodeKey(encodeKey(key)) gives back every key, and the encoded key is a legal field name', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        const encoded = encodeKey(key);
        expect(decodeKey(encoded)).toBe(key);
        expect(encoded).not.toMatch(/[.\0]|^\$/);
      }),
      { seed: SEED, numRuns: RUNS * 4 },
    );
  });

  it('leaves a key unchanged when it has no dot, NUL, leading $, % followed by two hex digits, and is not __proto__', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        fc.pre(!/[.\0]|^\$|%[0-9A-Fa-f]{2}|^__proto__$/.test(key));
        expect(encodeKey(key)).toBe(key);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('sanitizer properties', () => {
  it('turns any value tree into valid BSON with legal keys (checkKeys), which deserializes', () => {
    const tree = fc.dictionary(
      anyKey,
      fc.anything({
        key: anyKey,
        maxDepth: 4,
        maxKeys: 5,
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withNullPrototype: true,
        withSparseArray: true,
        withBoxedValues: true,
      }),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(tree, (value) => {
        const safe = toBsonSafeObject(value, new SanitizeReport());
        expect(Object.keys(Object.prototype), 'Object.prototype polluted').toEqual([]);
        const bytes = BSON.serialize(safe, { checkKeys: true });
        expect(() => BSON.deserialize(bytes)).not.toThrow();
        assertStorableKeys(safe);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps every name and value of a flat attribute map of dotted names: nested or percent-encoded, never lost', () => {
    const attributes = fc.dictionary(wellFormedKey, scalar, { maxKeys: 8 });
    fc.assert(
      fc.property(attributes, (value) => {
        const safe = toBsonSafeObject(value, new SanitizeReport());
        const stored = BSON.deserialize(BSON.serialize(safe, { checkKeys: true }));
        expect(same(leaves(stored))).toEqual(same(Object.entries(value)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps a nested tree whose keys have no dot exactly, once its keys are decoded', () => {
    const undottedKey = wellFormedKey.filter((key) => !key.includes('.'));
    const { tree } = fc.letrec((self) => ({
      tree: fc.dictionary(undottedKey, fc.oneof({ depthSize: 'small' }, scalar, self('tree')), {
        maxKeys: 4,
      }),
    }));
    const decodeAll = (value: unknown): unknown =>
      value === null || typeof value !== 'object'
        ? value
        : Object.fromEntries(Object.entries(value).map(([key, item]) => [decodeKey(key), decodeAll(item)]));
    fc.assert(
      fc.property(tree, (value) => {
        const stored = BSON.deserialize(BSON.serialize(toBsonSafeObject(value, new SanitizeReport())));
        expect(decodeAll(stored)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with shrinkToFit, brings a document of long strings under the limit, keeping its keys', () => {
    const long = fc.string({ minLength: 0, maxLength: 3000, unit: 'binary' });
    // Big enough that cutting strings alone is sometimes not enough, and containers must go.
    const tree = fc.dictionary(
      undottedSimpleKey(),
      fc.oneof(
        long,
        fc.array(long, { minLength: 2, maxLength: 12 }),
        fc.dictionary(undottedSimpleKey(), long, { minKeys: 2, maxKeys: 8 }),
      ),
      { minKeys: 1, maxKeys: 6 },
    );
    const limit = 1024;
    fc.assert(
      fc.property(tree, (value) => {
        const document = toBsonSafeObject(value, new SanitizeReport());
        const keys = Object.keys(document).sort();
        shrinkToFit(document, limit);
        expect(calculateObjectSize(document)).toBeLessThanOrEqual(limit);
        expect(Object.keys(document).sort()).toEqual(keys);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('brings documents over 16 MiB under MongoDB limit (a few large runs)', () => {
    const sizes = fc.array(fc.integer({ min: 1, max: 12 * 1024 * 1024 }), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(sizes, fc.constantFrom('x', 'é', '😀'), (lengths, unit) => {
        fc.pre(lengths.reduce((a, b) => a + b, 0) * unit.length > 17 * 1024 * 1024);
        const document = toBsonSafeObject(
          Object.fromEntries(
            lengths.map((length, i) => [`campo.${i}`, unit.repeat(Math.ceil(length / unit.length))]),
          ),
          new SanitizeReport(),
          { maxDepth: 20, maxStringLength: Number.MAX_SAFE_INTEGER, isSecretKey: () => false },
        );
        shrinkToFit(document);
        expect(calculateObjectSize(document)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
      }),
      { seed: SEED, numRuns: 3 },
    );
  });
});

function undottedSimpleKey() {
  return fc.string({ unit: fc.constantFrom('a', 'b', 'c', '$', '%', '0'), minLength: 1, maxLength: 4 });
}
