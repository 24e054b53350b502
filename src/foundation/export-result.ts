import type { DiagLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';

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
