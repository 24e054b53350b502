import { encodeKey } from './keys';

/**
 * Where a dotted name is stored. An OpenTelemetry name such as `http.request.method` is
 * stored as nested fields, so that the query path is the name as written
 * (`contexto.http.request.method`). Each segment is encoded with `encodeKey` (a leading `$`,
 * NUL and `%XX`), never changing its dots, since there are none left.
 *
 * The rule for conflicts, lossless and independent of the order of the keys:
 * - a name without a dot is stored under its own (encoded) key;
 * - a dotted name is nested when every segment is non-empty and its path is free: each prefix
 *   is absent or an object the path may extend, and the last segment is not set yet;
 * - otherwise (`a` holds a value and `a.b` arrives, `a.b` given both nested and dotted, an empty
 *   segment as in `a..b`) it is stored flat under `encodeKey(name)`, dots as `%2E`
 *   (`a%2Eb`), which `decodeKey()` turns back into the name.
 */
export function fieldPath(name: string): readonly string[] | undefined {
  if (!name.includes('.')) return undefined;
  const segments = name.split('.');
  if (segments.some((segment) => segment === '')) return undefined;
  return segments.map(encodeKey);
}

/** A place in an object: `parent[key]`. */
export interface Slot {
  parent: Record<string, unknown>;
  key: string;
}

/**
 * The slot of `segments` in `target`, creating the missing objects on the way with `create`;
 * undefined when a value that `isContainer` refuses sits on the way. Nothing is created
 * when the answer is undefined: a refused value can only be met before the first creation.
 */
export function locate(
  target: Record<string, unknown>,
  segments: readonly string[],
  isContainer: (value: unknown) => boolean,
  create: () => Record<string, unknown> = () => ({}),
): Slot | undefined {
  let parent = target;
  for (let index = 0; index < segments.length - 1; index++) {
    const segment = segments[index]!;
    // Own properties only: `toString` or `constructor` inherited from Object.prototype is no value on the path.
    const next = Object.hasOwn(parent, segment) ? parent[segment] : undefined;
    if (next === undefined) {
      const created = create();
      parent[segment] = created;
      parent = created;
    } else if (isContainer(next)) {
      parent = next as Record<string, unknown>;
    } else {
      return undefined;
    }
  }
  return { parent, key: segments[segments.length - 1]! };
}

/**
 * Stores `value` under `name` in `target` by the rule of {@link fieldPath}. Returns the flat
 * key used when the name could not be nested, undefined when it was nested (or had no dot).
 */
export function placeByName(
  target: Record<string, unknown>,
  name: string,
  value: unknown,
  isContainer: (value: unknown) => boolean,
  create?: () => Record<string, unknown>,
  segments: readonly string[] | undefined = fieldPath(name),
): string | undefined {
  const slot = segments ? locate(target, segments, isContainer, create) : undefined;
  if (slot && (!Object.hasOwn(slot.parent, slot.key) || slot.parent[slot.key] === undefined)) {
    slot.parent[slot.key] = value;
    return undefined;
  }
  const flat = encodeKey(name);
  target[flat] = value;
  return segments || flat !== name ? flat : undefined;
}
