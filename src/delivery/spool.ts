import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { OpenLine } from './open-line';
import { countSegmentDocuments, LineEncoder, parseSegment, type SpooledBatch } from './segment-format';

export type { SpooledBatch, WriteOperation } from './segment-format';

/** A segment file claimed by this process for replay. */
export interface ClaimedSegment {
  path: string;
  batches: SpooledBatch[];
  /** Lines that could not be read (a write cut short by a crash). */
  unreadableLines: number;
}

export interface SpoolEvents {
  /** Oldest batches removed to make room: how many documents were lost. */
  dropped(documents: number, reason: string): void;
}

/**
 * Process-wide: the segments being written by any spool of this process (the log and metric
 * exporters may share a folder), which no spool may claim, and the sequence in their names.
 * Kept on globalThis so that the ESM and CommonJS builds of the package share them.
 */
const processState = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('opentelemetry-exporter-mongodb.spool')
] ??= {
  activeSegments: new Set<string>(),
  sequence: 0,
}) as { activeSegments: Set<string>; claimedSegments?: Set<string>; sequence: number };
// Added after the first release: a state object made by an older copy of the package lacks it.
const claimedSegments = (processState.claimedSegments ??= new Set<string>());

const SEGMENT_SUFFIX = '.ejsonl';
/** A segment still being written: renamed to the bare `.ejsonl` name once closed. */
const OPEN_SUFFIX = '.open';
const CLAIM_SUFFIX = '.replay-';
const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Appends are synchronous and never nested, so one encoder serves every spool of the process. */
const encoder = new LineEncoder();

/**
 * An append-only disk queue of batches, as EJSON lines in segment files readable only by
 * the user. Each line is `count<TAB>kind<TAB>operation<TAB>EJSON array`.
 *
 * What is fsynced, and when (as docs/reliability.md lists it, each case tested in
 * spool-durability.test.ts):
 * - `append` with the default options writes its line and fsyncs the segment before it
 *   returns (a gathered line written before it is synced with it);
 * - `append` with `sync: false` writes its line and does not fsync it: the caller syncs once,
 *   with `sync()`, for everything it appended;
 * - `append` with `gather` keeps an insert batch in memory, in a line of up to 512 documents,
 *   not yet written; that line is written, without a sync, when it is full, when a batch of
 *   another kind is gathered or when a batch is appended without `gather`, and written and
 *   fsynced at `sync()`, `rotate()` and `close()`;
 * - closing a segment (`rotate()`: at 4 MiB, before a replay or a drop of old segments, and at
 *   `close()`) fsyncs it before the rename that makes it replayable;
 * - `release` fsyncs the unstored rest of a segment before it takes the segment's name.
 * The folder itself is never fsynced after a rename.
 *
 * Segment names say when, by whom and for where: `<ms>-<pid>-<seq>-<destination key>.ejsonl`,
 * with `.open` added while the segment is written. Replay follows the order of writing. A
 * spool replays only segments of its own destination (a folder shared by several
 * destinations never writes one's documents into another's database), and any closed segment
 * of it, whoever wrote it: a process that shut its exporters down but lives on leaves its
 * segments to the next process. An open segment whose writer is gone (a crash) is closed by
 * the next spool that lists the folder. Segments of the first releases (no key in the name)
 * are replayed by whichever destination finds them, once their writer is gone.
 * Size is bounded for the whole folder: the oldest closed segments are dropped, and counted,
 * to make room.
 */
export class DiskSpool {
  readonly directory: string;
  private readonly maxBytes: number;
  private readonly events: SpoolEvents;
  /** The destination's part of segment names (a hash: no host or database name on disk). */
  private readonly key: string;
  private activePath: string | undefined;
  private activeFd: number | undefined;
  private activeBytes = 0;
  /** Insert batches appended with `gather`, gathered into one line not yet written. */
  private readonly openLine = new OpenLine();
  /** Bytes of the segments in the folder as last counted; undefined when a recount is due. */
  private knownBytes: number | undefined;

  /** `destination`: where the batches go (servers, database, collections), without credentials. */
  constructor(directory: string, maxBytes: number, events: SpoolEvents, destination: string) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.events = events;
    this.key = destinationKey(destination);
  }

  /** True when no segment, of this process or a finished one, waits to be replayed. */
  isEmpty(): boolean {
    return this.segments().length === 0 && this.activeBytes === 0;
  }

  /**
   * Appends a batch and fsyncs it before returning, unless `sync: false` (a caller that
   * appends several and calls `sync()` once) or `gather` (a caller that appends a record at a
   * time: insert batches wait in memory, see the class comment; a batch of another operation
   * is written at once, not synced). Synchronous, so that it also works in an 'exit' handler.
   * False (nothing written) when the batch alone exceeds the spool. Throws when the folder
   * cannot be written.
   */
  append(batch: SpooledBatch, options: { sync?: boolean; gather?: boolean } = {}): boolean {
    if (options.gather === true && batch.operation === 'insert') return this.gather(batch);
    const bytes = encoder.encode(batch);
    if (bytes > this.maxBytes) return false;
    const dropped = this.makeRoom(bytes);
    if (this.activeFd === undefined || this.activeBytes + bytes > MAX_SEGMENT_BYTES) this.openSegment();
    this.writeOpenLine();
    encoder.writeTo(this.activeFd!);
    if (options.sync !== false && options.gather !== true) fsyncSync(this.activeFd!);
    this.grew(bytes, dropped);
    return true;
  }

  /**
   * Whether `bytes` more can be appended without dropping any segment. Read-only: the folder is
   * listed only when no count is known or the running count says the limit is near.
   */
  fits(bytes: number): boolean {
    if (this.knownBytes !== undefined && this.knownBytes + bytes <= this.maxBytes) return true;
    this.knownBytes = this.sizeOfSegments();
    return this.knownBytes + bytes <= this.maxBytes;
  }

  /** Writes and syncs what `append(..., { sync: false })` or `gather` left unwritten or unsynced. */
  sync(): void {
    this.writeOpenLine();
    if (this.activeFd !== undefined) fsyncSync(this.activeFd);
  }

  /** Closes the segment being written, so that it can be replayed. */
  rotate(): void {
    if (this.activeFd !== undefined) {
      this.writeOpenLine();
      fsyncSync(this.activeFd);
      closeSync(this.activeFd);
    }
    if (this.activePath !== undefined) {
      renameSync(this.activePath, this.activePath.slice(0, -OPEN_SUFFIX.length));
      processState.activeSegments.delete(this.activePath);
    }
    this.activeFd = undefined;
    this.activePath = undefined;
    this.activeBytes = 0;
  }

  /**
   * Takes the oldest replayable segment for this process by renaming it, so that no other
   * process replays it too. Undefined when there is none.
   */
  claimOldest(): ClaimedSegment | undefined {
    for (const name of this.segments()) {
      const claimed = join(this.directory, `${name}${CLAIM_SUFFIX}${process.pid}`);
      try {
        renameSync(join(this.directory, name), claimed);
      } catch {
        continue; // another process claimed it first
      }
      claimedSegments.add(claimed);
      try {
        return { path: claimed, ...parseSegment(readFileSync(claimed, 'utf8')) };
      } catch (error) {
        claimedSegments.delete(claimed);
        throw error;
      }
    }
    return undefined;
  }

  /** A replayed segment is deleted. */
  complete(segment: ClaimedSegment): void {
    claimedSegments.delete(segment.path);
    this.knownBytes = undefined;
    unlinkSync(segment.path);
  }

  /**
   * A segment whose replay stopped goes back, under its original name, for a later attempt.
   * When its first `stored` batches were written, only the others go back, so that they are
   * neither written nor counted twice.
   */
  release(segment: ClaimedSegment, stored = 0): void {
    claimedSegments.delete(segment.path);
    const original = segment.path.slice(0, segment.path.lastIndexOf(CLAIM_SUFFIX));
    if (stored > 0) {
      const rest = `${original}.rest-${process.pid}`;
      const fd = openSync(rest, 'w', 0o600);
      try {
        for (const batch of segment.batches.slice(stored)) {
          encoder.encode(batch);
          encoder.writeTo(fd);
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(rest, segment.path);
      this.knownBytes = undefined;
    }
    renameSync(segment.path, original);
  }

  close(): void {
    this.rotate();
  }

  /**
   * Segment names this spool may replay, oldest first: the closed segments of its destination,
   * open ones and claims left by dead processes (closed or given back first), and segments of
   * the first releases once their writer is gone.
   */
  private segments(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return [];
    }
    const replayable: string[] = [];
    for (const name of names) {
      const path = join(this.directory, name);
      if (processState.activeSegments.has(path) || claimedSegments.has(path)) continue;
      if (name.endsWith(SEGMENT_SUFFIX)) {
        const key = keyOf(name);
        if (key === this.key || (key === undefined && !isAlive(ownerPid(name)))) replayable.push(name);
      } else if (name.endsWith(SEGMENT_SUFFIX + OPEN_SUFFIX)) {
        if (isAlive(ownerPid(name))) continue;
        const closed = name.slice(0, -OPEN_SUFFIX.length);
        try {
          renameSync(path, join(this.directory, closed)); // its writer crashed: close it for its owner
        } catch {
          continue; // closed by another process in the meantime
        }
        if (keyOf(closed) === this.key) replayable.push(closed);
      } else if (
        name.includes(CLAIM_SUFFIX) &&
        !isAlive(Number(name.slice(name.lastIndexOf(CLAIM_SUFFIX) + CLAIM_SUFFIX.length)))
      ) {
        const original = name.slice(0, name.lastIndexOf(CLAIM_SUFFIX));
        try {
          renameSync(join(this.directory, name), join(this.directory, original));
          const key = keyOf(original);
          if (key === undefined || key === this.key) replayable.push(original);
        } catch {
          // Reclaimed by another process in the meantime.
        }
      }
    }
    return replayable.sort();
  }

  /** Adds an insert batch to the line gathered in memory (see `append`). */
  private gather(batch: SpooledBatch): boolean {
    if (!this.openLine.accepts(batch)) this.writeOpenLine();
    if (this.activeFd === undefined) this.openSegment();
    const bytes = this.openLine.add(batch);
    if (bytes > this.maxBytes) {
      this.openLine.removeLast();
      return false;
    }
    const dropped = this.makeRoom(bytes);
    if (this.activeFd === undefined || this.activeBytes + bytes > MAX_SEGMENT_BYTES) this.openSegment();
    if (!this.openLine.accepts(batch)) this.writeOpenLine();
    this.grew(bytes, dropped);
    return true;
  }

  private writeOpenLine(): void {
    if (this.activeFd !== undefined) this.openLine.writeTo(this.activeFd);
  }

  private grew(bytes: number, dropped: number): void {
    this.activeBytes += bytes;
    if (this.knownBytes !== undefined) this.knownBytes += bytes;
    // Reported once the line is written: the listener may log, and a log may be spooled.
    if (dropped > 0) this.events.dropped(dropped, `spool full (spoolMaxBytes ${this.maxBytes})`);
  }

  private openSegment(): void {
    this.rotate();
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const sequence = String(processState.sequence++).padStart(6, '0');
    const name = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${sequence}-${this.key}${SEGMENT_SUFFIX}${OPEN_SUFFIX}`;
    this.activePath = join(this.directory, name);
    processState.activeSegments.add(this.activePath);
    this.activeFd = openSync(this.activePath, 'a', 0o600);
    this.activeBytes = 0;
  }

  /**
   * Drops the oldest segments until `bytes` more fit under the limit, and returns how many
   * documents they held. The folder is only listed when the running count says the limit is
   * near (other processes may have added).
   */
  private makeRoom(bytes: number): number {
    if (this.knownBytes === undefined) this.knownBytes = this.sizeOfSegments();
    if (this.knownBytes + bytes <= this.maxBytes) return 0;
    let total = this.sizeOfSegments();
    let dropped = 0;
    if (total + bytes <= this.maxBytes) {
      this.knownBytes = total;
      return 0;
    }
    this.rotate();
    for (const name of this.allSegmentsOldestFirst()) {
      if (total + bytes <= this.maxBytes) break;
      const path = join(this.directory, name);
      try {
        const size = statSync(path).size;
        const documents = countSegmentDocuments(path);
        unlinkSync(path);
        total -= size;
        dropped += documents;
      } catch {
        // Claimed or removed by another process meanwhile: it no longer counts.
      }
    }
    this.knownBytes = total;
    return dropped;
  }

  /** Closed segments of every destination: what may be dropped to make room. */
  private allSegmentsOldestFirst(): string[] {
    return this.listed((name) => name.endsWith(SEGMENT_SUFFIX));
  }

  private listed(keep: (name: string) => boolean): string[] {
    try {
      return readdirSync(this.directory).filter(keep).sort();
    } catch {
      return [];
    }
  }

  /** Bytes of the folder's segments, open ones included (this spool's and other processes'). */
  private sizeOfSegments(): number {
    let total = 0;
    const counted = (name: string) =>
      name.endsWith(SEGMENT_SUFFIX) || name.endsWith(SEGMENT_SUFFIX + OPEN_SUFFIX);
    for (const name of this.listed(counted)) {
      try {
        total += statSync(join(this.directory, name)).size;
      } catch {
        // Removed meanwhile.
      }
    }
    return total;
  }
}

/** Bytes `batch` takes in a segment once appended. */
export function spooledBytes(batch: SpooledBatch): number {
  return encoder.encode(batch);
}

function ownerPid(segmentName: string): number {
  return Number(segmentName.split('-')[1]);
}

/** The destination key in a segment's name; undefined in names of the first releases. */
function keyOf(segmentName: string): string | undefined {
  return KEY_IN_NAME.exec(segmentName)?.[1];
}
const KEY_IN_NAME = /-([0-9a-f]{12})\.ejsonl$/;

/** 12 hex digits of the destination's SHA-256: tells destinations apart without naming them. */
export function destinationKey(destination: string): string {
  return createHash('sha256').update(destination).digest('hex').slice(0, 12);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // our own closed segments are ours to replay
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
