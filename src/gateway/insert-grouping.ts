import type { CollectionKind, IdentifiedDocument } from '../storage/mongo-writer';

/** How concurrent requests' inserts are gathered into batches. */
export interface GroupingLimits {
  /**
   * The longest a request's documents wait for others' before their group may be written: the
   * latency a request may gain when the server is idle. The wait starts at the group's first document.
   */
  maxWaitMs: number;
  /** A group this large may be written at once, and takes no more documents. */
  maxDocuments: number;
  /**
   * Groups being written at once. Further groups wait, and keep growing while they wait: a busy
   * server gets fewer, larger inserts instead of more at the same time (a server that writes one
   * thing at a time, such as FerretDB on SQLite, spends far more per document on concurrent ones).
   */
  maxInFlight: number;
}

/** The gateway's defaults: 20 ms is far below a write's own time; 1,000 documents is a good insert batch. */
export const DEFAULT_GROUPING: Readonly<GroupingLimits> = Object.freeze({
  maxWaitMs: 20,
  maxDocuments: 1000,
  maxInFlight: 2,
});

type Write = (kind: CollectionKind, documents: IdentifiedDocument[]) => Promise<void>;

interface Group {
  kind: CollectionKind;
  documents: IdentifiedDocument[];
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
  timer: NodeJS.Timeout | undefined;
  /** Its wait is over (or it is full): it is written as soon as a write slot is free. */
  due: boolean;
}

/**
 * Inserts of concurrent requests, written together: many clients sending small requests become
 * few large insert batches, which the server takes much faster than many small ones. Each
 * request's promise settles with its group's write, so an answer still means "stored or
 * spooled" for every document of the request (and a refused group refuses each of its
 * requests, which their clients retry). Only inserts are grouped: an upsert's order matters.
 */
export class InsertGrouping {
  private readonly write: Write;
  private readonly limits: GroupingLimits;
  /** The group of each collection that still takes documents. */
  private readonly open = new Map<CollectionKind, Group>();
  /** Groups not yet written, oldest first. */
  private readonly queue: Group[] = [];
  private inFlight = 0;

  constructor(write: Write, limits: GroupingLimits = DEFAULT_GROUPING) {
    this.write = write;
    this.limits = limits;
  }

  insert(kind: CollectionKind, documents: IdentifiedDocument[]): Promise<void> {
    if (documents.length === 0) return Promise.resolve();
    let group = this.open.get(kind);
    if (!group) {
      group = { kind, documents: [], waiters: [], timer: undefined, due: false };
      group.timer = setTimeout(() => this.makeDue(group!), this.limits.maxWaitMs);
      this.open.set(kind, group);
      this.queue.push(group);
    }
    for (const document of documents) group.documents.push(document);
    const settled = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
    if (group.documents.length >= this.limits.maxDocuments) {
      this.open.delete(kind);
      this.makeDue(group);
    }
    return settled;
  }

  /** Writes every waiting group now, whatever is in flight (at close: nothing may be left behind). */
  flushAll(): void {
    while (this.queue.length > 0) this.start(this.queue.shift()!);
  }

  private makeDue(group: Group): void {
    clearTimeout(group.timer);
    group.due = true;
    this.pump();
  }

  /** Starts the oldest due groups while write slots are free. */
  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight) {
      const index = this.queue.findIndex((group) => group.due);
      if (index < 0) return;
      this.start(this.queue.splice(index, 1)[0]!);
    }
  }

  private start(group: Group): void {
    clearTimeout(group.timer);
    if (this.open.get(group.kind) === group) this.open.delete(group.kind);
    this.inFlight++;
    this.write(group.kind, group.documents)
      .then(
        () => {
          for (const waiter of group.waiters) waiter.resolve();
        },
        (error: unknown) => {
          for (const waiter of group.waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
