import { MongoNetworkError, MongoServerError } from 'mongodb';
import type { DeliveryWriter } from '../../../src/delivery/retrying-writer';
import type { CollectionKind, IdentifiedDocument, WriteOutcome } from '../../../src/storage/mongo-writer';

/**
 * What the double does with the next write: store, refuse some for good, fail, never answer,
 * or store once `until` settles.
 */
export type Reply =
  'ok' | { rejected: number } | 'transient' | 'permanent' | 'hang' | { until: Promise<unknown> };

export const transientError = () => new MongoNetworkError('connection refused');
export const permanentError = () => new MongoServerError({ code: 13, errmsg: 'not authorized' });

/**
 * A writer whose answers the test scripts; it records every write. Like MongoWriter, a
 * transient failure marks it down (and the server unreachable until `recover()`), and a
 * successful write or probe marks it up again.
 */
export class WriterDouble implements DeliveryWriter {
  readonly writes: { operation: 'insert' | 'upsert'; kind: CollectionKind; ids: string[] }[] = [];
  /** Replies for the next writes, in order; `fallback` afterwards. */
  readonly replies: Reply[] = [];
  fallback: Reply = 'ok';
  reachable = true;
  probes = 0;
  isDown = false;
  private readonly listeners = new Set<() => void>();
  private readonly hanging: (() => void)[] = [];

  insert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome> {
    return this.reply('insert', kind, documents);
  }

  upsert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome> {
    return this.reply('upsert', kind, documents);
  }

  async probe(): Promise<void> {
    this.probes++;
    if (!this.reachable) throw transientError();
    this.up();
  }

  /** Calls to `releaseIfIdle`: the replay letting the process end between rounds. */
  releases = 0;

  async releaseIfIdle(): Promise<void> {
    this.releases++;
  }

  onReachable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  describe(error: unknown): string {
    return (error as Error).message;
  }

  /** The server answers again: writes succeed, listeners are told. */
  recover(): void {
    this.reachable = true;
    this.fallback = 'ok';
    this.up();
  }

  /** Lets writes left hanging fail now (as a closed client would fail them). */
  releaseHanging(): void {
    for (const fail of this.hanging.splice(0)) fail();
  }

  /** Ids written, in order, by insert or upsert. */
  writtenIds(): string[] {
    return this.writes.flatMap((write) => write.ids);
  }

  private up(): void {
    if (!this.isDown) return;
    this.isDown = false;
    for (const listener of this.listeners) listener();
  }

  private reply(
    operation: 'insert' | 'upsert',
    kind: CollectionKind,
    documents: readonly IdentifiedDocument[],
    scripted?: Reply,
    record = true,
  ): Promise<WriteOutcome> {
    if (record) this.writes.push({ operation, kind, ids: documents.map((d) => d._id) });
    const reply = scripted ?? this.replies.shift() ?? this.fallback;
    if (reply === 'hang')
      return new Promise((_, reject) => this.hanging.push(() => reject(transientError())));
    if (reply === 'transient') {
      this.isDown = true;
      this.reachable = false; // until recover()
      return Promise.reject(transientError());
    }
    if (reply === 'permanent') return Promise.reject(permanentError());
    if (typeof reply === 'object' && 'until' in reply) {
      return reply.until.then(() => this.reply(operation, kind, documents, 'ok', false));
    }
    this.up();
    const rejected = reply === 'ok' ? 0 : reply.rejected;
    return Promise.resolve({ written: documents.length - rejected, rejected });
  }
}
