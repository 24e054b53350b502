import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MAX_DOCUMENT_BYTES, shrinkToFit } from '../document/shrink';
import { type MappingContext, toAuditDocument, toErrorDocument } from './transform';
import { trailOf } from './trail';
import { toTrailEntries } from './trail-entries';
import type { AuditDocument, ErrorDocument } from '../document/schema';

// The resource part and the fixed keys of a document stay far below this margin.
const MAYBE_OVERSIZED_BYTES = MAX_DOCUMENT_BYTES - 256 * 1024;

/**
 * A routed record's document, exactly as the exporter stores it: mapped, then shrunk if it
 * could exceed MongoDB's 16 MB limit. Measuring a document costs as much as mapping it, so
 * only a document whose values the sanitizer estimated near the limit is measured.
 */
export function mapLogRecord(
  record: ReadableLogRecord,
  route: 'errors' | 'audit',
  context: MappingContext,
): ErrorDocument | AuditDocument {
  const bytesBefore = context.report.bytesSeen;
  const document = route === 'audit' ? toAuditDocument(record, context) : toErrorDocument(record, context);
  const trail = route === 'errors' ? trailOf(record) : undefined;
  if (trail && trail.length > 0) (document as ErrorDocument).trilha = toTrailEntries(trail, context);
  if (context.report.bytesSeen - bytesBefore > MAYBE_OVERSIZED_BYTES) {
    const cut = shrinkToFit(document as unknown as Record<string, unknown>);
    if (cut > 0) context.report.note(document._id, `document over 16 MB: ${cut} value(s) truncated to fit`);
  }
  return document;
}
