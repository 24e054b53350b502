import { type Command, InvalidArgumentError } from 'commander';
import { ensureTriageIndexes } from '../../triage/collections';
import { appLabel, type GroupKey } from '../../triage/group-key';
import { findGroup, latestVersionOfGroup } from '../../triage/group-lookup';
import { writeIgnored, writeReopened, writeResolved } from '../../triage/state-document';
import type { CliOutput, RegisterCommand } from '../command';
import { CliError } from '../cli-error';
import { addConnectionOptions, type Connection, type ConnectionFlags, withConnection } from '../connection';
import {
  addTriageCollectionOptions,
  type TriageCollectionFlags,
  triageCollections,
  withInputErrors,
} from '../triage-options';
import { positiveInteger } from './report';

interface GroupFlags extends ConnectionFlags, TriageCollectionFlags {
  app?: string;
}

interface ResolveFlags extends GroupFlags {
  inVersion?: string;
}

interface IgnoreFlags extends GroupFlags {
  untilCount?: number;
  until?: Date;
}

// `resolve`, `ignore` and `reopen`: the decisions about one error group (docs/triage.md), one
// RegisterCommand each, as COMMANDS lists them.

/** `resolve <fingerprint>`: resolved in a version. */
export const registerResolve: RegisterCommand = (program: Command, output: CliOutput) => {
  groupCommand(
    program,
    'resolve',
    'mark an error group resolved in a version; a later occurrence from it or a newer one regresses it',
  )
    .option(
      '--in-version <version>',
      'the version that fixes it (default: the latest version the group was seen in)',
    )
    .action((fingerprint: string, flags: ResolveFlags) =>
      onGroup(fingerprint, flags, async (connection, key, names) => {
        const version =
          flags.inVersion ?? (await latestVersionOfGroup(connection.db, connection.collections.errors, key));
        if (version === undefined) {
          throw new CliError(`${describe(key)} has no app_version to resolve in: give --in-version`);
        }
        await writeResolved(connection.db, names.groups, key, version, new Date());
        output.stdout.write(
          `resolved ${describe(key)} in ${version}: an occurrence from ${version} or a newer version regresses it\n`,
        );
      }),
    );
};

/** `ignore <fingerprint>`: ignored for good, or until a count or a date. */
export const registerIgnore: RegisterCommand = (program: Command, output: CliOutput) => {
  groupCommand(program, 'ignore', 'ignore an error group, for good or until a count or a date')
    .option('--until-count <n>', 'until it occurs this many more times', positiveInteger)
    .option(
      '--until <date>',
      'until a date (2026-12-31, an ISO time) or for a duration (24h, 7d)',
      parseUntil,
    )
    .action((fingerprint: string, flags: IgnoreFlags) => {
      if (flags.untilCount !== undefined && flags.until !== undefined) {
        throw new CliError('--until-count and --until: give one of them, not both');
      }
      return onGroup(fingerprint, flags, async (connection, key, names) => {
        const condition = {
          ...(flags.untilCount === undefined ? {} : { count: flags.untilCount }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
        };
        await writeIgnored(connection.db, names.groups, key, new Date(), condition);
        const until =
          flags.untilCount !== undefined
            ? `until ${flags.untilCount} more occurrence(s)`
            : flags.until !== undefined
              ? `until ${flags.until.toISOString()}`
              : 'until reopen';
        output.stdout.write(`ignored ${describe(key)} ${until}\n`);
      });
    });
};

/** `reopen <fingerprint>`: the decision cleared. */
export const registerReopen: RegisterCommand = (program: Command, output: CliOutput) => {
  groupCommand(
    program,
    'reopen',
    "clear an error group's resolution or ignore: its state is computed again",
  ).action((fingerprint: string, flags: GroupFlags) =>
    onGroup(fingerprint, flags, async (connection, key, names) => {
      await writeReopened(connection.db, names.groups, key, new Date());
      output.stdout.write(`reopened ${describe(key)}\n`);
    }),
  );
};

function groupCommand(program: Command, name: string, description: string): Command {
  return addTriageCollectionOptions(
    addConnectionOptions(
      program
        .command(name)
        .description(description)
        .argument('<fingerprint>', "the group's erro.fingerprint, as the report lists it")
        .option(
          '--app <name>',
          'the app (service.name) of the group; needed when the fingerprint is in several apps',
        ),
    ),
  );
}

async function onGroup(
  fingerprint: string,
  flags: GroupFlags,
  action: (
    connection: Connection,
    key: GroupKey,
    names: ReturnType<typeof triageCollections>,
  ) => Promise<void>,
): Promise<void> {
  const names = triageCollections(flags);
  await withConnection(flags, (connection) =>
    withInputErrors(async () => {
      const key = await findGroup(
        connection.db,
        connection.collections.errors,
        fingerprint.trim(),
        flags.app,
      );
      await ensureTriageIndexes(connection.db, names);
      await action(connection, key, names);
    }),
  );
}

function describe(key: GroupKey): string {
  return `${key.fingerprint} (app ${appLabel(key.app)})`;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--until`: a date or ISO time, or a duration from now (24h, 7d). */
function parseUntil(value: string): Date {
  const text = value.trim();
  const duration = /^(\d+)\s*([mhdw])$/i.exec(text);
  if (duration) return new Date(Date.now() + Number(duration[1]) * UNITS[duration[2]!.toLowerCase()]!);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InvalidArgumentError('expected a date (2026-12-31, an ISO time) or a duration (24h, 7d).');
}
