import { SeverityNumber } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { Db } from 'mongodb';
import { MongoLogRecordExporter } from '../../../src/index';

/** One error occurrence to store: its group (the `error.fingerprint` attribute) and its time. */
export interface Occurrence {
  /** The value of the `error.fingerprint` attribute; the stored fingerprint is its hash. */
  group: string;
  at: Date;
  /** Emitted as an unhandled crash (`exception.unhandled`, stored as `nao_tratada: true`). */
  unhandled?: boolean;
}

/**
 * Stores occurrences through the package: a LoggerProvider whose resource names the app
 * (`service.name`) and the version, the package's MongoLogRecordExporter behind a
 * BatchLogRecordProcessor, each record at its own time (`timestamp`), then a shutdown, which
 * writes everything (and any storm-guard summary). The storm guard stays on: it folds only
 * more than 10 records of one group within a minute, and a folded summary counts its
 * `ocorrencias`, as real fleets store them.
 */
export async function storeErrors(
  uri: string,
  database: string,
  source: { app: string; version: string; machine?: string },
  occurrences: readonly Occurrence[],
): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': source.app,
      'service.version': source.version,
      'app.installation.id': source.machine ?? '0123456789abcdef',
    }),
    processors: [
      new BatchLogRecordProcessor({
        exporter: new MongoLogRecordExporter({ connectionString: uri, database, spoolDir: false }),
      }),
    ],
  });
  const logger = provider.getLogger('triage-test');
  for (const occurrence of occurrences) {
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      body: messageOf(occurrence.group),
      timestamp: occurrence.at,
      attributes: {
        'error.fingerprint': occurrence.group,
        ...(occurrence.unhandled ? { 'exception.unhandled': true } : {}),
      },
    });
  }
  await provider.shutdown();
}

/** The stored body of a group's records. */
export function messageOf(group: string): string {
  return `falha do grupo ${group}`;
}

/** The stored `erro.fingerprint` of a group (the hash of its `error.fingerprint` attribute). */
export async function fingerprintOf(db: Db, group: string): Promise<string> {
  const doc = await db.collection('errors').findOne({ 'erro.mensagem': messageOf(group) });
  if (typeof doc?.erro?.fingerprint !== 'string') throw new Error(`no stored document of group ${group}`);
  return doc.erro.fingerprint as string;
}

/** `count` occurrences of `group`, one every `stepMs` from `from`. */
export function series(group: string, from: Date, count: number, stepMs = 1000): Occurrence[] {
  return Array.from({ length: count }, (_, i) => ({ group, at: new Date(from.getTime() + i * stepMs) }));
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
