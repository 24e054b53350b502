import { diag, DiagLogLevel } from '@opentelemetry/api';
import { type Command, InvalidArgumentError } from 'commander';
import { startDashboard } from '../../report/dashboard-server';
import { parseWindow } from '../../report/window';
import type { CliOutput, RegisterCommand } from '../command';
import { CliError, describeCliError } from '../cli-error';
import { addConnectionOptions, type ConnectionFlags, openConnection } from '../connection';
import { positiveInteger } from './report';
import { addGroupsCollectionOption, addStateFilterOption } from '../triage-options';
import type { GroupState } from '../../triage/group-state';

interface DashboardFlags extends ConnectionFlags {
  since: string;
  host: string;
  port: number;
  refresh: number;
  maxTimeMs: number;
  groupsCollection: string;
  state?: GroupState[];
}

/** `dashboard`: the report as a live page on loopback, until Ctrl-C. */
export const registerDashboard: RegisterCommand = (program: Command, output: CliOutput) => {
  addConnectionOptions(
    addStateFilterOption(
      addGroupsCollectionOption(
        program
          .command('dashboard')
          .description('serve the report as a live page (read-only), refreshed on an interval, until Ctrl-C')
          .option('--since <when>', 'window of each refresh: 30m, 24h, 7d, 2w', '24h')
          .option(
            '--host <address>',
            'address to listen on; 0.0.0.0 opens it to the network (no authentication)',
            '127.0.0.1',
          )
          .option('--port <port>', 'port to listen on (0 picks a free one)', portNumber, 7878)
          .option('--refresh <seconds>', 'seconds between two refreshes', positiveInteger, 30)
          .option('--max-time-ms <ms>', 'time limit of each query on the server', positiveInteger, 10_000),
      ),
    ),
  ).action(async (flags: DashboardFlags) => {
    try {
      parseWindow(flags.since);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const connection = openConnection(flags);
    // The server's own warnings (database unreachable, answering again) go to stderr.
    const line = (...parts: unknown[]) =>
      void output.stderr.write(`${new Date().toISOString()} ${parts.map(String).join(' ')}\n`);
    diag.setLogger(
      { error: line, warn: line, info: line, debug: () => undefined, verbose: () => undefined },
      { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true },
    );
    let dashboard;
    try {
      dashboard = await startDashboard({
        db: connection.db,
        collections: connection.collections,
        since: flags.since,
        host: flags.host,
        port: flags.port,
        refreshSeconds: flags.refresh,
        maxTimeMS: flags.maxTimeMs,
        secrets: connection.secrets,
        groupsCollection: flags.groupsCollection,
        states: flags.state,
      });
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw new CliError(`cannot listen on ${flags.host}:${flags.port}: ${describeCliError(error)}`);
    }
    output.stdout.write(
      `Dashboard of ${connection.db.databaseName} (${connection.where}) on ${dashboard.url}\n` +
        `Refreshed every ${flags.refresh} s; read-only. Ctrl-C to stop.\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await dashboard.close();
    await connection.close().catch(() => undefined);
  });
};

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535)
    throw new InvalidArgumentError('expected a port number 0-65535.');
  return port;
}
