import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from 'mongodb';
import { componentLogger } from '../foundation/diag';
import { describeError } from '../foundation/redact';
import { buildReport } from './build-report';
import { formatTime } from './format';
import { renderGroupPage } from './html/group-page';
import { renderHtml } from './html/render-html';
import type { Report } from './types';
import { parseWindow } from './window';
import type { CollectionNames } from '../document/schema';
import type { GroupState } from '../triage/group-state';
import { ABANDONED_AFTER_MS } from '../triage/release-health';

const log = componentLogger('dashboard');

export interface DashboardOptions {
  db: Db;
  collections: CollectionNames;
  /** Window of each refresh, as `--since` takes it. */
  since: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  refreshSeconds: number;
  /** Time limit of each query on the server. */
  maxTimeMS: number;
  /** Strings never to show (the connection string's password). */
  secrets: readonly string[];
  /** The groups' decisions (`--groups-collection`); default `error_groups`. */
  groupsCollection?: string;
  /** `--state`: list only the error groups in these states (see `BuildReportOptions.states`). */
  states?: readonly GroupState[];
}

export interface Dashboard {
  url: string;
  /** Stops refreshing and closes the HTTP server (not the database client). */
  close(): Promise<void>;
}

interface State {
  report: Report | undefined;
  /** Set while the last refresh failed: what went wrong and since when. */
  failure: { message: string; since: Date } | undefined;
}

/**
 * Serves the report as a live page: `GET /` (HTML, refreshing itself), `GET /group/<id>` (one
 * error group's page, from the same report) and `GET /report.json`.
 * The report is rebuilt in the background every `refreshSeconds`, one build at a time, with
 * bounded queries; a failed build keeps the last good report on the page under an error banner,
 * and is tried again at the next interval. Only reads the database; nothing here throws out.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const state: State = { report: undefined, failure: undefined };
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let building: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    building ??= (async () => {
      try {
        state.report = await buildReport({
          db: options.db,
          collections: options.collections,
          window: parseWindow(options.since),
          maxTimeMS: options.maxTimeMS,
          ...(options.groupsCollection === undefined ? {} : { groupsCollection: options.groupsCollection }),
          ...(options.states === undefined ? {} : { states: options.states }),
        });
        if (state.failure) log.info('the database answers again');
        state.failure = undefined;
      } catch (error) {
        const message = describeError(error, options.secrets);
        if (!state.failure)
          log.warn(`refreshing the report failed; retrying every ${options.refreshSeconds} s: ${message}`);
        state.failure = { message, since: state.failure?.since ?? new Date() };
      } finally {
        building = undefined;
      }
    })();
    return building;
  };
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => void refresh().finally(schedule), options.refreshSeconds * 1000);
    timer.unref?.();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error('a dashboard request failed', describeError(error, options.secrets));
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error');
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('read-only: GET only\n');
      return;
    }
    if (!state.report && !state.failure) await refresh();
    if (path === '/report.json') {
      send(
        response,
        'application/json; charset=utf-8',
        JSON.stringify({ report: state.report ?? null, error: state.failure ?? null }),
      );
      return;
    }
    const groupPath = /^\/group\/([0-9a-f]{12})$/.exec(path);
    if (groupPath) {
      const group = state.report?.errors.groups.find((g) => g.id === groupPath[1]);
      if (!group) {
        // Not a silent blank page: the group may have left the window, or the database is down.
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(
          state.report
            ? `no error group ${groupPath[1]} among the ${state.report.errors.groups.length} listed in this window; the dashboard is at /\n`
            : 'the database has not answered yet, so no error group is known; the dashboard is at /\n',
        );
        return;
      }
      send(
        response,
        'text/html; charset=utf-8',
        renderGroupPage(state.report!, group, pageOptions(state, options)),
      );
      return;
    }
    if (path !== '/' && path !== '/index.html') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found: the dashboard is at /\n');
      return;
    }
    send(response, 'text/html; charset=utf-8', page(state, options));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error('dashboard server error', error));
  void refresh().finally(schedule);

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await building;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pageOptions(state: State, options: DashboardOptions): { refreshSeconds: number; banner?: string } {
  const banner = state.failure
    ? `The database does not answer since ${formatTime(state.failure.since)}: ${state.failure.message}. ` +
      `${state.report ? `Showing the report of ${formatTime(state.report.generatedAt)}; ` : ''}retrying every ${options.refreshSeconds} s.`
    : undefined;
  return { refreshSeconds: options.refreshSeconds, ...(banner ? { banner } : {}) };
}

function page(state: State, options: DashboardOptions): string {
  // Never read a report: the database was down from the start. The page says that, not
  // "nothing to report", which would claim that nothing was stored.
  const unreachable = !state.report && state.failure ? state.failure : undefined;
  return renderHtml(state.report ?? placeholder(options), {
    ...pageOptions(state, options),
    groupHref: (id) => `/group/${id}`,
    ...(unreachable ? { unreachable } : {}),
  });
}

/** What the page shows before any report could be read. */
function placeholder(options: DashboardOptions): Report {
  const window = parseWindow(options.since);
  return {
    generatedAt: new Date(),
    database: options.db.databaseName,
    window,
    empty: true,
    errors: {
      occurrences: 0,
      documents: 0,
      groups: [],
      truncated: false,
      newGroups: [],
      newInVersion: [],
      timeline: { bucketMs: 3_600_000, starts: [], series: [], truncated: false },
    },
    audit: { events: 0, actions: [], history: undefined },
    sessions: {
      sessions: 0,
      perDay: [],
      durationSeconds: undefined,
      counters: [],
      timings: [],
      truncated: false,
    },
    releaseHealth: { abandonedAfterMs: ABANDONED_AFTER_MS, apps: [], truncated: false },
  };
}

function send(response: ServerResponse, type: string, body: string): void {
  response.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  response.end(body);
}
