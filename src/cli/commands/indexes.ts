import { type Command, InvalidArgumentError } from 'commander';
import type { CliOutput, RegisterCommand } from '../command';
import { CliError } from '../cli-error';
import { addConnectionOptions, type ConnectionFlags, withConnection } from '../connection';
import { ensureIndexes, type IndexReport, listIndexes } from '../../storage/ensure-indexes';
import { applyRetention, type RetentionChange, RetentionUnsupportedError } from '../../storage/retention';

interface IndexesFlags extends ConnectionFlags {
  json?: boolean;
  retentionDays?: number;
}

/** `indexes`: creates the plan's indexes (and the fingerprint index) idempotently, and lists what exists. */
export const registerIndexes: RegisterCommand = (program: Command, output: CliOutput) => {
  addConnectionOptions(
    program
      .command('indexes')
      .description(
        "create the plan's indexes and the fingerprint index on the three collections (idempotent), " +
          'apply the retention, then list every index',
      )
      .option(
        '--retention-days <days>',
        'keep documents this many days (TTL index on timestamp; 0 removes it); default: retentionDays / ' +
          '[MONGODB] retencao_dias, or no change',
        parseDays,
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: IndexesFlags) => {
    await withConnection(flags, async (connection) => {
      const reports = await ensureIndexes(connection.db, connection.collections);
      const days = flags.retentionDays ?? connection.retentionDays;
      const retention: RetentionChange[] = [];
      let unsupported: string | undefined;
      for (const report of days === undefined ? [] : reports) {
        try {
          retention.push(await applyRetention(connection.db, report.collection, days!));
          report.indexes = await listIndexes(connection.db, report.collection);
        } catch (error) {
          if (!(error instanceof RetentionUnsupportedError)) throw error;
          unsupported = error.message;
          break;
        }
      }
      output.stdout.write(
        flags.json
          ? `${JSON.stringify({ collections: reports, retention }, null, 2)}\n`
          : formatIndexes(reports, retention),
      );
      if (unsupported) throw new CliError(`retention not applied: ${unsupported}`);
    });
  });
};

function parseDays(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a whole number of days (0 removes the retention).');
  }
  return Number(value);
}

function formatIndexes(reports: readonly IndexReport[], retention: readonly RetentionChange[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`${report.collection}:`);
    for (const index of report.indexes) {
      const mark = report.created.includes(index.name) ? 'created' : 'exists ';
      const ttl =
        index.expireAfterSeconds === undefined
          ? ''
          : `  TTL ${index.expireAfterSeconds} s (${index.expireAfterSeconds / 86_400} days)`;
      lines.push(`  ${mark}  ${index.name.padEnd(36)} ${JSON.stringify(index.key)}${ttl}`);
    }
    const change = retention.find((entry) => entry.collection === report.collection);
    if (change) lines.push(`  retention: ${describeChange(change)}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeChange(change: RetentionChange): string {
  const days = (seconds: number | undefined) => `${(seconds ?? 0) / 86_400} days`;
  switch (change.action) {
    case 'created':
      return `documents older than ${days(change.expireAfterSeconds)} are deleted (TTL index created)`;
    case 'updated':
      return `changed from ${days(change.previousSeconds)} to ${days(change.expireAfterSeconds)} (collMod)`;
    case 'unchanged':
      return `${days(change.expireAfterSeconds)}, unchanged`;
    case 'removed':
      return `removed (was ${days(change.previousSeconds)}); documents are kept forever`;
    case 'none':
      return 'none; documents are kept forever';
  }
}
