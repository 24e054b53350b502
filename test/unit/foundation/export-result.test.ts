import type { DiagLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { LifecycleError } from '../../../src/foundation/errors';
import { type ExportCall, runExport } from '../../../src/foundation/export-result';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/** A diag logger that keeps its error lines. */
function recordingLog() {
  const errors: string[] = [];
  const ignore = () => undefined;
  const log: DiagLogger = {
    error: (message, ...args) =>
      errors.push([message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' ')),
    warn: ignore,
    info: ignore,
    debug: ignore,
    verbose: ignore,
  };
  return { log, errors };
}

function setup(shutDown = false) {
  const { log, errors } = recordingLog();
  const call: ExportCall = { exporter: 'TestExporter', log, shutDown };
  const results: ExportResult[] = [];
  const callback = (result: ExportResult) => void results.push(result);
  return { call, errors, results, callback };
}

describe('runExport', () => {
  it('calls back synchronously, once, with the result of a synchronous body', () => {
    const { call, results, callback } = setup();
    void runExport(call, callback, () => SUCCESS);
    expect(results).toEqual([SUCCESS]);
  });

  it('calls back once with the result of an asynchronous body, and resolves only after the callback', async () => {
    const { call, results, callback } = setup();
    let answer!: (result: ExportResult) => void;
    const done = runExport(call, callback, () => new Promise<ExportResult>((resolve) => (answer = resolve)));
    expect(results).toEqual([]);
    answer(SUCCESS);
    await done;
    expect(results).toEqual([SUCCESS]);
  });

  it('never throws when the body throws synchronously: it reports the error and calls back FAILED once', async () => {
    const { call, errors, results, callback } = setup();
    const boom = new Error('mapping bug');
    let done: Promise<void> | undefined;
    expect(() => {
      done = runExport(call, callback, () => {
        throw boom;
      });
    }).not.toThrow();
    await expect(done).resolves.toBeUndefined();
    expect(results).toEqual([{ code: ExportResultCode.FAILED, error: boom }]);
    expect(errors).toEqual(['export failed unexpectedly mapping bug']);
  });

  it('never rejects when the body rejects: it reports the error and calls back FAILED once', async () => {
    const { call, errors, results, callback } = setup();
    const done = runExport(call, callback, () => Promise.reject(new Error('write bug')));
    await expect(done).resolves.toBeUndefined();
    expect(results).toEqual([{ code: ExportResultCode.FAILED, error: new Error('write bug') }]);
    expect(errors).toEqual(['export failed unexpectedly write bug']);
  });

  it('turns a thrown non-Error into a FAILED result carrying an Error', () => {
    const { call, results, callback } = setup();
    void runExport(call, callback, () => {
      throw 'a string'; // what a careless body may do
    });
    expect(results).toHaveLength(1);
    expect(results[0]!.code).toBe(ExportResultCode.FAILED);
    expect(results[0]!.error).toEqual(new Error('a string'));
  });

  it('does not call back a second time with FAILED when the callback itself throws on SUCCESS; the throw is reported', async () => {
    const { call, errors } = setup();
    const seen: ExportResult[] = [];
    const done = runExport(
      call,
      (result) => {
        seen.push(result);
        throw new Error('callback bug');
      },
      () => Promise.resolve(SUCCESS),
    );
    await expect(done).resolves.toBeUndefined();
    expect(seen).toEqual([SUCCESS]);
    expect(errors).toEqual(['the export result callback threw callback bug']);
  });

  it('after shutdown answers FAILED with "<exporter> is shut down" at once, without running the body', async () => {
    const { call, results, callback } = setup(true);
    let ran = false;
    await runExport(call, callback, () => ((ran = true), SUCCESS));
    expect(ran).toBe(false);
    expect(results).toHaveLength(1);
    expect(results[0]!.code).toBe(ExportResultCode.FAILED);
    expect(results[0]!.error).toBeInstanceOf(LifecycleError);
    expect(results[0]!.error!.message).toBe('TestExporter is shut down');
  });
});
