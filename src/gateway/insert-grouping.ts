import type { CollectionKind, IdentifiedDocument } from '../storage/mongo-writer';

/** How long, and up to how many documents, concurrent requests' inserts wait to share a batch. */
export interface GroupingLimits {
  /**
   * The longest a request's documents wait for others before they are written: the latency a
   * request may gain. The wait starts at the group's first document.
   */
  maxWaitMs: number;
  /** A group this large is written at once, without waiting. */
  maxDocuments: number;
}

/** The gateway's defaults: 20 ms is far below a write's own time (a 1,000-document insert takes 100-300 ms on a small server); 1,000 documents is a good insert batch. */
export const DEFAULT_GROUPING: Readonly<GroupingLimits> = Object.freeze({
  maxWaitMs: 20,
  maxDocuments: 1000,
});

type Write = (kind: CollectionKind, documents: IdentifiedDocument[]) => Promise<void>;

interface Group {
  documents: IdentifiedDocument[];
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
  timer: NodeJS.Timeout | undefined;
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
  private readonly groups = new Map<CollectionKind, Group>();

  constructor(write: Write, limits: GroupingLimits = DEFAULT_GROUPING) {
    this.write = write;
    this.limits = limits;
  }

  insert(kind: CollectionKind, documents: IdentifiedDocument[]): Promise<void> {
    if (documents.length === 0) return Promise.resolve();
    let group = this.groups.get(kind);
    if (!group) {
      group = { documents: [], waiters: [], timer: undefined };
      this.groups.set(kind, group);
    }
    for (const document of documents) group.documents.push(document);
    const settled = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
    if (group.documents.length >= this.limits.maxDocuments) this.flush(kind);
    else group.timer ??= setTimeout(() => this.flush(kind), this.limits.maxWaitMs);
    return settled;
  }

  /** Writes every waiting group now (at close). */
  flushAll(): void {
    for (const kind of [...this.groups.keys()]) this.flush(kind);
  }

  private flush(kind: CollectionKind): void {
    const group = this.groups.get(kind);
    if (!group) return;
    this.groups.delete(kind);
    clearTimeout(group.timer);
    this.write(kind, group.documents).then(
      () => {
        for (const waiter of group.waiters) waiter.resolve();
      },
      (error: unknown) => {
        for (const waiter of group.waiters) waiter.reject(error);
      },
    );
  }
}
