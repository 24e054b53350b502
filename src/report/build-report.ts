import type { Db } from 'mongodb';
import { auditSection, type HistoryFilter } from './audit';
import type { QueryContext } from './context';
import { errorSection } from './error-scan';
import { sessionSection } from './sessions';
import type { Report, ReportWindow } from './types';
import type { CollectionNames } from '../document/schema';
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
  const errors = await errorSection(context);
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
