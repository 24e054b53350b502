import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { componentLogger } from '../foundation/diag';
import {
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '../pipeline/attributes';
import { captureCallSite } from './call-site';
import { routeOf } from '../pipeline/route';
import { stampSession } from '../pipeline/session-id';
import { attachTrail, TrailRing } from '../pipeline/trail';
import type { ResolvedOptions } from '../shared-options/shared-options';

const log = componentLogger('emit-capture');

/**
 * What is captured when a record is emitted (resolved options): records at or above
 * `remoteSeverity` are bound for `errors`; those below it, and audit events, feed the trail.
 */
export type EmitCaptureSettings = Pick<
  ResolvedOptions,
  'remoteSeverity' | 'trailSize' | 'trailMaxAgeMs' | 'captureCallSite'
>;

/**
 * The work done at emit time for the `errors` documents, while the application's stack is
 * still there: the trail of earlier records (kept in a ring, attached to the error record
 * beside it; see `trail.ts`) and the call site (set as the standard `code.file.path`,
 * `code.line.number` and `code.function.name` attributes, which every exporter understands).
 *
 * A processor of its own, so that it can come first in any pipeline; it never throws into
 * the application.
 */
export class EmitCapture implements LogRecordProcessor {
  private readonly settings: EmitCaptureSettings;
  private readonly ring: TrailRing | undefined;
  private readonly localSession: () => string | undefined;

  constructor(settings: EmitCaptureSettings, localSession: () => string | undefined = () => undefined) {
    this.settings = settings;
    this.localSession = localSession;
    this.ring = settings.trailSize > 0 ? new TrailRing(settings.trailSize) : undefined;
  }

  onEmit(record: ReadWriteLogRecord, _context?: Context): void {
    try {
      const route = routeOf(record, this.settings.remoteSeverity);
      if (route !== 'filtered') {
        // The session is read now: by export time it may have ended (the last audit event of a
        // session is emitted just before it ends).
        const session = this.localSession();
        if (session !== undefined) stampSession(record, session);
      }
      if (route !== 'errors') {
        this.ring?.push(record);
        return;
      }
      if (this.settings.captureCallSite && !hasLocation(record)) {
        const site = captureCallSite();
        if (site) {
          record.setAttribute(ATTR_CODE_FILE_PATH, site.file);
          record.setAttribute(ATTR_CODE_LINE_NUMBER, site.line);
          record.setAttribute(ATTR_CODE_FUNCTION_NAME, site.function);
        }
      }
      if (this.ring) {
        const { trailMaxAgeMs } = this.settings;
        attachTrail(
          record,
          this.ring.snapshot(trailMaxAgeMs === undefined ? undefined : Date.now() - trailMaxAgeMs),
        );
      }
    } catch (error) {
      log.error('cannot capture the trail or call site of a record; it is exported without them', error);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A record with an exception or any `code.*` attribute already says where it comes from. */
function hasLocation(record: ReadWriteLogRecord): boolean {
  const attributes = record.attributes;
  if (
    attributes[ATTR_EXCEPTION_STACKTRACE] !== undefined ||
    attributes[ATTR_EXCEPTION_TYPE] !== undefined ||
    attributes[ATTR_EXCEPTION_MESSAGE] !== undefined
  ) {
    return true;
  }
  for (const key in attributes) if (key.startsWith('code.')) return true;
  return false;
}
