import { closeSync, openSync, readSync } from 'node:fs';
import { Binary, EJSON } from 'bson';
import type { CollectionKind, IdentifiedDocument } from '../storage/mongo-writer';
import { ByteBuilder } from './byte-builder';

/** How a spooled batch is written back: the same write the exporter tried. */
export type WriteOperation = 'insert' | 'upsert';

export interface SpooledBatch {
  kind: CollectionKind;
  operation: WriteOperation;
  documents: IdentifiedDocument[];
}

const KINDS = new Set<string>(['errors', 'audit', 'metrics']);
const OPERATIONS = new Set<string>(['insert', 'upsert']);
/** Room the encoder keeps between batches; a larger batch grows it for that batch only. */
const KEPT_BUFFER_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Encodes batches as segment lines, `count<TAB>kind<TAB>operation<TAB>EJSON array\n`, into one
 * buffer that is reused from batch to batch. In an outage every record passes through here, so
 * the line is never built as a string: each document's EJSON goes straight into the buffer,
 * and the only garbage per document is that EJSON text.
 */
export class LineEncoder {
  private readonly out = new ByteBuilder();

  /** Encodes `batch` as one line; the bytes stay readable through `bytes()` until the next call. */
  encode(batch: SpooledBatch): number {
    this.out.reset(KEPT_BUFFER_BYTES);
    this.out.put(`${batch.documents.length}\t${batch.kind}\t${batch.operation}\t[`);
    batch.documents.forEach((document, index) => {
      if (index > 0) this.out.put(',');
      this.out.put(documentJson(document));
    });
    this.out.put(']\n');
    return this.out.length;
  }

  /** The line last encoded. A view of the buffer: copy it to keep it. */
  bytes(): Buffer {
    return this.out.view();
  }

  /** Writes the line last encoded to `fd`, all of it. */
  writeTo(fd: number): void {
    this.out.writeTo(fd);
  }
}

/** A document as it is written in a segment line. */
export function documentJson(document: IdentifiedDocument): string {
  return JSON.stringify(document, toExtendedJson);
}

/**
 * `JSON.stringify` replacer that writes the Extended JSON a segment is read back with (relaxed
 * `EJSON.parse`). Plain objects, arrays, strings, booleans and finite numbers are JSON already;
 * a Date becomes `$date`, bytes `$binary`, and anything else (BSON values, -0, NaN, ±Infinity)
 * is handed to `EJSON.serialize`. `EJSON.stringify` would first copy every document into an EJSON
 * tree: three times the garbage and twice the time, in the outage's hot path.
 */
function toExtendedJson(this: Record<string, unknown>, key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number': {
      const original = this[key];
      if (typeof original === 'object' && original !== null) {
        if (original instanceof Date && !Number.isNaN(original.getTime()))
          return { $date: { $numberLong: String(original.getTime()) } };
        return canonical(original);
      }
      if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
        return canonical(value);
      return value;
    }
    case 'object': {
      if (value === null) return value;
      const original = this[key];
      if (Array.isArray(original)) return value;
      // Stored as BSON binary, as the driver stores it; EJSON alone makes an object of numbers.
      if (original instanceof Uint8Array) return canonical(new Binary(original));
      const prototype = Object.getPrototypeOf(original) as unknown;
      if (prototype === Object.prototype || prototype === null) return value;
      return canonical(original);
    }
    default:
      return value;
  }
}

/** A value as `EJSON.stringify` writes it inside a document (alone, a Uint8Array would be one). */
function canonical(value: unknown): unknown {
  return (EJSON.serialize({ value }, { relaxed: false }) as { value: unknown }).value;
}

/** Reads a segment's text back into batches; a line that cannot be read is counted, not thrown. */
export function parseSegment(text: string): { batches: SpooledBatch[]; unreadableLines: number } {
  const batches: SpooledBatch[] = [];
  let unreadableLines = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [count, kind, operation, payload] = line.split('\t', 4);
    try {
      if (!kind || !KINDS.has(kind) || !operation || !OPERATIONS.has(operation) || !payload)
        throw new Error('bad header');
      const documents = documentsFromJson(payload);
      if (!Array.isArray(documents) || documents.length !== Number(count)) throw new Error('bad payload');
      batches.push({ kind: kind as CollectionKind, operation: operation as WriteOperation, documents });
    } catch {
      unreadableLines++;
    }
  }
  return { batches, unreadableLines };
}

/**
 * A line's documents, as relaxed `EJSON.parse` reads them, five times faster (`bench/mapping.ts`): plain
 * `JSON.parse`, then only the Extended JSON wrappers are revived. A wrapper is an object whose
 * keys start with `$`, and no document key does (`encodeKey` writes a leading `$` as `%24`), so
 * looking at an object's first key tells them apart. Dates, in every document, are revived here;
 * the other wrappers by `EJSON.deserialize`. Replay runs this for every spooled document.
 */
export function documentsFromJson(payload: string): IdentifiedDocument[] {
  return revive(JSON.parse(payload)) as IdentifiedDocument[];
}

const DOLLAR = 0x24;

function revive(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item === 'object' && item !== null) value[index] = revive(item);
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (key.charCodeAt(0) !== DOLLAR) break;
    const millis = (object.$date as { $numberLong?: unknown } | undefined)?.$numberLong;
    if (key === '$date' && typeof millis === 'string') return new Date(Number(millis));
    return EJSON.deserialize(object, { relaxed: true });
  }
  for (const key in object) {
    const item = object[key];
    if (typeof item === 'object' && item !== null) object[key] = revive(item);
  }
  return object;
}

/**
 * The documents a segment file holds, from the count that starts each line. Read in fixed
 * chunks, not as one string: it runs when a full spool drops its oldest segments, in the middle
 * of an outage, where a 4 MiB string per segment would grow the heap.
 */
export function countSegmentDocuments(path: string): number {
  const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const fd = openSync(path, 'r');
  let documents = 0;
  let count = 0;
  let inCount = true; // reading the digits that start a line
  try {
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      let position = 0;
      while (position < read) {
        if (inCount) {
          const byte = chunk[position]!;
          if (byte >= DIGIT_0 && byte <= DIGIT_9) {
            count = count * 10 + byte - DIGIT_0;
            position++;
          } else inCount = false;
          continue;
        }
        const newline = chunk.indexOf(NEWLINE, position);
        if (newline === -1 || newline >= read) break;
        documents += count;
        count = 0;
        inCount = true;
        position = newline + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return documents + count; // a last line cut short by a crash counts, as its header says
}
