import { diag, DiagLogLevel } from '@opentelemetry/api';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliOutput, RegisterCommand } from '../command';
import { CliError, describeCliError } from '../cli-error';
import { addConnectionOptions, type ConnectionFlags } from '../connection';
import { loadConfig } from '../../config/load-config';
import { InvalidOptionError } from '../../foundation/errors';
import { passwordOf } from '../../foundation/redact';
import { GATEWAY_DEFAULTS, GATEWAY_ENV, type GatewayOptions, startGateway } from '../../gateway';

interface GatewayFlags extends ConnectionFlags {
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
  tokensFile?: string;
  maxBodyBytes?: number;
  maxPendingRecords?: number;
  maxPendingBytes?: number;
  rateLimit?: number;
  spoolDir?: string;
  stormGuard?: boolean;
  groupWaitMs?: number;
}

/** `gateway`: an OTLP/HTTP receiver storing logs and metrics as the exporters do; runs until SIGTERM or SIGINT. */
export const registerGateway: RegisterCommand = (program: Command, output: CliOutput) => {
  addConnectionOptions(
    program
      .command('gateway')
      .description(
        'receive OTLP/HTTP logs and metrics from any language (POST /v1/logs, /v1/metrics) and store them ' +
          'as errors, audit and metrics documents; only the gateway holds the database credentials',
      )
      .option(
        '--host <address>',
        `interface to listen on (default: ${GATEWAY_DEFAULTS.host}; without TLS, loopback only unless given)`,
      )
      .option('--port <port>', `TCP port (default: ${GATEWAY_DEFAULTS.port})`, integer)
      .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option(
        '--tokens-file <file>',
        `client tokens, one "<name> <app> <token>" per line (default: ${GATEWAY_ENV.tokensFile}; also ${GATEWAY_ENV.tokens})`,
      )
      .option(
        '--max-body-bytes <bytes>',
        `largest body, before and after decompression (default: ${GATEWAY_DEFAULTS.maxBodyBytes})`,
        integer,
      )
      .option(
        '--max-pending-records <n>',
        `records accepted and not yet stored or spooled, across clients; beyond, 503 (default: ${GATEWAY_DEFAULTS.maxPendingRecords})`,
        integer,
      )
      .option(
        '--max-pending-bytes <bytes>',
        `body bytes of requests not yet answered, across clients; beyond, 503 (default: ${GATEWAY_DEFAULTS.maxPendingBytes})`,
        integer,
      )
      .option(
        '--rate-limit <requests>',
        `requests per second per token, 0 for none (default: ${GATEWAY_DEFAULTS.rateLimitPerSecond})`,
        integer,
      )
      .option(
        '--group-wait-ms <ms>',
        `longest a request's log documents wait to be inserted with other clients' (0: alone; default: ${GATEWAY_DEFAULTS.groupWaitMs})`,
        integer,
      )
      .option('--no-storm-guard', 'store every error, without folding storms into summary documents')
      .option(
        '--spool-dir <dir>',
        'disk spool for records MongoDB cannot take yet (default: per-user state folder)',
      ),
  ).action(async (flags: GatewayFlags) => {
    const options = gatewayOptions(flags);
    // The gateway's own lines (refused requests, database unreachable, answering again) go to stderr.
    const line =
      (level: string) =>
      (...parts: unknown[]) =>
        void output.stderr.write(`${new Date().toISOString()} ${level} ${parts.map(String).join(' ')}\n`);
    diag.setLogger(
      {
        error: line('ERROR'),
        warn: line('WARN'),
        info: line('INFO'),
        debug: () => undefined,
        verbose: () => undefined,
      },
      { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true },
    );
    // Listened for before the start: a SIGTERM sent as soon as the listening line appears (or
    // during the start) drains the gateway instead of killing it.
    const stop = firstStopSignal();
    let gateway;
    try {
      gateway = await startGateway(options);
    } catch (error) {
      stop.dispose();
      throw new CliError(flagError(error) ?? describeCliError(error, passwordOf(options.connectionString)));
    }
    output.stderr.write(
      `gateway listening on ${gateway.url} (POST /v1/logs, /v1/metrics; GET /healthz, /readyz, /stats)\n`,
    );
    output.stderr.write(`gateway: ${await stop.signal}, draining\n`);
    await gateway.close();
    output.stderr.write(`gateway stopped: ${JSON.stringify(gateway.counters())}\n`);
  });
};

/** The gateway's own options that a flag gives: a bad value is named by its flag, as typed. */
const FLAG_OF: Readonly<Record<string, string>> = {
  host: '--host',
  port: '--port',
  maxBodyBytes: '--max-body-bytes',
  maxPendingRecords: '--max-pending-records',
  maxPendingBytes: '--max-pending-bytes',
  rateLimitPerSecond: '--rate-limit',
  groupWaitMs: '--group-wait-ms',
};

/** `--max-pending-bytes 10: expected an integer from 1024`, for a flag's bad value; else undefined. */
function flagError(error: unknown): string | undefined {
  if (!(error instanceof InvalidOptionError)) return undefined;
  const flag = FLAG_OF[error.option];
  return flag ? `${flag} ${String(error.value)}: expected ${error.expectation}` : undefined;
}

/** The first SIGTERM or SIGINT from now on; `dispose()` stops listening. */
function firstStopSignal(): { signal: Promise<string>; dispose: () => void } {
  let dispose = () => undefined as void;
  const signal = new Promise<string>((resolve) => {
    const onTerm = () => {
      dispose();
      resolve('SIGTERM');
    };
    const onInt = () => {
      dispose();
      resolve('SIGINT');
    };
    dispose = () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
    };
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  return { signal, dispose };
}

/** Flags, then the environment, .env and config.ini for the database settings, as the library reads them. */
function gatewayOptions(flags: GatewayFlags): GatewayOptions {
  let exporter;
  try {
    exporter = loadConfig({
      options: withoutUndefined({ connectionString: flags.connectionString, database: flags.database }),
      configFile: flags.config,
      envFile: flags.envFile,
    }).exporter;
  } catch (error) {
    throw new CliError(describeCliError(error, passwordOf(flags.connectionString)));
  }
  return withoutUndefined({
    ...exporter,
    host: flags.host,
    port: flags.port,
    tlsCert: flags.tlsCert,
    tlsKey: flags.tlsKey,
    tokensFile: flags.tokensFile,
    maxBodyBytes: flags.maxBodyBytes,
    maxPendingRecords: flags.maxPendingRecords,
    maxPendingBytes: flags.maxPendingBytes,
    rateLimitPerSecond: flags.rateLimit,
    groupWaitMs: flags.groupWaitMs,
    spoolDir: flags.spoolDir ?? exporter.spoolDir,
    ...(flags.stormGuard === false ? { stormGuard: false as const } : {}),
  });
}

function integer(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
