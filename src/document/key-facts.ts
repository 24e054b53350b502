import { fieldPath } from './field-path';
import { encodeKey } from './keys';
import type { SanitizeLimits } from './sanitize-report';

/** What a key becomes when a value is made storable: computed once per key and matcher. */
export interface KeyFacts {
  key: string;
  secret: boolean;
  /** A dotted name's path, where it is stored as nested fields (see `fieldPath`). */
  segments: readonly string[] | undefined;
}

// Records repeat the same attribute keys: their encoding and secret check are computed once
// per matcher. Bounded, so that keys made of data (ids as keys) cannot grow it for ever.
const KEY_CACHE_LIMIT = 2048;
const keyCaches = new WeakMap<SanitizeLimits['isSecretKey'], Map<string, KeyFacts>>();
const attributeKeyCaches = new WeakMap<SanitizeLimits['isSecretKey'], Map<string, KeyFacts>>();

// The cache of the last matcher of each kind, found without a WeakMap lookup per key (it keeps
// that one matcher alive: there is one per exporter configuration).
let lastCache: { matcher: SanitizeLimits['isSecretKey']; cache: Map<string, KeyFacts> } | undefined;
let lastAttributeCache: typeof lastCache;

function keyCache(limits: SanitizeLimits): Map<string, KeyFacts> {
  const last = limits.attributeValues ? lastAttributeCache : lastCache;
  if (last?.matcher === limits.isSecretKey) return last.cache;
  const caches = limits.attributeValues ? attributeKeyCaches : keyCaches;
  let cache = caches.get(limits.isSecretKey);
  if (!cache) caches.set(limits.isSecretKey, (cache = new Map()));
  const found = { matcher: limits.isSecretKey, cache };
  if (limits.attributeValues) lastAttributeCache = found;
  else lastCache = found;
  return cache;
}

export function keyFacts(rawKey: string, limits: SanitizeLimits): KeyFacts {
  const cache = keyCache(limits);
  let facts = cache.get(rawKey);
  if (!facts) {
    facts = limits.attributeValues
      ? // Attribute values keep their names: the MongoDB exporter encodes them when it stores them.
        { key: rawKey.toWellFormed(), secret: limits.isSecretKey(rawKey), segments: undefined }
      : {
          key: encodeKey(rawKey.toWellFormed()),
          secret: limits.isSecretKey(rawKey),
          segments: fieldPath(rawKey.toWellFormed()),
        };
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(rawKey, facts);
  }
  return facts;
}
