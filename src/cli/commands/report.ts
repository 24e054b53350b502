import { type Command, InvalidArgumentError } from 'commander';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildReport } from '../../report/build-report';
import { renderHtml } from '../../report/html/render-html';
import { renderText } from '../../report/render-text';
import { parseWindow } from '../../report/window';
import type { CliOutput, RegisterCommand } from '../command';
import { CliError, describeCliError } from '../cli-error';
import { addConnectionOptions, type ConnectionFlags, withConnection } from '../connection';
import { progressLine } from '../progress';
import { addGroupsCollectionOption, addStateFilterOption } from '../triage-options';
import type { GroupState } from '../../triage/group-state';

interface ReportFlags extends ConnectionFlags {
  since: string;
  entity?: string;
  user?: string;
  json?: boolean;
  html?: string;
  maxTimeMs: number;
  groupsCollection: string;
  state?: GroupState[];
}

/** `report`: errors, audit and sessions of a time window, as text or JSON. */
export const registerReport: RegisterCommand = (program: Command, output: CliOutput) => {
  addConnectionOptions(
    addStateFilterOption(
      addGroupsCollectionOption(
        program
          .command('report')
          .description(
            'summarise a time window: error groups, what is new, audit events per action, sessions and timings',
          )
          .option(
            '--since <when>',
            'window: a duration back from now (30m, 24h, 7d, 2w) or a date (2026-11-01)',
            '24h',
          )
          .option(
            '--entity <entity:id>',
            'also list the audit history of one entity, oldest first (questao:q-101)',
          )
          .option('--user <id>', 'also list the audit history of one user, oldest first')
          .option('--json', 'print the report as JSON, for scripts')
          .option(
            '--html <file>',
            'write the report with charts to one self-contained HTML file (opens offline)',
          )
          .option('--max-time-ms <ms>', 'time limit of each query on the server', positiveInteger, 30_000),
      ),
    ),
  ).action(async (flags: ReportFlags) => {
    const window = parseOrFail(() => parseWindow(flags.since));
    await withConnection(flags, async (connection) => {
      const progress = progressLine(output);
      try {
        const report = await buildReport({
          db: connection.db,
          collections: connection.collections,
          window,
          entity: flags.entity,
          user: flags.user,
          maxTimeMS: flags.maxTimeMs,
          groupsCollection: flags.groupsCollection,
          states: flags.state,
          progress: progress.step,
        }).catch((error: unknown) => {
          if (error instanceof RangeError) throw new CliError(error.message);
          // Reached at the start, then gone: say so, rather than print a report of what was read.
          if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError)
            throw new CliError(
              `MongoDB at ${connection.where} stopped answering while the report was read; nothing is known about this window: ${describeCliError(error, connection.secrets)}`,
            );
          throw error;
        });
        progress.done();
        if (flags.html) {
          const file = resolve(flags.html);
          const html = renderHtml(report);
          try {
            writeFileSync(file, html);
          } catch (error) {
            throw new CliError(
              `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
            );
          }
          output.stdout.write(
            `Wrote ${file} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB). Open it in a browser.\n`,
          );
          if (!flags.json) return;
        }
        output.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
      } finally {
        progress.done();
      }
    });
  });
};

function parseOrFail<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number <= 0) {
    throw new InvalidArgumentError('expected a positive whole number.');
  }
  return number;
}
