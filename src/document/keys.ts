/**
 * Field-name encoding. FerretDB and MongoDB before 5.0 reject keys that contain `.` or
 * start with `$`; newer MongoDB stores them but dot notation cannot query them, and
 * OpenTelemetry names are full of dots (`http.route`). Such characters
 * become their full-width look-alikes, as MongoDB's own documentation once advised:
 * `.` → `．` (U+FF0E), a leading `$` → `＄` (U+FF04). `http.route` is stored as
 * `http．route`: one flat key, never a nested object. NUL, which BSON cannot hold
 * in a key, becomes U+FFFD.
 */
export const ENCODED_DOT = '\uFF0E';
export const ENCODED_DOLLAR = '\uFF04';

const NEEDS_ENCODING = /[.\0]|^\$/;

export function encodeKey(key: string): string {
  if (!NEEDS_ENCODING.test(key)) return key;
  let encoded = key.replaceAll('.', ENCODED_DOT).replaceAll('\0', '\uFFFD');
  if (encoded.startsWith('$')) encoded = ENCODED_DOLLAR + encoded.slice(1);
  return encoded;
}

/** The original key of an encoded one, for readers of stored documents. */
export function decodeKey(key: string): string {
  let decoded = key.replaceAll(ENCODED_DOT, '.');
  if (decoded.startsWith(ENCODED_DOLLAR)) decoded = '$' + decoded.slice(1);
  return decoded;
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
