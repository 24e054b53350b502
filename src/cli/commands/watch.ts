import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { parseWindow } from '../../report/window';
import { bodyFor, type WebhookFormat } from '../../triage/alert-body';
import { ensureTriageIndexes } from '../../triage/collections';
import { type AlertDestination, newWatchStats, pollOnce, type WatchStats } from '../../triage/watch';
import { deliver, type DeliveryPolicy, webhookTarget } from '../../triage/webhook';
import type { CliOutput, RegisterCommand } from '../command';
import { CliError, describeCliError } from '../cli-error';
import { addConnectionOptions, type ConnectionFlags, withConnection } from '../connection';
import { addTriageCollectionOptions, type TriageCollectionFlags, triageCollections } from '../triage-options';
import { positiveInteger } from './report';

interface WatchFlags extends ConnectionFlags, TriageCollectionFlags {
  once?: boolean;
  interval: number;
  since: string;
  crashFreeBelow?: number;
  webhook: string[];
  slackWebhook: string[];
  webhookTimeoutMs: number;
  webhookRetries: number;
  retryBackoffMs: number;
}

/** `watch`: alerts on new, regressed and escalating groups and low crash-free rates, once each. */
export const registerWatch: RegisterCommand = (program: Command, output: CliOutput) => {
  addTriageCollectionOptions(
    addConnectionOptions(
      program
        .command('watch')
        .description(
          'alert on new, regressed and escalating error groups and on low crash-free session rates, ' +
            'once per change of state, by polling (until Ctrl-C, or --once for cron)',
        )
        .option('--once', 'poll once and exit (for cron)')
        .option('--interval <seconds>', 'seconds between two polls', positiveInteger, 60)
        .option(
          '--since <duration>',
          'the watched window: a group first seen in it is new (30m, 24h, 7d)',
          '24h',
        )
        .option(
          '--crash-free-below <percent>',
          "alert when a version's crash-free sessions fall under this %",
          percent,
        )
        .option(
          '--webhook <url>',
          'POST each alert as generic JSON to this URL (repeatable; Teams and others)',
          collect,
          [],
        )
        .option(
          '--slack-webhook <url>',
          "POST each alert in Slack's format to this incoming webhook (repeatable)",
          collect,
          [],
        )
        .option('--webhook-timeout-ms <ms>', 'time limit of one webhook request', positiveInteger, 10_000)
        .option(
          '--webhook-retries <n>',
          'retries after a network error or a 5xx (a 4xx is not retried)',
          wholeNumber,
          3,
        )
        .option(
          '--retry-backoff-ms <ms>',
          'wait before the first retry, doubled before each next one',
          positiveInteger,
          1_000,
        ),
    ),
  ).action(async (flags: WatchFlags) => {
    const window = parseWindowOrFail(flags.since);
    const policy: DeliveryPolicy = {
      timeoutMs: flags.webhookTimeoutMs,
      retries: flags.webhookRetries,
      backoffMs: flags.retryBackoffMs,
    };
    const destinations = [stdoutDestination(output), ...webhooks(flags, policy)];
    const names = triageCollections(flags);
    const stats = newWatchStats();
    const report = (line: string) => void output.stderr.write(`${new Date().toISOString()} watch: ${line}\n`);
    await withConnection(flags, async (connection) => {
      const all = { ...connection.collections, ...names };
      const settings = { windowMs: window, crashFreeBelow: flags.crashFreeBelow };
      await ensureTriageIndexes(connection.db, names);
      if (flags.once) {
        await pollOnce(connection.db, all, settings, destinations, stats, report);
        report(summary(stats));
        return;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      report(
        `polling ${connection.db.databaseName} (${connection.where}) every ${flags.interval} s; Ctrl-C to stop`,
      );
      try {
        while (!stop.signal.aborted) {
          try {
            await pollOnce(connection.db, all, settings, destinations, stats, report, stop.signal);
          } catch (error) {
            // A long-running watch outlives a database outage: say it, and poll again later.
            report(
              `poll failed, trying again in ${flags.interval} s: ${describeCliError(error, connection.secrets)}`,
            );
          }
          // The wait ends early (rejecting) on Ctrl-C/SIGTERM: that is the way out of the loop.
          await sleep(flags.interval * 1000, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        report(`stopped; ${summary(stats)}`);
      }
    });
  });
};

function summary(stats: WatchStats): string {
  return (
    `${stats.polls} poll(s), ${stats.delivered} alert(s) delivered, ${stats.failed} failed, ` +
    `${stats.retries} retr${stats.retries === 1 ? 'y' : 'ies'}`
  );
}

/** Every alert is also one line on stdout; the terminal has its own entry in the ledger. */
function stdoutDestination(output: CliOutput): AlertDestination {
  return {
    id: 'stdout',
    label: 'stdout',
    send: async (alert) => {
      output.stdout.write(`${alert.at.toISOString()} ${alert.kind}: ${alert.text}\n`);
      return { ok: true, attempts: 1, permanent: false };
    },
  };
}

/**
 * The webhook destinations. The URLs are checked here rather than in commander's parsers,
 * whose error message would print the URL: a Slack webhook URL is a secret.
 */
function webhooks(flags: WatchFlags, policy: DeliveryPolicy): AlertDestination[] {
  const given: [string, WebhookFormat, string][] = [
    ...flags.webhook.map((url): [string, WebhookFormat, string] => [url, 'generic', '--webhook']),
    ...flags.slackWebhook.map((url): [string, WebhookFormat, string] => [url, 'slack', '--slack-webhook']),
  ];
  return given.map(([url, format, option]) => {
    let target;
    try {
      target = webhookTarget(url, format);
    } catch {
      throw new CliError(`${option}: not a URL (value not shown: webhook URLs are secrets)`);
    }
    if (!/^https?:$/.test(new URL(url).protocol)) {
      throw new CliError(`${option} ${target.label}: expected an http:// or https:// URL`);
    }
    return {
      id: target.id,
      label: target.label,
      send: (alert, signal) => deliver(target, bodyFor(format, alert), policy, signal),
    };
  });
}

function parseWindowOrFail(since: string): number {
  try {
    const window = parseWindow(since);
    return window.to.getTime() - window.from.getTime();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function percent(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > 100) {
    throw new InvalidArgumentError('expected a percentage above 0, at most 100 (99, 99.5).');
  }
  return number;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a whole number (0 for none).');
  }
  return Number(value);
}
