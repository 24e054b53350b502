import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { failed } from '../foundation/export-result';

/**
 * Writes whole-state documents one write at a time, in order, so an older state can
 * never land after a newer one. A document still waiting is replaced by a newer one
 * with the same `_id`; documents pushed in the same tick go out in one write.
 */
export class LatestDocumentQueue<D extends { _id: string }> {
  private readonly write: (documents: D[]) => Promise<ExportResult>;
  private readonly pending = new Map<string, D>();
  private waiters: ((result: ExportResult) => void)[] = [];
  private running: Promise<void> | undefined;

  /** `write` stores the documents and reports the outcome; it should not reject. */
  constructor(write: (documents: D[]) => Promise<ExportResult>) {
    this.write = write;
  }

  /** Queues `documents`; resolves with the result of the write that stored them (or a newer version of them). */
  push(documents: readonly D[]): Promise<ExportResult> {
    if (documents.length === 0) return Promise.resolve({ code: ExportResultCode.SUCCESS });
    for (const document of documents) this.pending.set(document._id, document);
    const result = new Promise<ExportResult>((resolve) => this.waiters.push(resolve));
    this.running ??= this.drain();
    return result;
  }

  /** Resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // let pushes of the same tick join this write
    while (this.pending.size > 0) {
      const documents = [...this.pending.values()];
      const waiters = this.waiters;
      this.pending.clear();
      this.waiters = [];
      let result: ExportResult;
      try {
        result = await this.write(documents);
      } catch (error) {
        result = failed(error);
      }
      for (const resolve of waiters) resolve(result);
    }
    this.running = undefined;
  }
}
