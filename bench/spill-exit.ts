// The spill path and the exit bound, with the server unreachable:
// - spill: N error records emitted in one synchronous loop into MongoBatchLogRecordProcessor
//   (defaults) while the first export waits on server selection, so every full queue is mapped,
//   serialized and appended to the spool on the emitting thread: records/s and client CPU per record;
//   every record is a distinct bug (its own error.fingerprint), so the storm guard folds none;
// - exit: an application using setupTelemetry() (defaults) emits 1,000 records and calls
//   shutdown(); how long until its process is gone (bound: shutdownTimeoutMs, 5 s);
// - natural end: the same application without shutdown(), the connection refused; how long from
//   its last work until its process is gone (target: 1 s).
// Run: node --expose-gc bench/spill-exit.ts [--records N] [--rounds R] [--quick]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoBatchLogRecordProcessor, MongoLogRecordExporter } from 'opentelemetry-exporter-mongodb';
import {
  BENCH_RESOURCE,
  collectGarbage,
  distinctErrorLogRecord,
  fixed,
  integer,
  median,
  note,
  parseArgs,
  printTable,
  temporaryDir,
  unreachableUri,
} from './support.ts';

const args = parseArgs('Spill path and exit time', { records: 200_000, quickRecords: 50_000, rounds: 3 });
const N = args.records;

async function spillRound(): Promise<{ rate: number; cpuMicros: number; spilled: number; accepted: number }> {
  const spool = temporaryDir('spill');
  const exporter = new MongoLogRecordExporter({
    connectionString: await unreachableUri(),
    spoolDir: spool.path,
  });
  const processor = new MongoBatchLogRecordProcessor({ exporter });
  const provider = new LoggerProvider({ resource: BENCH_RESOURCE, processors: [processor] });
  const logger = provider.getLogger('mathbank.questoes');
  try {
    collectGarbage();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < N; i++) logger.emit(distinctErrorLogRecord(i));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const stats = processor.getStats();
    return {
      rate: N / seconds,
      cpuMicros: (used.user + used.system) / N,
      spilled: stats.spilled,
      accepted: N,
    };
  } finally {
    await provider.shutdown();
    spool.remove();
  }
}

const APP = fileURLToPath(new URL('../test/fixtures/telemetry-app.ts', import.meta.url));

/**
 * Milliseconds from the app's call to shutdown() (`exit-timing`), or from its last work
 * (`natural-end`, no shutdown() call), until its process exited.
 */
async function exitRound(mode: 'exit-timing' | 'natural-end' = 'exit-timing'): Promise<number> {
  const spool = temporaryDir('exit');
  try {
    const child = spawn(process.execPath, [APP, mode, '1000', 'bench'], {
      env: { ...process.env, TEST_TARGET_URI: await unreachableUri(), TEST_SPOOL_DIR: spool.path },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
    const exitedAt = await new Promise<number>((resolve) => child.on('exit', () => resolve(Date.now())));
    const from = Number(/(?:shutdown|last-work)-at (\d+)/.exec(stdout)?.[1]);
    return exitedAt - from;
  } finally {
    spool.remove();
  }
}

note(`spill: ${integer(N)} records per round into an unreachable server, ${args.rounds} round(s)`);
const spills = [];
for (let round = 0; round < args.rounds; round++) {
  const result = await spillRound();
  note(
    `spill round ${round + 1}: ${integer(result.rate)} records/s, ${fixed(result.cpuMicros)} µs CPU/record`,
  );
  spills.push(result);
}
const exits = [];
for (let round = 0; round < args.rounds; round++) {
  exits.push(await exitRound());
  note(`exit round ${round + 1}: ${integer(exits.at(-1)!)} ms after shutdown()`);
}

const naturalEnds = [];
for (let round = 0; round < args.rounds; round++) {
  naturalEnds.push(await exitRound('natural-end'));
  note(`natural end round ${round + 1}: ${integer(naturalEnds.at(-1)!)} ms after its last work`);
}

printTable(
  `Spill path: ${integer(N)} error records emitted in one loop, server unreachable (median of ${args.rounds})`,
  ['records/s (median)', 'all rounds', 'client CPU µs/record', 'spilled of emitted'],
  [
    [
      integer(median(spills.map((s) => s.rate))),
      spills.map((s) => integer(s.rate)).join(' / '),
      fixed(median(spills.map((s) => s.cpuMicros))),
      `${integer(spills[0]!.spilled)} of ${integer(N)}`,
    ],
  ],
);
printTable(
  'Exit: setupTelemetry() app, server unreachable, from shutdown() to process gone (bound 5,000 ms)',
  ['median ms', 'all rounds (ms)', 'max ms'],
  [[integer(median(exits)), exits.map(integer).join(' / '), integer(Math.max(...exits))]],
);
printTable(
  'Natural end: the same app without shutdown(), connection refused, from its last work to process gone (target 1,000 ms)',
  ['median ms', 'all rounds (ms)', 'max ms'],
  [[integer(median(naturalEnds)), naturalEnds.map(integer).join(' / '), integer(Math.max(...naturalEnds))]],
);
