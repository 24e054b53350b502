/**
 * A deep copy of a mapped document's plain objects and arrays. Other values (Date, binary,
 * BSON types) are immutable in practice and shared. Mapped documents hold no cycles.
 */
export function copyDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyDocument) as T;
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = copyDocument(value[key]);
  return copy as T;
}
