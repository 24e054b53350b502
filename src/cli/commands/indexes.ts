import type { Command } from 'commander';
import type { CliOutput, RegisterCommand } from '../command';
import { addConnectionOptions, type ConnectionFlags, withConnection } from '../connection';
import { ensureIndexes, type IndexReport } from '../../storage/ensure-indexes';

interface IndexesFlags extends ConnectionFlags {
  json?: boolean;
}

/** `indexes`: creates the plan's indexes (and the fingerprint index) idempotently, and lists what exists. */
export const registerIndexes: RegisterCommand = (program: Command, output: CliOutput) => {
  addConnectionOptions(
    program
      .command('indexes')
      .description(
        "create the plan's indexes and the fingerprint index on the three collections (idempotent), then list every index",
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: IndexesFlags) => {
    await withConnection(flags, async (connection) => {
      const reports = await ensureIndexes(connection.db, connection.collections);
      output.stdout.write(flags.json ? `${JSON.stringify(reports, null, 2)}\n` : formatIndexes(reports));
    });
  });
};

function formatIndexes(reports: readonly IndexReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`${report.collection}:`);
    for (const index of report.indexes) {
      const mark = report.created.includes(index.name) ? 'created' : 'exists ';
      const ttl = index.expireAfterSeconds === undefined ? '' : `  TTL ${index.expireAfterSeconds} s`;
      lines.push(`  ${mark}  ${index.name.padEnd(32)} ${JSON.stringify(index.key)}${ttl}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
