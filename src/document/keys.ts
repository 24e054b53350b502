/**
 * Field-name encoding, for the keys that cannot be stored as they are. Dotted names are
 * stored as nested fields (see `fieldPath`); what remains is percent-encoded, reversibly:
 * a leading `$` (which MongoDB reads as an operator) → `%24`, NUL (which BSON cannot hold in
 * a key) → `%00`, a `.` in a name that cannot be nested → `%2E`, and a `%` that is followed
 * by two hex digits → `%25`, and the key `__proto__` (which a JavaScript assignment reads as the
 * object's prototype, losing the key or, on a path, reaching Object.prototype) → `%5F_proto__`,
 * so that `decodeKey(encodeKey(key)) === key` for every key.
 * A key with none of these is stored unchanged.
 */
const NEEDS_ENCODING = /[.\0]|^\$|%[0-9A-Fa-f]{2}|^__proto__$/;

export function encodeKey(key: string): string {
  if (!NEEDS_ENCODING.test(key)) return key;
  let encoded = key
    .replace(/%(?=[0-9A-Fa-f]{2})/g, '%25')
    .replaceAll('\0', '%00')
    .replaceAll('.', '%2E');
  if (encoded.startsWith('$')) encoded = '%24' + encoded.slice(1);
  if (encoded === '__proto__') encoded = '%5F_proto__';
  return encoded;
}

/** The original key of an encoded one, for readers of stored documents. */
export function decodeKey(key: string): string {
  if (!key.includes('%')) return key;
  return key.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A key pattern matched against attribute and detail keys whose values are replaced by `[REDACTED]`. */
export type SecretKeyPattern = string | RegExp;

/**
 * Keys redacted by default. A string matches a key case-insensitively as a substring
 * of the key with `-`, `_` and `.` removed (`api_key`, `X-Api-Key`, `apiKey` all match `apikey`).
 */
export const DEFAULT_SECRET_KEYS: readonly SecretKeyPattern[] = Object.freeze([
  'password',
  'senha',
  'passwd',
  'pwd',
  'secret',
  'authorization',
  'apikey',
  'cookie',
  'credential',
  'privatekey',
  'accesskey',
  'sessiontoken',
  // `token` as a whole word or suffix only, so that `tokens_used` is kept.
  /(^|[._-])token([._-]|$)|token$/i,
]);

/** A matcher for the given patterns, built once. */
export function secretKeyMatcher(patterns: readonly SecretKeyPattern[]): (key: string) => boolean {
  const words = patterns.filter((p): p is string => typeof p === 'string').map(normalize);
  const regexes = patterns.filter((p): p is RegExp => p instanceof RegExp);
  if (words.length === 0 && regexes.length === 0) return () => false;
  return (key) => {
    const flat = normalize(key);
    return words.some((word) => flat.includes(word)) || regexes.some((re) => re.test(key));
  };
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}
