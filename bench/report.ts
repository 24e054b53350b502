// How long `opentelemetry-exporter-mongodb report` takes over a large fleet: 200,000 error
// documents (80% with a fingerprint, 1% storm-guard summaries, 60 groups, 2,000 machines,
// 6 versions), 20,000 sessions and 20,000 audit events, all in the last 24 h. Times the real
// CLI (dist/cli.mjs) end to end, next to a plain countDocuments of the same window as the floor.
// Run: BENCH_MONGODB_URI=... node bench/report.ts [--records 200000] [--rounds 3] [--quick]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { benchUri, fixed, integer, median, note, parseArgs, printTable } from './support.ts';

const args = parseArgs('report time over a large database', {
  records: 200_000,
  quickRecords: 20_000,
  rounds: 3,
});
const uri = benchUri();
const errorsCount = args.records;
const sessionsCount = Math.round(args.records / 10);
const database = `bench_report_${process.pid}`;
const cli = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
const client = new MongoClient(uri);
const HOUR = 3_600_000;
const now = Date.now();
const versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '2.0.0', '2.1.0'];
const types = ['TypeError', 'RangeError', 'SyntaxError', 'Error', 'MongoNetworkError', 'ValidationError'];

function errorDocument(i: number) {
  const group = i % 60;
  const withFingerprint = group < 48;
  const summary = i % 100 === 99;
  const timestamp = new Date(
    now - Math.floor((((i * 7919) % errorsCount) / errorsCount) * 23 * HOUR) - 60_000,
  );
  return {
    _id: `e${i}`,
    timestamp,
    nivel: 'ERROR',
    maquina_id: (i % 2000).toString(16).padStart(16, '0'),
    app_version: versions[(i >> 3) % versions.length],
    logger_name: 'mathbank.app',
    erro: {
      tipo: types[group % types.length],
      mensagem: `falha ${group} ao processar a questao`,
      stacktrace: `${types[group % types.length]}: falha ${group}\n    at funcao${group} (src/modulo${group}.ts:${group + 10}:5)`,
      arquivo: `src/modulo${group}.ts`,
      linha: group + 10,
      funcao: `funcao${group}`,
      ...(withFingerprint ? { fingerprint: `fp${group.toString(16).padStart(14, '0')}` } : {}),
    },
    contexto: { operacao: 'importar' },
    ambiente: { os: 'Linux 6.1', os_version: '#1 SMP', node_version: '24.0.0', architecture: 'x64' },
    ...(summary
      ? { ocorrencias: 50, primeira: new Date(timestamp.getTime() - 60_000), ultima: timestamp }
      : {}),
  };
}

function sessionDocument(i: number) {
  const start = new Date(now - Math.floor((i / sessionsCount) * 22 * HOUR) - 2 * HOUR);
  const seconds = 60 + ((i * 37) % 7200);
  return {
    _id: `s${i}`,
    timestamp: new Date(start.getTime() + seconds * 1000),
    maquina_id: (i % 2000).toString(16).padStart(16, '0'),
    app_version: versions[i % versions.length],
    tipo: 'SESSAO',
    sessao: {
      inicio: start,
      fim: new Date(start.getTime() + seconds * 1000),
      duracao_segundos: seconds,
      ativa: false,
    },
    contadores: { questoes_criadas: i % 7, listas_exportadas: i % 3, erros_importacao: i % 2 },
    timings: {
      criar_questao: { count: 4, min_ms: 5, max_ms: 40 + (i % 10), avg_ms: 20 },
      exportar_lista: { count: 1, min_ms: 300, max_ms: 300, avg_ms: 300 },
    },
  };
}

function auditDocument(i: number) {
  const actions = [
    'questao.criada',
    'questao.editada',
    'lista.criada',
    'lista.exportada',
    'tag.criada',
    'sessao.iniciada',
  ];
  return {
    _id: `a${i}`,
    timestamp: new Date(now - Math.floor((i / sessionsCount) * 23 * HOUR) - 60_000),
    acao: actions[i % actions.length],
    entidade: 'questao',
    entidade_id: `q-${i % 5000}`,
    detalhes: {},
    usuario_id: `user${i % 300}`,
    maquina_id: (i % 2000).toString(16).padStart(16, '0'),
    app_version: '2.1.0',
  };
}

async function fill(collection: string, count: number, make: (i: number) => object): Promise<void> {
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    const docs = Array.from({ length: Math.min(batch, count - start) }, (_, k) => make(start + k));
    await client
      .db(database)
      .collection(collection)
      .insertMany(docs as never[], { ordered: false });
  }
}

function timeCli(extra: string[]): number {
  const started = performance.now();
  execFileSync(
    process.execPath,
    // FerretDB reads about 3,000 documents a second here: give each query room.
    [cli, 'report', '--connection-string', uri, '--database', database, '--max-time-ms', '600000', ...extra],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MONGODB_URI: '', MONGODB_CONNECTION_STRING: '' },
    },
  );
  return performance.now() - started;
}

try {
  note(
    `seeding ${integer(errorsCount)} errors, ${integer(sessionsCount)} sessions and audit events into ${database}`,
  );
  const seedStart = performance.now();
  await fill('errors', errorsCount, errorDocument);
  await fill('metrics', sessionsCount, sessionDocument);
  await fill('audit', sessionsCount, auditDocument);
  note(`seeded in ${fixed((performance.now() - seedStart) / 1000, 1)} s; creating indexes`);
  execFileSync(process.execPath, [cli, 'indexes', '--connection-string', uri, '--database', database], {
    stdio: 'ignore',
  });

  const rows: string[][] = [];
  const floor: number[] = [];
  const timings: Record<string, number[]> = { text: [], json: [], html: [] };
  for (let round = 0; round < args.rounds; round++) {
    note(`round ${round + 1} of ${args.rounds}`);
    let started = performance.now();
    await client
      .db(database)
      .collection('errors')
      .countDocuments({ timestamp: { $gte: new Date(now - 24 * HOUR) } });
    floor.push(performance.now() - started);
    timings.text!.push(timeCli([]));
    timings.json!.push(timeCli(['--json']));
    started = performance.now();
    timings.html!.push(timeCli(['--html', join(import.meta.dirname, '..', '.tools', 'bench-report.html')]));
  }
  const base = median(floor);
  rows.push(['countDocuments of the window (floor)', fixed(base / 1000, 2), '1.0']);
  for (const [name, values] of Object.entries(timings)) {
    rows.push([
      `report${name === 'text' ? '' : ` --${name}`} (CLI, end to end)`,
      fixed(median(values) / 1000, 2),
      fixed(median(values) / base, 1),
    ]);
  }
  printTable(
    `report over ${integer(errorsCount)} error documents and ${integer(sessionsCount)} sessions (median of ${args.rounds} round(s))`,
    ['what', 'seconds', 'x floor'],
    rows,
  );
} finally {
  await client
    .db(database)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
}
