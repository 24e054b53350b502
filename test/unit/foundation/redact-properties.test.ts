// Property-based: a connection-string password never survives redaction, whatever its
// characters, raw or percent-encoded. Fixed seed and bounded runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  passwordOf,
  redactConnectionString,
  redactConnectionStringValue,
  redactText,
} from '../../../src/foundation/redact';

const SEED = 20_261_203;
const RUNS = 1000;
const MASK = '****';

// Mostly the characters that break naive parsers, and otherwise any code point.
const special = fc.constantFrom(
  '@',
  ':',
  '/',
  '%',
  '?',
  '#',
  '&',
  '=',
  ',',
  ';',
  '+',
  '*',
  '!',
  '$',
  '[',
  ']',
  '\\',
  '.',
  '~',
  '-',
  '_',
  '%40',
  '%3A',
);
const password = (unit: fc.Arbitrary<string>) =>
  fc
    .string({
      unit: fc.oneof({ weight: 3, arbitrary: special }, { weight: 2, arbitrary: unit }),
      minLength: 4,
      maxLength: 24,
    })
    .map((text) => text.toWellFormed());
const anyCharacter = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
/** Characters a URI inside free text can hold (the text scanner stops at space, quotes and angle brackets). */
const uriCharacter = anyCharacter.filter((c) => !/[\s"'`<>]/.test(c));

const scheme = fc.constantFrom('mongodb://', 'mongodb+srv://');
const user = fc.constantFrom('logger', 'app_user', 'u', 'user.name', 'a-b');
const hosts = fc.constantFrom(
  'db.example.net',
  'h1:27017,h2:27018',
  'cluster0.abcde.mongodb.net',
  '127.0.0.1',
);
const rest = fc.constantFrom(
  '',
  '/',
  '/app',
  '/app?authSource=admin&retryWrites=true',
  '/?tls=true&w=majority',
);

/** The forms in which a password can be echoed: as written in the URI, and decoded. */
function formsOf(raw: string): string[] {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not decodable: only the raw form exists
  }
  return [...new Set([raw, decoded, encodeURIComponent(decoded)])];
}

/**
 * Checks that no form of the password is in `output`. A form that `shell` (the input with every
 * form masked) already holds is part of the surrounding text, not a leak: such cases are skipped.
 */
function expectHidden(output: string, forms: string[], shell: string): void {
  fc.pre(forms.every((form) => !shell.includes(form) && !MASK.includes(form)));
  for (const form of forms) expect(output, `password form ${JSON.stringify(form)}`).not.toContain(form);
}

function masked(text: string, forms: string[]): string {
  return [...forms]
    .sort((a, b) => b.length - a.length)
    .reduce((result, form) => result.split(form).join(MASK), text);
}

describe('redaction properties', () => {
  it('hides a percent-encoded password of any characters in a connection string, alone or inside text', () => {
    fc.assert(
      fc.property(scheme, user, password(anyCharacter), hosts, rest, (s, u, pw, h, r) => {
        const encoded = encodeURIComponent(pw);
        const uri = `${s}${u}:${encoded}@${h}${r}`;
        const forms = formsOf(encoded);
        const text = `MongoServerError: connection to ${uri} failed`;
        expectHidden(redactConnectionString(uri), forms, masked(uri, forms));
        expectHidden(redactConnectionString(text), forms, masked(text, forms));
        expectHidden(redactConnectionStringValue(uri), forms, masked(uri, forms));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('hides a raw password of any characters when the whole value is read as one connection string', () => {
    fc.assert(
      fc.property(scheme, user, password(anyCharacter), hosts, rest, (s, u, pw, h, r) => {
        const value = `${s}${u}:${pw}@${h}${r}`;
        const forms = formsOf(pw);
        expectHidden(redactConnectionStringValue(value), forms, masked(value, forms));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('hides a raw password with @, :, /, % and other URI characters inside free text', () => {
    fc.assert(
      fc.property(scheme, user, password(uriCharacter), hosts, rest, (s, u, pw, h, r) => {
        const text = `failed: ${s}${u}:${pw}@${h}${r} (retrying)`;
        const forms = formsOf(pw);
        expectHidden(redactConnectionString(text), forms, masked(text, forms));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with passwordOf(), hides the password a driver error echoes on its own, raw or decoded', () => {
    fc.assert(
      fc.property(scheme, user, password(anyCharacter), hosts, rest, (s, u, pw, h, r) => {
        const encoded = encodeURIComponent(pw);
        const uri = `${s}${u}:${encoded}@${h}${r}`;
        const text = `Authentication failed for ${uri}: password "${pw}" (${encoded}) rejected`;
        const forms = formsOf(encoded);
        expectHidden(redactText(text, passwordOf(uri)), forms, masked(text, forms));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
