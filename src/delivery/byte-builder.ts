import { writeSync } from 'node:fs';

/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3;
const MIN_GROWTH_BYTES = 64 * 1024;

/**
 * UTF-8 text built in a Buffer that is reused: appending a string copies it once, into memory
 * outside the V8 heap, instead of creating strings to join.
 */
export class ByteBuilder {
  private buffer: Buffer = Buffer.alloc(0);
  length = 0;

  /** Appends `text` as UTF-8, growing the buffer when it might not fit. */
  put(text: string): void {
    const room = this.length + text.length * MAX_BYTES_PER_CHAR;
    if (room > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(room, this.buffer.length * 2, MIN_GROWTH_BYTES));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
  }

  /** What was built. A view of the buffer: copy it to keep it past the next change. */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Empties it; a buffer grown past `keepBytes` is let go. */
  reset(keepBytes: number): void {
    this.length = 0;
    if (this.buffer.length > keepBytes) this.buffer = Buffer.alloc(0);
  }

  /** Writes everything built to `fd`. */
  writeTo(fd: number): void {
    let written = 0;
    while (written < this.length) written += writeSync(fd, this.buffer, written, this.length - written);
  }
}
