import { calculateObjectSize, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import {
  toBsonSafe,
  toBsonSafeFields,
  toBsonSafeObject,
  toBsonSafeText,
  truncate,
} from '../../../src/document/bson-safe';
import { DEFAULT_SANITIZE_LIMITS, SanitizeReport } from '../../../src/document/sanitize-report';

function safe(value: unknown) {
  const report = new SanitizeReport();
  return { value: toBsonSafe(value, report), report };
}

describe('toBsonSafe', () => {
  it('passes plain values through unchanged and reports nothing', () => {
    const date = new Date(0);
    const input = { a: 1, b: 'x', c: [true, null], d: date, e: { f: 2.5 } };
    const { value, report } = safe(input);
    expect(value).toEqual(input);
    expect(report.count).toBe(0);
  });

  it('nests dotted keys without a report, and encodes a leading dollar with one', () => {
    const { value, report } = safe({ 'a.b': 1, $where: 2, x$y: 3 });
    expect(value).toEqual({ a: { b: 1 }, '%24where': 2, x$y: 3 });
    expect(report.changes).toEqual(['$where: key stored as "%24where"']);
  });

  it('cuts circular references and excessive depth', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 30; i++) deep = { next: deep };
    const { value, report } = safe({ circular, deep });
    const result = value as { circular: { self: unknown }; deep: unknown };
    expect(result.circular.self).toBe('[Circular]');
    expect(JSON.stringify(result.deep)).toContain('[MaxDepth]');
    expect(report.changes.join()).toMatch(/circular reference/);
  });

  it('keeps a value shared by two branches (not a cycle)', () => {
    const shared = { k: 1 };
    expect(safe({ a: shared, b: shared }).value).toEqual({ a: { k: 1 }, b: { k: 1 } });
  });

  it.each([
    ['BigInt within 2^53', 12n, 12],
    ['BigInt beyond 2^53', 2n ** 70n, (2n ** 70n).toString()],
    ['Symbol', Symbol('s'), 'Symbol(s)'],
    ['function', function named() {}, '[Function named]'],
    ['NaN', Number.NaN, 'NaN'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
    ['invalid Date', new Date('nope'), null],
    ['lone surrogate', 'a\uD800b', 'a\uFFFDb'],
    ['Set', new Set([1, 2]), [1, 2]],
    [
      'Map',
      new Map<unknown, unknown>([
        ['k.1', 1],
        [2, 'v'],
      ]),
      { k: { 1: 1 }, '2': 'v' },
    ],
    ['Float32Array', new Float32Array([1.5, 2]), [1.5, 2]],
    ['RegExp', /a+/g, '/a+/g'],
  ])('makes a %s storable and reports it', (_label, input, expected) => {
    const { value, report } = safe(input);
    expect(value).toEqual(expected);
    expect(report.count).toBeGreaterThan(0);
  });

  it('keeps Buffers as binary', () => {
    const buffer = Buffer.from('hi');
    expect(safe(buffer).value).toBe(buffer);
  });

  it('omits undefined object values and stores undefined array items as null', () => {
    const { value, report } = safe({ a: undefined, b: [undefined, 1] });
    expect(value).toEqual({ b: [null, 1] });
    expect(report.count).toBe(2);
  });

  it('stores an Error as its name, message and stack', () => {
    const error = Object.assign(new TypeError('bad'), { code: 'E_BAD' });
    expect(safe({ error }).value).toEqual({
      error: { name: 'TypeError', message: 'bad', stack: error.stack, code: 'E_BAD' },
    });
  });

  it('redacts values under secret-looking keys, whatever their spelling', () => {
    const { value } = safe({
      password: 'p',
      apiKey: 'k',
      'X-Api-Key': 'k2',
      access_token: 't',
      authToken: 't2',
      tokens_used: 12,
      nested: { Authorization: 'Bearer x', cookie: 'c' },
    });
    expect(value).toEqual({
      password: '[REDACTED]',
      apiKey: '[REDACTED]',
      'X-Api-Key': '[REDACTED]',
      access_token: '[REDACTED]',
      authToken: '[REDACTED]',
      tokens_used: 12,
      nested: { Authorization: '[REDACTED]', cookie: '[REDACTED]' },
    });
  });

  it.each([
    ['an object', { value: 'x', hunter2: 'y' }],
    ['an array', ['hunter2']],
    ['a number', 123456],
    ['a boolean', true],
    ['a date', new Date(0)],
    ['a buffer', new Uint8Array([1, 2, 3])],
    ['a Map', new Map([['k', 'hunter2']])],
    ['an error', new Error('hunter2')],
  ])('redacts the whole value under a secret-looking key when it is %s', (_case, secretValue) => {
    const { value } = safe({ password: secretValue, apiKey: secretValue, list: [{ token: secretValue }] });
    expect(value).toEqual({
      password: '[REDACTED]',
      apiKey: '[REDACTED]',
      list: [{ token: '[REDACTED]' }],
    });
  });

  it('redacts secret-looking keys of a Map and of an error', () => {
    const error = Object.assign(new Error('failed'), { credentials: { user: 'u', pass: 'p' } });
    const { value } = safe({ map: new Map([['secret', { a: 1 }]]), error });
    expect(value).toMatchObject({ map: { secret: '[REDACTED]' }, error: { credentials: '[REDACTED]' } });
  });

  it('keeps null under a secret-looking key: there is nothing to hide', () => {
    expect(safe({ password: null }).value).toEqual({ password: null });
  });

  it('stores a key holding NUL, which BSON cannot hold, percent-encoded, and says so', () => {
    const { value, report } = safe({ 'a\0b': 1, nested: { '\0': 2 } });
    expect(value).toEqual({ 'a%00b': 1, nested: { '%00': 2 } });
    expect(report.count).toBe(2);
    expect(() => calculateObjectSize(value as object)).not.toThrow();
  });

  it('hides connection-string passwords in stored strings, at any depth, and notes it', () => {
    const { value, report } = safe({
      message: 'cannot reach mongodb://app:S3cr@t@db.example.net/x',
      list: ['mongodb+srv://u:pw/x@c.example.net'],
    });
    expect(value).toEqual({
      message: 'cannot reach mongodb://app:****@db.example.net/x',
      list: ['mongodb+srv://u:****@c.example.net'],
    });
    expect(report.toString()).toBe(
      'message: connection-string password redacted; list.0: connection-string password redacted',
    );
  });

  it('leaves stack traces with file URLs and scoped packages as they are', () => {
    const stack = 'Error: x\n    at f (file:///app/node_modules/@opentelemetry/core/build/index.js:1:2)';
    const { value, report } = safe({ stack });
    expect(value).toEqual({ stack });
    expect(report.count).toBe(0);
  });

  it('truncates very long strings with a marker that says how much was cut', () => {
    const report = new SanitizeReport();
    const text = 'x'.repeat(1000);
    const cut = toBsonSafe(text, report, {
      maxDepth: 5,
      maxStringLength: 100,
      isSecretKey: () => false,
    }) as string;
    expect(cut.length).toBeLessThanOrEqual(100);
    const kept = cut.indexOf('…');
    expect(cut.endsWith(`…[truncated ${1000 - kept} chars]`)).toBe(true);
    expect(truncate('short', 100)).toBe('short');
  });

  it('wraps a non-object given where an object is required', () => {
    const report = new SanitizeReport();
    expect(toBsonSafeObject('text', report)).toEqual({ valor: 'text' });
    expect(toBsonSafeObject(undefined, report)).toEqual({});
  });

  it('estimates an upper bound of the BSON size it produced (what lets the exporter skip measuring)', () => {
    const values: unknown[] = [
      { a: 1, b: 'x'.repeat(1000), c: [1, 2, 3, 'é'.repeat(300)], d: { e: null, f: true, g: new Date(0) } },
      Array.from({ length: 5000 }, (_, i) => i),
      { 'ключ.с.точками': 'значение', nested: { deep: [[['\u{1F600}'.repeat(100)]]] } },
      { buffer: Buffer.alloc(4096), n: Number.NaN, big: 2n ** 80n },
    ];
    for (const value of values) {
      const report = new SanitizeReport();
      const safe = toBsonSafe(value, report);
      expect(calculateObjectSize({ v: safe })).toBeLessThanOrEqual(report.bytesSeen + 16);
    }
  });
});

describe('SanitizeReport', () => {
  it('keeps the first 20 changes, counts them all, and says how many more there were', () => {
    const report = new SanitizeReport();
    for (let i = 0; i < 23; i++) report.note(`k${i}`, 'changed');
    expect(report.count).toBe(23);
    expect(report.changes).toHaveLength(20);
    expect(report.changes[19]).toBe('k19: changed');
    expect(report.toString()).toMatch(/^k0: changed; k1: changed; .*k19: changed; and 3 more$/);
  });

  it('says nothing more when it kept every change, and names a change at the root <value>', () => {
    const report = new SanitizeReport();
    report.note('', 'changed');
    report.note('a.b', 'cut');
    expect(report.toString()).toBe('<value>: changed; a.b: cut');
  });

  it('keeps exactly 20 changes without "more"', () => {
    const report = new SanitizeReport();
    for (let i = 0; i < 20; i++) report.note(`k${i}`, 'x');
    expect(report.toString()).not.toContain('more');
    expect(report.changes).toHaveLength(20);
  });
});

describe('toBsonSafe key handling', () => {
  it('gives the same keys and secrets after more distinct keys than its cache holds', () => {
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`key$${i}`, i]));
    safe(many);
    const { value } = safe({ password: 'x', 'a.b': 1, $op: 2 });
    expect(value).toEqual({ password: '[REDACTED]', a: { b: 1 }, '%24op': 2 });
  });

  it('places dotted names in name order, whatever the order given', () => {
    const forward = safe({ 'a.b': 1, 'a.b.c': 2 }).value;
    const backward = safe({ 'a.b.c': 2, 'a.b': 1 }).value;
    expect(backward).toEqual(forward);
    expect(forward).toEqual({ a: { b: 1 }, 'a%2Eb%2Ec': 2 });
  });

  it('stores a Map whose keys String() cannot convert (null prototype, throwing toString) instead of throwing', () => {
    const hostile = {
      toString: () => {
        throw new Error('no text');
      },
    };
    const { value } = safe({
      m: new Map<unknown, number>([
        [Object.create(null), 1],
        [hostile, 2],
      ]),
    });
    expect(value).toEqual({ m: { '[object Object]': 2 } });
  });

  it('stores keys named __proto__, alone or on a dotted path, as %5F_proto__ without touching Object.prototype', () => {
    const input = JSON.parse('{"__proto__": {"a": 1}, "__proto__.polluted": 2, "x.__proto__.polluted": 3}');
    const { value } = safe(input);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual({ '%5F_proto__': { a: 1, polluted: 2 }, x: { '%5F_proto__': { polluted: 3 } } });
  });

  it('keeps an own __proto__ key as an own key in attribute values', () => {
    const report = new SanitizeReport();
    const value = toBsonSafeObject(JSON.parse('{"__proto__": "x", "b": 1}'), report, {
      ...DEFAULT_SANITIZE_LIMITS,
      attributeValues: true,
    });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.entries(value)).toEqual([
      ['__proto__', 'x'],
      ['b', 1],
    ]);
  });

  it('notes a dotted name stored flat, with its path', () => {
    const { value, report } = safe({ outer: { a: 1, 'a.b': 2 } });
    expect(value).toEqual({ outer: { a: 1, 'a%2Eb': 2 } });
    expect(report.changes).toEqual(['outer.a.b: key stored as "a%2Eb" (its path holds another value)']);
  });
});

describe('toBsonSafe decisions', () => {
  it.each<[string, unknown, string]>([
    ['undefined', undefined, '<value>: undefined stored as null'],
    ['a small BigInt', 12n, '<value>: BigInt stored as a number'],
    ['a big BigInt', 2n ** 70n, '<value>: BigInt beyond 2^53 stored as a string'],
    ['a symbol', Symbol('s'), '<value>: symbol stored as a string'],
    ['a function', () => undefined, '<value>: function stored as its name'],
    ['NaN', Number.NaN, '<value>: NaN stored as a string'],
    ['an invalid date', new Date('nope'), '<value>: invalid date stored as null'],
    ['a lone surrogate', 'a\uD800', '<value>: lone UTF-16 surrogate replaced by U+FFFD'],
    ['a typed array', new Int8Array([1]), '<value>: Int8Array stored as an array'],
    ['an ArrayBuffer', new ArrayBuffer(2), '<value>: ArrayBuffer stored as binary'],
    ['a Set', new Set([1]), '<value>: Set stored as an array'],
    ['a Map', new Map([['k', 1]]), '<value>: Map stored as an object'],
    ['a RegExp', /a/, '<value>: RegExp stored as a string'],
  ])('says what it did with %s', (_label, input, change) => {
    expect(safe(input).report.changes).toEqual([change]);
  });

  it('names an anonymous function as such', () => {
    const anonymous = [() => undefined][0];
    expect(safe(anonymous).value).toBe('[Function anonymous]');
  });

  it('stores an ArrayBuffer as a copy of its bytes', () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const { value } = safe(buffer);
    expect(value).toBeInstanceOf(Uint8Array);
    expect([...(value as Uint8Array)]).toEqual([1, 2, 3]);
    expect((value as Uint8Array).buffer).not.toBe(buffer);
  });

  it('keeps BSON values such as ObjectId and Long as they are, unless attribute values are asked for', () => {
    const id = new ObjectId();
    const long = Long.fromNumber(7);
    const { value, report } = safe({ id, long });
    expect(value).toEqual({ id, long });
    expect((value as { id: unknown }).id).toBe(id);
    expect(report.count).toBe(0);
  });

  it('cuts at exactly maxDepth levels', () => {
    const limits = { ...DEFAULT_SANITIZE_LIMITS, maxDepth: 2 };
    const report = new SanitizeReport();
    expect(toBsonSafe({ a: { b: { c: 1 } } }, report, limits)).toEqual({ a: { b: '[MaxDepth]' } });
    expect(report.changes).toEqual(['a.b: nested deeper than 2 levels']);
    expect(toBsonSafe({ a: { b: 1 } }, new SanitizeReport(), limits)).toEqual({ a: { b: 1 } });
  });

  it('stores a class instance that is not an Error as its own fields only', () => {
    class Point {
      x = 1;
      y = 2;
    }
    expect(safe(new Point()).value).toEqual({ x: 1, y: 2 });
    expect(Object.keys(safe(new Point()).value as object)).toEqual(['x', 'y']);
    expect(safe(new Point()).report.count).toBe(0);
  });

  it('omits a secret-looking key whose value is undefined, rather than storing [REDACTED]', () => {
    expect(safe({ password: undefined, token: null }).value).toStrictEqual({ token: null });
  });

  it('keeps a string of exactly maxStringLength, and cuts one a character longer', () => {
    const limits = { ...DEFAULT_SANITIZE_LIMITS, maxStringLength: 100 };
    const report = new SanitizeReport();
    expect(toBsonSafe('x'.repeat(100), report, limits)).toBe('x'.repeat(100));
    expect(report.count).toBe(0);
    expect(toBsonSafe('x'.repeat(101), report, limits)).toMatch(/…\[truncated \d+ chars\]$/);
    expect(report.changes).toEqual(['<value>: string of 101 characters truncated']);
  });

  it('truncate keeps a text of exactly the limit', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('stores a date, an array or a string given where an object is required under "valor", and says so', () => {
    const date = new Date(0);
    for (const value of [date, [1], 'text']) {
      const report = new SanitizeReport();
      expect(toBsonSafeObject(value, report, DEFAULT_SANITIZE_LIMITS, 'detalhes')).toEqual({ valor: value });
      expect(report.changes).toEqual(['detalhes: not an object; stored under "valor"']);
    }
  });

  it('stores an invalid date given where an object is required as { valor: null }', () => {
    expect(toBsonSafeObject(new Date('nope'), new SanitizeReport())).toEqual({ valor: null });
  });

  it('keeps a dotted name flat when its prefix holds null', () => {
    expect(safe({ a: null, 'a.b': 1 }).value).toEqual({ a: null, 'a%2Eb': 1 });
  });

  it('estimates 16 bytes per value, 3 per key character plus 2, and 16 plus 3 per string character', () => {
    const { report } = safe({ ab: 'xyz', n: 1, bin: Buffer.alloc(10) });
    // object 16; "ab" 8 + "xyz" 25; "n" 5 + 1 16; "bin" 11 + binary 16 + 10
    expect(report.bytesSeen).toBe(16 + 8 + 25 + 5 + 16 + 11 + 26);
  });
});

describe('toBsonSafeFields', () => {
  const skip = new Set(['exception.type', 'code.line.number']);
  /** What the mapping stored before: the copy without the skipped keys, through toBsonSafeObject. */
  function ofCopy(fields: Record<string, unknown>, limits = DEFAULT_SANITIZE_LIMITS) {
    const copy: Record<string, unknown> = {};
    for (const key in fields) if (!skip.has(key)) copy[key] = fields[key];
    const report = new SanitizeReport();
    return { value: toBsonSafeObject(copy, report, limits, 'contexto'), report };
  }
  function direct(fields: Record<string, unknown>, limits = DEFAULT_SANITIZE_LIMITS) {
    const report = new SanitizeReport();
    return { value: toBsonSafeFields(fields, skip, report, limits, 'contexto'), report };
  }

  it('leaves out the skipped keys and stores the rest as toBsonSafeObject of a copy does', () => {
    const fields = {
      'exception.type': 'TypeError',
      'code.line.number': 3,
      'http.route': '/x',
      $where: 1,
      password: 'p',
      nested: { big: 2n, gone: undefined, 'a.b': [Number.NaN] },
      'lone\uD800': 'x\uDC00',
    };
    const expected = ofCopy(fields);
    const actual = direct(fields);
    expect(actual.value).toEqual(expected.value);
    expect(Object.keys(actual.value)).toEqual(Object.keys(expected.value));
    expect(actual.value).not.toHaveProperty('exception');
    expect(actual.report.changes).toEqual(expected.report.changes);
    expect(actual.report.bytesSeen).toBe(expected.report.bytesSeen);
  });

  it('descends once into a value that holds the fields object itself, as into a copy', () => {
    const fields: Record<string, unknown> = { 'exception.type': 'TypeError', name: 'x' };
    fields.self = fields;
    const actual = direct(fields);
    expect(actual.value).toEqual(ofCopy(fields).value);
    expect(actual.value.self).toEqual({ exception: { type: 'TypeError' }, name: 'x', self: '[Circular]' });
    expect(actual.report.changes).toEqual(['contexto.self.self: circular reference']);
  });

  it('stores the fields under "valor" when no level is allowed (maxDepth 0), as for a copy', () => {
    const limits = { ...DEFAULT_SANITIZE_LIMITS, maxDepth: 0 };
    const actual = direct({ a: 1 }, limits);
    expect(actual.value).toEqual({ valor: '[MaxDepth]' });
    expect(actual.value).toEqual(ofCopy({ a: 1 }, limits).value);
  });
});

describe('toBsonSafeText', () => {
  it('makes a string storable as toBsonSafe does, noting the change under its path', () => {
    const limits = { ...DEFAULT_SANITIZE_LIMITS, maxStringLength: 64 };
    for (const text of ['plain', 'x\uD800', 'see mongodb://u:secret@host/db', 'y'.repeat(100)]) {
      const expected = new SanitizeReport();
      const actual = new SanitizeReport();
      expect(toBsonSafeText(text, actual, limits, 'erro.mensagem')).toBe(
        toBsonSafe(text, expected, limits, 'erro.mensagem'),
      );
      expect([actual.changes, actual.bytesSeen]).toEqual([expected.changes, expected.bytesSeen]);
    }
  });
});
