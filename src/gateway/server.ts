import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { componentLogger } from '../foundation/diag';
import type { GatewayCounters } from './counters';
import { GatewayHandler } from './handler';
import { type GatewayOptions, resolveGatewayOptions } from './options';

const log = componentLogger('gateway');
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A running gateway. */
export interface Gateway {
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** `http://host:port` or `https://host:port`. */
  readonly url: string;
  /** Requests by status, records by outcome, and the storage counters. */
  counters(): GatewayCounters;
  /**
   * Stops accepting requests (new ones get 503), waits for those in progress to be stored or
   * spooled, then closes the storage; within `shutdownTimeoutMs`. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts an OTLP/HTTP receiver that stores what it receives in the `errors`, `audit` and
 * `metrics` collections, with the exporters' mapping, delivery, spool and indexes.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const resolved = resolveGatewayOptions(options);
  const handler = new GatewayHandler(resolved);
  const server = resolved.tls
    ? createHttpsServer(
        { cert: readFileSync(resolved.tls.cert), key: readFileSync(resolved.tls.key) },
        (request, response) => handler.handle(request, response),
      )
    : createHttpServer((request, response) => handler.handle(request, response));
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => socket.destroy());
  if (!resolved.tls && !LOOPBACK.has(resolved.host)) {
    log.warn(
      `listening on ${resolved.host} without TLS: tokens and records cross the network in clear text; ` +
        'give tlsCert and tlsKey, or put a TLS proxy in front',
    );
  }
  await listen(server, resolved.port, resolved.host);
  const port = (server.address() as AddressInfo).port;
  const scheme = resolved.tls ? 'https' : 'http';
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `${scheme}://${host}:${port}`,
    counters: () => handler.counters(),
    close: () => (closing ??= handler.close(server)),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
