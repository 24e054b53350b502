import type { DiagLogger } from '@opentelemetry/api';
import { copyDocument } from './copy';
import type { AuditDocument, ErrorDocument } from './schema';

/**
 * Receives each `errors` and `audit` document before it is written: return it (changed or
 * not) to write it, or `null` to drop it (counted as `filtered`). It gets its own copy: if
 * it throws, the error is reported through diag and the original document is written.
 */
export type BeforeSend = (
  document: ErrorDocument | AuditDocument,
  kind: 'errors' | 'audit',
) => ErrorDocument | AuditDocument | null;

/**
 * The document to write after the hook: the hook's result, the original when the hook
 * failed (threw, or returned something that is not a document), or null when it dropped it.
 * A result without `_id` keeps the original's, so a retried write is still stored once.
 */
export function applyBeforeSend<D extends ErrorDocument | AuditDocument>(
  hook: BeforeSend,
  document: D,
  kind: 'errors' | 'audit',
  log: DiagLogger,
): D | null {
  let result: unknown;
  try {
    result = hook(copyDocument(document), kind);
  } catch (error) {
    log.error(`beforeSend threw; the ${kind} document is written unchanged`, error);
    return document;
  }
  if (result === null) return null;
  if (typeof result !== 'object' || Array.isArray(result)) {
    log.error(
      `beforeSend returned ${Array.isArray(result) ? 'an array' : typeof result}, not a document or null; ` +
        `the ${kind} document is written unchanged`,
    );
    return document;
  }
  const shaped = result as D;
  if (typeof shaped._id !== 'string' || shaped._id === '') shaped._id = document._id;
  return shaped;
}
