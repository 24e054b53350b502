import type { DiagLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { LifecycleError } from './errors';

/**
 * Wraps an exporter's result callback so that it runs at most once and a callback that
 * throws is reported instead of escaping into the exporter: `export()` must call back
 * exactly once and never throw.
 */
export function callOnce(
  resultCallback: (result: ExportResult) => void,
  log: DiagLogger,
): (result: ExportResult) => void {
  let called = false;
  return (result) => {
    if (called) return;
    called = true;
    try {
      resultCallback(result);
    } catch (error) {
      log.error('the export result callback threw', error);
    }
  };
}

/** A FAILED result carrying `error` as an Error. */
export function failed(error: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
}

/** The exporter an `export()` call belongs to, as the skeleton needs it. */
export interface ExportCall {
  /** The class name, for the error after shutdown: "`exporter` is shut down". */
  readonly exporter: string;
  /** Where an unexpected failure and a throwing callback are reported. */
  readonly log: DiagLogger;
  /** True once `shutdown()` was called: the batch is refused and the body not run. */
  readonly shutDown: boolean;
}

/**
 * The one skeleton of every exporter's `export(items, resultCallback)`: the callback runs
 * exactly once (see `callOnce`), and `export()` never throws. After shutdown the answer is
 * FAILED with a `LifecycleError` and `body` is not run. Otherwise `body` gives the result,
 * synchronously (the callback runs before `runExport` returns) or as a promise; a body that
 * throws or rejects is a bug, reported as "export failed unexpectedly" and answered FAILED.
 * Expected failures (a write that fails, a line that cannot be formatted) are the body's to
 * count and report, and to answer with `failed(error)`.
 *
 * Resolves, never rejects, once the callback has run: the exporter tracks it for forceFlush.
 */
export function runExport(
  call: ExportCall,
  resultCallback: (result: ExportResult) => void,
  body: () => ExportResult | Promise<ExportResult>,
): Promise<void> {
  const finish = callOnce(resultCallback, call.log);
  if (call.shutDown) {
    finish({ code: ExportResultCode.FAILED, error: new LifecycleError(`${call.exporter} is shut down`) });
    return Promise.resolve();
  }
  const unexpected = (error: unknown): void => {
    call.log.error('export failed unexpectedly', error);
    finish(failed(error));
  };
  try {
    const result = body();
    if (!(result instanceof Promise)) {
      finish(result);
      return Promise.resolve();
    }
    return result.then(finish, unexpected);
  } catch (error) {
    unexpected(error);
    return Promise.resolve();
  }
}
