import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KNOWN_DOWN, SPILL, SYNC_SPILLED } from '../../../src/foundation/internal-symbols';
import { MongoBatchLogRecordProcessor } from '../../../src/logs/batch-processor';

/** An exporter double whose exports stay in flight until `finish()`, and that records spills. */
function slowExporter(options: { down?: boolean; spills?: boolean } = {}) {
  const inFlight: Array<(result: ExportResult) => void> = [];
  const exported: number[] = [];
  const spilled: number[] = [];
  const syncs: number[] = [];
  const exporter = {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void) {
      exported.push(records.length);
      inFlight.push(done);
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
    [KNOWN_DOWN]: () => options.down === true,
    ...(options.spills === false
      ? {}
      : {
          [SPILL](records: readonly ReadableLogRecord[], options: { gather?: boolean } = {}) {
            spilled.push(records.length);
            if (options.gather !== true) syncs.push(records.length);
            return true;
          },
          [SYNC_SPILLED]: () => void syncs.push(0),
        }),
    finish: () => inFlight.splice(0).forEach((done) => done({ code: ExportResultCode.SUCCESS })),
  };
  return { exporter, exported, spilled, syncs };
}

function pipeline(exporter: ReturnType<typeof slowExporter>['exporter']) {
  // The defaults, which the numbers below follow: maxQueueSize 2048, maxExportBatchSize 512,
  // scheduledDelayMillis 1000.
  const processor = new MongoBatchLogRecordProcessor({ exporter });
  const logger = new LoggerProvider({ processors: [processor] }).getLogger('app');
  const emit = (count: number) => {
    for (let i = 0; i < count; i++) logger.emit({ body: `record ${i}` });
  };
  return { processor, emit };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('MongoBatchLogRecordProcessor: when records are spilled', () => {
  it('keeps records queued behind a recent export until the queue is full, then spills the whole queue', () => {
    const { exporter, exported, spilled } = slowExporter();
    const { emit } = pipeline(exporter);
    emit(512 + 2048);
    expect(exported).toEqual([512]);
    expect(spilled).toEqual([]);
    emit(1);
    expect(spilled).toEqual([2048]);
  });

  it('spills a batch at once when it waits behind an export that has run for scheduledDelayMillis', () => {
    const { exporter, exported, spilled } = slowExporter();
    const { emit } = pipeline(exporter);
    emit(512 + 511);
    vi.advanceTimersByTime(999);
    emit(1);
    expect(spilled).toEqual([]);
    vi.advanceTimersByTime(1);
    emit(1);
    expect(exported).toEqual([512]);
    expect(spilled).toEqual([513]);
  });

  it('spills each record as it is emitted while the server is known down, and syncs once per maxQueueSize', () => {
    const { exporter, exported, spilled, syncs } = slowExporter({ down: true });
    const { emit } = pipeline(exporter);
    emit(2047);
    expect(exported).toEqual([]);
    expect(spilled).toEqual(Array.from({ length: 2047 }, () => 1));
    expect(syncs).toEqual([]);
    emit(1);
    expect(syncs).toEqual([0]);
  });

  it('syncs records spilled while the server is down after scheduledDelayMillis, and at flush', async () => {
    const { exporter, syncs } = slowExporter({ down: true });
    const { processor, emit } = pipeline(exporter);
    emit(3);
    vi.advanceTimersByTime(999);
    expect(syncs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(syncs).toEqual([0]);
    emit(2);
    await processor.forceFlush();
    expect(syncs).toEqual([0, 0]);
  });

  it('exports what is queued, without spilling, once the export in flight ends', async () => {
    const { exporter, exported, spilled } = slowExporter();
    const { emit } = pipeline(exporter);
    emit(512 + 600);
    exporter.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(exported).toEqual([512, 512]);
    expect(spilled).toEqual([]);
  });

  it('keeps the queue, and counts nothing lost, when a late export meets an exporter that cannot spill', () => {
    const { exporter, spilled } = slowExporter({ spills: false, down: true });
    const { processor, emit } = pipeline(exporter);
    emit(512 + 600);
    expect(spilled).toEqual([]);
    expect(processor.getStats().failed).toBe(0);
  });
});

describe('MongoBatchLogRecordProcessor at the natural end of the process', () => {
  it("exports what is queued when the process is about to end by itself ('beforeExit'), and nothing when the queue is empty", () => {
    const { exporter, exported } = slowExporter();
    const { emit } = pipeline(exporter);
    process.emit('beforeExit', 0);
    expect(exported).toEqual([]);
    emit(3);
    process.emit('beforeExit', 0);
    expect(exported).toEqual([3]);
  });

  it("removes its 'beforeExit' and 'exit' listeners at shutdown", async () => {
    const before = [process.listenerCount('beforeExit'), process.listenerCount('exit')];
    const { exporter } = slowExporter();
    const { processor } = pipeline(exporter);
    expect([process.listenerCount('beforeExit'), process.listenerCount('exit')]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    await processor.shutdown();
    expect([process.listenerCount('beforeExit'), process.listenerCount('exit')]).toEqual(before);
  });
});
