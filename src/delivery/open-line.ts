import { writevSync } from 'node:fs';
import type { CollectionKind } from '../storage/mongo-writer';
import { ByteBuilder } from './byte-builder';
import { documentJson, type SpooledBatch, type WriteOperation } from './segment-format';

/** Documents in one line at most: one replayed write (the processor's default batch). */
const MAX_LINE_DOCUMENTS = 512;
/** Room kept between lines; a larger line grows it for that line only. */
const KEPT_BUFFER_BYTES = 1024 * 1024;

/**
 * An insert line being built in memory from batches appended one after another (the processor
 * spills records one by one while the server is down), written as one segment line of up to
 * 512 documents. The file format is the usual one; a replay writes the line in one call
 * instead of one call per record.
 */
export class OpenLine {
  private readonly body = new ByteBuilder();
  private kind: CollectionKind | undefined;
  private operation: WriteOperation | undefined;
  private count = 0;
  /** The line before the last `add`, for `removeLast`. */
  private before = { length: 0, count: 0 };

  /** Bytes waiting to be written, header included. */
  get bytes(): number {
    if (this.count === 0) return 0;
    // The header is ASCII: count, kind and operation, three tabs and `[`; then `]\n`.
    const header = digits(this.count) + this.kind!.length + this.operation!.length + 4;
    return header + this.body.length + 2;
  }

  /** Whether `batch` can join this line (same collection, an insert, room left). */
  accepts(batch: SpooledBatch): boolean {
    if (this.count === 0) return true;
    return (
      batch.operation === 'insert' &&
      batch.kind === this.kind &&
      this.count + batch.documents.length <= MAX_LINE_DOCUMENTS
    );
  }

  /** Adds the batch's documents; returns how many bytes the line grew by. */
  add(batch: SpooledBatch): number {
    const before = this.bytes;
    this.before = { length: this.body.length, count: this.count };
    if (this.count === 0) {
      this.kind = batch.kind;
      this.operation = batch.operation;
    }
    for (const document of batch.documents) {
      if (this.count > 0) this.body.put(',');
      this.body.put(documentJson(document));
      this.count++;
    }
    return this.bytes - before;
  }

  /** Takes back what the last `add` added (a batch the spool refuses). */
  removeLast(): void {
    this.body.length = this.before.length;
    this.count = this.before.count;
  }

  /** Writes the line to `fd` and empties it. */
  writeTo(fd: number): void {
    if (this.count === 0) return;
    const parts = [Buffer.from(this.header()), this.body.view(), Buffer.from(']\n')];
    let remaining = parts.reduce((sum, part) => sum + part.length, 0);
    while (remaining > 0) {
      const written = writevSync(fd, parts);
      remaining -= written;
      if (remaining > 0) dropWritten(parts, written);
    }
    this.body.reset(KEPT_BUFFER_BYTES);
    this.count = 0;
    this.before = { length: 0, count: 0 };
  }

  private header(): string {
    return `${this.count}\t${this.kind}\t${this.operation}\t[`;
  }
}

function digits(count: number): number {
  let digits = 1;
  for (let rest = count; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** After a partial `writev`: removes the bytes already written from the front of `parts`. */
function dropWritten(parts: Buffer[], written: number): void {
  let left = written;
  while (left > 0 && parts.length > 0) {
    const first = parts[0]!;
    if (first.length <= left) {
      left -= first.length;
      parts.shift();
    } else {
      parts[0] = first.subarray(left);
      left = 0;
    }
  }
}
