import { calculateObjectSize } from 'bson';
import { truncate } from './bson-safe';

/** MongoDB's document limit is 16 MiB; keep room for the insert command around it. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const SHORTEST_CUT = 64;

/**
 * Shrinks a document that would exceed MongoDB's size limit: the longest strings are cut
 * (with the `…[truncated N chars]` marker), halving the allowed length until it fits;
 * arrays and objects still too big become a marker. Nothing is dropped whole.
 * Returns the number of values cut; 0 when the document already fits.
 */
export function shrinkToFit(
  document: Record<string, unknown>,
  maxBytes: number = MAX_DOCUMENT_BYTES,
): number {
  let size = calculateObjectSize(document);
  if (size <= maxBytes) return 0;
  let cut = 0;
  let longest = longestString(document);
  while (size > maxBytes && longest > SHORTEST_CUT) {
    const limit = Math.max(SHORTEST_CUT, Math.floor(longest / 2));
    cut += cutStrings(document, limit);
    size = calculateObjectSize(document);
    longest = limit;
  }
  while (size > maxBytes) {
    const removed = replaceLargestContainer(document);
    if (!removed) break;
    cut++;
    size = calculateObjectSize(document);
  }
  return cut;
}

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array)
    return 0;
  let longest = 0;
  for (const item of Object.values(value)) longest = Math.max(longest, longestString(item));
  return longest;
}

function cutStrings(container: object, limit: number): number {
  let cut = 0;
  const record = container as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string' && item.length > limit) {
      record[key] = truncate(item, limit);
      cut++;
    } else if (
      item !== null &&
      typeof item === 'object' &&
      !(item instanceof Date) &&
      !(item instanceof Uint8Array)
    ) {
      cut += cutStrings(item, limit);
    }
  }
  return cut;
}

// Contract structures whose fields dashboards read: their strings may be cut, never the structure.
const STRUCTURAL_KEYS = new Set(['erro', 'ambiente', 'sessao']);

/** Replaces the biggest array or object (other than a contract structure) by a marker. */
function replaceLargestContainer(document: Record<string, unknown>): boolean {
  let best: { parent: Record<string, unknown>; key: string; size: number } | undefined;
  const visit = (parent: Record<string, unknown>, depth: number) => {
    for (const key of Object.keys(parent)) {
      const item = parent[key];
      if (item === null || typeof item !== 'object' || item instanceof Date || item instanceof Uint8Array)
        continue;
      const size = calculateObjectSize(item as object);
      const structural = depth === 0 && STRUCTURAL_KEYS.has(key);
      if (!structural && (!best || size > best.size)) best = { parent, key, size };
      visit(item as Record<string, unknown>, depth + 1);
    }
  };
  visit(document, 0);
  if (!best) return false;
  best.parent[best.key] = `[truncated: ${best.size} bytes]`;
  return true;
}
