import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { vi } from 'vitest';
import {
  ErrorReporter,
  MetricsCollector,
  MongoLogRecordExporter,
  MongoMetricExporter,
} from '../../../src/index';
import { SessionRegistry, withSessionRegistry } from '../../../src/resource/session';

const run = promisify(execFile);
const HOUR = 3_600_000;

export type Ending = 'normal' | 'errored' | 'crash' | 'hang';

/** One usage session of the fleet: on which machine, which app and version, how it ends, when. */
export interface PlannedSession {
  /** Index into MACHINES; HOST runs in child processes, with this machine's real id. */
  machine: number;
  app: string;
  version: string;
  ending: Ending;
  /** How long before the seeding's `now` the session ran (0: now). */
  hoursAgo: number;
}

/** 19 installations seeded in this process, each with its own id; the 20th is this machine (children). */
export const MACHINES = Array.from({ length: 19 }, (_, i) => `f1ee7${String(i + 1).padStart(11, '0')}`);
export const HOST = MACHINES.length;

const editor = (machine: number, version: string, ending: Ending, hoursAgo = 2): PlannedSession => ({
  machine,
  app: 'editor',
  version,
  ending,
  hoursAgo,
});
const corretor = (machine: number, ending: Ending, hoursAgo = 2): PlannedSession => ({
  machine,
  app: 'corretor',
  version: '2.0.0',
  ending,
  hoursAgo,
});

/**
 * Two apps, three versions, twenty machines. `editor` 1.0.0 on machines 0-5, 1.1.0 on 6-11;
 * `corretor` 2.0.0 on 12-18; this machine (HOST) runs a crash and a session that never ends of
 * each app. Two sessions 30 h ago fall in the previous 24 h window.
 */
export const PLAN: PlannedSession[] = [
  ...[0, 1, 2, 3, 4, 5].map((m) => editor(m, '1.0.0', m === 1 ? 'errored' : 'normal')),
  editor(0, '1.0.0', 'normal', 3),
  ...[6, 7, 8, 9, 10, 11].map((m) => editor(m, '1.1.0', m === 7 || m === 8 ? 'errored' : 'normal')),
  ...[12, 13, 14, 15, 16, 17, 18].map((m) => corretor(m, m === 13 ? 'errored' : 'normal')),
  editor(HOST, '1.1.0', 'crash', 0),
  editor(HOST, '1.0.0', 'hang', 0),
  corretor(HOST, 'crash', 0),
  corretor(HOST, 'hang', 0),
  editor(2, '1.0.0', 'normal', 30),
  editor(3, '1.0.0', 'errored', 30),
];

function failing(): unknown {
  try {
    return JSON.parse('{ questão');
  } catch (error) {
    return error;
  }
}

/**
 * Seeds PLAN through the package's own API: per in-process session, a LoggerProvider with
 * MongoLogRecordExporter and an ErrorReporter, a MeterProvider with MongoMetricExporter and a
 * MetricsCollector, with the machine's id, app and version on the resource, one session at a
 * time (so that whatever follows "the running session" follows this one); only Date is faked.
 * Crashes and never-ending sessions run in child processes (test/fixtures/health-app.ts) with
 * setupTelemetry(), as an application does. Returns the seeding's `now`.
 */
export async function seedHealthFleet(uri: string, database: string): Promise<Date> {
  const now = new Date();
  const options = { connectionString: uri, database, spoolDir: false as const };
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    for (const planned of PLAN.filter((p) => p.machine !== HOST)) {
      const start = new Date(now.getTime() - planned.hoursAgo * HOUR);
      vi.setSystemTime(start);
      const resource = resourceFromAttributes({
        'app.installation.id': MACHINES[planned.machine]!,
        'service.name': planned.app,
        'service.version': planned.version,
      });
      const sessions = new SessionRegistry();
      const { loggerProvider, meterProvider, errors, collector } = withSessionRegistry(sessions, () => {
        const loggerProvider = new LoggerProvider({
          resource,
          processors: [new BatchLogRecordProcessor({ exporter: new MongoLogRecordExporter(options) })],
        });
        const meterProvider = new MeterProvider({
          resource,
          readers: [
            new PeriodicExportingMetricReader({
              exporter: new MongoMetricExporter(options),
              exportIntervalMillis: HOUR,
            }),
          ],
        });
        return {
          loggerProvider,
          meterProvider,
          errors: new ErrorReporter({ loggerProvider }),
          collector: new MetricsCollector({ meterProvider }),
        };
      });
      collector.startSession();
      collector.increment('aberturas');
      if (planned.ending === 'errored') errors.report(failing());
      await loggerProvider.forceFlush();
      vi.setSystemTime(new Date(start.getTime() + 10 * 60_000));
      await collector.endSession();
      await loggerProvider.shutdown();
      await meterProvider.shutdown();
    }
  } finally {
    vi.useRealTimers();
  }
  const spool = mkdtempSync(join(tmpdir(), 'health-fleet-'));
  try {
    for (const planned of PLAN.filter((p) => p.machine === HOST)) {
      await runChild(planned, uri, database, join(spool, `${planned.app}-${planned.ending}`));
    }
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
  return now;
}

async function runChild(
  planned: PlannedSession,
  uri: string,
  database: string,
  spoolDir: string,
): Promise<void> {
  const file = join(import.meta.dirname, '..', '..', 'fixtures', 'health-app.ts');
  const env = { ...process.env, TEST_TARGET_URI: uri, TEST_DATABASE: database, TEST_SPOOL_DIR: spoolDir };
  try {
    await run(process.execPath, [file, planned.ending, planned.app, planned.version], {
      env,
      timeout: 60_000,
    });
    throw new Error(`health-app ${planned.ending} ended normally`);
  } catch (error) {
    // Both modes end abnormally on purpose: a crash exits non-zero, a hang is SIGKILLed.
    const failed = error as { code?: number; signal?: string; stderr?: string };
    const expected =
      planned.ending === 'hang'
        ? failed.signal === 'SIGKILL'
        : typeof failed.code === 'number' && failed.code !== 0;
    if (!expected) throw error;
  }
}
