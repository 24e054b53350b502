import type { GroupStateEntry } from '../triage/read-group-states';
import type { ErrorSample, GroupKey } from './types';

/** One error group as the scan of the error documents adds it up, before it is listed. */
export interface AccumulatedGroup {
  app: string;
  key: GroupKey;
  tipo: string | null;
  occurrences: number;
  documents: number;
  machines: Set<string>;
  versions: Set<string>;
  firstSeen: number;
  lastSeen: number;
  newest: number;
  /** `_id` of the newest document, whose stack and trail the group's page shows. */
  newestId: unknown;
  sample: ErrorSample | undefined;
  buckets: number[];
  /** Its triage state, when it has a fingerprint and the states were read. */
  state?: GroupStateEntry;
  /** A group listed by `--state` with no occurrence in the window (resolved or ignored). */
  quiet?: boolean;
}

/** The report's map key of a group with a fingerprint; triage's app `''` is UNKNOWN_APP here. */
export function fingerprintKey(app: string, fingerprint: string): string {
  return `${app}\u0000f\u0000${fingerprint}`;
}

/** A document's text field, or null when it is missing or not text. */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
