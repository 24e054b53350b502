import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { vi } from 'vitest';
import {
  AuditLogger,
  ErrorReporter,
  MetricsCollector,
  MongoLogRecordExporter,
  MongoMetricExporter,
} from '../../../src/index';
import { SessionRegistry, withSessionRegistry } from '../../../src/resource/session';

const HOUR = 3_600_000;

/** Three installations of the application: two on 1.0.0, one already on 1.1.0. */
export const MACHINES = [
  { id: 'aaaaaaaaaaaaaaa1', version: '1.0.0' },
  { id: 'bbbbbbbbbbbbbbb2', version: '1.0.0' },
  { id: 'ccccccccccccccc3', version: '1.1.0' },
] as const;

export const G1_MESSAGE = "Cannot read properties of undefined (reading 'titulo')";
export const G2_MESSAGE = 'pagina 12 fora do intervalo 1-10';
/** G1 reported this often at once on machine 2: the package's storm guard writes 10 and folds the rest into one summary. */
export const STORM_REPORTS = 60;

// One function per bug, so that each group has its own stable location.
function abrirQuestao(): never {
  throw new TypeError(G1_MESSAGE);
}
function listarPaginas(): never {
  throw new RangeError(G2_MESSAGE);
}
function importarQuestoes(): unknown {
  return JSON.parse('{ not json');
}
function caught(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error;
  }
}

/** Session durations in seconds and what each session records, in order (machine index, start). */
export const SESSIONS = [
  { machine: 0, daysAgo: 2, seconds: 60, created: 1, timings: [10, 20] },
  { machine: 0, daysAgo: 2, seconds: 120, created: 2, timings: [30] },
  { machine: 1, daysAgo: 1, seconds: 300, created: 3, timings: [40] },
  { machine: 2, daysAgo: 0, seconds: 600, created: 4, timings: [50, 60] },
  { machine: 2, daysAgo: 0, seconds: 3600, created: 5, timings: [70] },
] as const;

export interface SeededFleet {
  now: Date;
  /** Start of each session, as seeded. */
  sessionStarts: Date[];
}

/**
 * Seeds a database through the package: per machine a LoggerProvider with the package's
 * MongoLogRecordExporter (errors from ErrorReporter, audit from AuditLogger) and a MeterProvider
 * with MongoMetricExporter (sessions from MetricsCollector), each with its machine id and version
 * on the resource. Only the clock is set (Date only; timers stay real) so that records fall in
 * known windows.
 */
export async function seedFleet(uri: string, db: { databaseName: string }): Promise<SeededFleet> {
  const now = new Date();
  const options = { connectionString: uri, database: db.databaseName, spoolDir: false as const };
  const machines = MACHINES.map((machine) => {
    const resource = resourceFromAttributes({
      'app.installation.id': machine.id,
      'service.version': machine.version,
    });
    const loggerProvider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: new MongoLogRecordExporter(options) })],
    });
    const sessions = new SessionRegistry();
    const meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: withSessionRegistry(sessions, () => new MongoMetricExporter(options)),
          exportIntervalMillis: 3_600_000,
        }),
      ],
    });
    return {
      loggerProvider,
      meterProvider,
      errors: new ErrorReporter({ loggerProvider }),
      audit: new AuditLogger({ loggerProvider }),
      collector: withSessionRegistry(sessions, () => new MetricsCollector({ meterProvider })),
    };
  });
  const [m1, m2, m3] = machines as [(typeof machines)[0], (typeof machines)[0], (typeof machines)[0]];
  const at = (msAgo: number) => vi.setSystemTime(new Date(now.getTime() - msAgo));
  const sessionStarts: Date[] = [];

  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    // The previous 24 h window: G1 and G3 on machine 1.
    at(30 * HOUR);
    m1.errors.report(caught(abrirQuestao));
    m1.errors.report(caught(importarQuestoes));

    // This window: G1 on every machine, G2 only on 1.1.0, G3 again.
    at(3 * HOUR);
    for (let i = 0; i < 3; i++) m1.errors.report(caught(abrirQuestao));
    for (let i = 0; i < 2; i++) m2.errors.report(caught(abrirQuestao));
    m3.errors.report(caught(abrirQuestao));
    at(2 * HOUR);
    for (let i = 0; i < 2; i++) m3.errors.report(caught(listarPaginas), { pagina: 12 });
    m2.errors.report(caught(importarQuestoes));
    // A storm: machine 2 hits G1 60 times within a second; the package's storm guard writes the
    // first 10 and one summary document standing for the other 50 (`ocorrencias`).
    at(90 * 60_000);
    for (let i = 0; i < STORM_REPORTS; i++) m2.errors.report(caught(abrirQuestao));

    // Audit: questao q-101's history spans two users on two machines.
    const ana = m1.audit.forUser('ana');
    const bruno = m2.audit.forUser('bruno');
    at(5 * HOUR);
    ana.questaoCriada('q-101', 'Equações do segundo grau', 'OBJETIVA', ['algebra']);
    at(4 * HOUR);
    ana.questaoEditada('q-101', ['enunciado']);
    bruno.questaoCriada('q-102', 'Frações', 'DISCURSIVA');
    at(3.5 * HOUR);
    ana.listaCriada('lista-7', 'Revisão', 2);
    ana.listaExportada('lista-7', 'PDF', 2);
    at(1 * HOUR);
    bruno.questaoInativada('q-101', 'duplicada');

    // Sessions on three days.
    for (const session of SESSIONS) {
      const machine = machines[session.machine]!;
      const start = new Date(now.getTime() - session.daysAgo * 24 * HOUR - 2 * HOUR - session.seconds * 1000);
      sessionStarts.push(start);
      vi.setSystemTime(start);
      machine.collector.startSession();
      machine.collector.increment('questoes_criadas', session.created);
      for (const ms of session.timings) machine.collector.recordTiming('criar_questao', ms);
      vi.setSystemTime(new Date(start.getTime() + session.seconds * 1000));
      await machine.collector.endSession();
    }
    vi.setSystemTime(now);
    for (const machine of machines) {
      await machine.loggerProvider.shutdown();
      await machine.meterProvider.shutdown();
    }
  } finally {
    vi.useRealTimers();
  }

  return { now, sessionStarts };
}
