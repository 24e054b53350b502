import { InvalidOptionError } from '../foundation/errors';
import { redactConnectionString } from '../foundation/redact';

/**
 * Throws {@link InvalidOptionError} for the first key of `options` that is not in `known`,
 * suggesting the closest known key: a misspelt key would otherwise be ignored silently.
 * `owner` names what takes the object, `prefix` a nested group (`collections.`).
 */
export function checkKeys(owner: string, options: object, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const value = (options as Record<string, unknown>)[key];
    throw new InvalidOptionError(`${prefix}${key}`, summarise(value), `a key of the ${owner} options`, {
      suggestion: closestKey(key, known),
    });
  }
}

/** Throws unless `value` is an options object (not null, not an array). */
export function checkOptionsObject(
  name: string,
  value: unknown,
  expectation = 'an object',
): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(name, value, expectation);
  }
}

/** The known key nearest to `key` by edit distance (case ignored), when it is near enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** An unknown key's value as shown in the error: short, and never a connection-string password. */
function summarise(value: unknown): unknown {
  if (typeof value === 'string') {
    const shown = redactConnectionString(value);
    return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
  }
  if (value === null || ['number', 'boolean', 'undefined'].includes(typeof value)) return value;
  return Array.isArray(value) ? '[array]' : `[${typeof value}]`;
}
