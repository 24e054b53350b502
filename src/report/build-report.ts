import type { Db } from 'mongodb';
import { auditSection, type HistoryFilter } from './audit';
import type { QueryContext } from './context';
import { errorSection } from './error-scan';
import { sessionSection } from './sessions';
import type { Report, ReportWindow } from './types';
import type { CollectionNames } from '../document/schema';
import { DEFAULT_TRIAGE_COLLECTIONS } from '../triage/collections';
import type { GroupState } from '../triage/group-state';
import { readGroupStates } from '../triage/read-group-states';
import { readReleaseHealth } from '../triage/release-health-reader';

export interface BuildReportOptions extends HistoryFilter {
  db: Db;
  collections: CollectionNames;
  window: ReportWindow;
  /**
   * Time limit of each query on the server.
   * @default 30000
   */
  maxTimeMS?: number;
  /**
   * The collection of the groups' decisions (`resolve`, `ignore`), read for their states.
   * @default 'error_groups'
   */
  groupsCollection?: string;
  /**
   * List only the error groups in these states (`--state`); the resolved and ignored ones
   * without occurrences in the window are listed too when asked for. Default: every group with
   * occurrences in the window.
   */
  states?: readonly GroupState[];
  progress?: (step: string) => void;
}

/** Reads every section of the report. Read-only: only `aggregate` and `find`. */
export async function buildReport(options: BuildReportOptions): Promise<Report> {
  const context: QueryContext = {
    db: options.db,
    collections: options.collections,
    window: options.window,
    maxTimeMS: options.maxTimeMS ?? 30_000,
    progress: options.progress ?? (() => undefined),
  };
  context.progress('error group states');
  const states = await readGroupStates(
    options.db,
    {
      errors: options.collections.errors,
      groups: options.groupsCollection ?? DEFAULT_TRIAGE_COLLECTIONS.groups,
    },
    { since: options.window.from, until: options.window.to },
  );
  const errors = await errorSection(context, {
    entries: states,
    ...(options.states ? { only: options.states } : {}),
  });
  const audit = await auditSection(context, { entity: options.entity, user: options.user });
  const sessions = await sessionSection(context);
  const releaseHealth = await readReleaseHealth(context);
  return {
    generatedAt: new Date(),
    database: options.db.databaseName,
    window: options.window,
    empty: errors.documents === 0 && audit.events === 0 && sessions.sessions === 0,
    errors,
    audit,
    sessions,
    releaseHealth,
  };
}
