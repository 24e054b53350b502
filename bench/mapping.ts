// Cost of the mapping alone: records → documents per CPU-second (one core), for error,
// audit and metrics documents, then a CPU profile of the error and audit mappings.
// Run: node --expose-gc bench/mapping.ts [--seconds S] [--quick] [--no-profile]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@opentelemetry/api';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { EJSON } from 'bson';
import { AuditLogger } from 'opentelemetry-exporter-mongodb';
import type { Series } from '../src/metrics/accumulator.ts';
import { loadInternals } from './internals.ts';
import {
  BENCH_RESOURCE,
  collectGarbage,
  errorLogRecord,
  fixed,
  integer,
  median,
  note,
  parseArgs,
  printTable,
  temporaryDir,
} from './support.ts';

const DISTINCT_RECORDS = 1024;
const BATCH = 512; // the exporter keeps one SanitizeReport per batch

const args = parseArgs<{ seconds?: string; profile: boolean; profileChild: boolean }>(
  'Mapping cost per core',
  { records: DISTINCT_RECORDS, quickRecords: DISTINCT_RECORDS, rounds: 3 },
  (program) =>
    program
      .option('--seconds <s>', 'measuring time per kind and round (default 1.5, --quick 0.5)')
      .option('--no-profile', 'skip the CPU profile')
      .option('--profile-child', 'internal: the profiled run'),
);
const seconds = Number(args.seconds ?? (args.quick ? 0.5 : 1.5));

const internals = await loadInternals();
const { transform, metricsTransform, sanitizeReport, resourceFields, id } = internals;
const { mapLogRecord } = internals.mapRecord;

/** Real SDK records: a LoggerProvider whose processor keeps what is emitted. */
function capture(emit: (provider: LoggerProvider) => void): ReadableLogRecord[] {
  const records: ReadableLogRecord[] = [];
  const provider = new LoggerProvider({
    resource: BENCH_RESOURCE,
    processors: [
      {
        onEmit: (record: ReadableLogRecord) => void records.push(record),
        forceFlush: async () => undefined,
        shutdown: async () => undefined,
      },
    ],
  });
  emit(provider);
  return records;
}

const errorRecords = capture((provider) => {
  const logger: Logger = provider.getLogger('mathbank.questoes');
  for (let i = 0; i < DISTINCT_RECORDS; i++) logger.emit(errorLogRecord(i));
});
const auditRecords = capture((provider) => {
  const audit = new AuditLogger({ loggerProvider: provider }).forUser('u-42');
  for (let i = 0; i < DISTINCT_RECORDS; i++) {
    audit.questaoCriada(i, `Questão ${i}: derivada de x² no ponto ${i}`, 'multipla_escolha', [
      'calculo',
      'derivada',
    ]);
  }
});

/** A session of a desktop application: 8 counters, 4 timings, one attributed counter. */
function sessionSeries(i: number): Series[] {
  const counter = (name: string, value: number, attributes = {}) => ({
    kind: 'counter' as const,
    name,
    attributes,
    unit: '',
    timing: false,
    value,
    histogram: undefined,
  });
  const timing = (name: string, count: number) => ({
    kind: 'histogram' as const,
    name,
    attributes: {},
    unit: 'ms',
    timing: true,
    value: 0,
    histogram: { count, sum: count * 12.5, min: 1.25, max: 80.5 + i },
  });
  return [
    counter('questoes_criadas', i),
    counter('questoes_editadas', 3),
    counter('listas_criadas', 1),
    counter('listas_exportadas', 2),
    counter('tags_criadas', 5),
    counter('buscas', 40 + i),
    counter('pdfs_gerados', 2),
    counter('erros', 1),
    counter('http.requests', 12, { 'http.route': '/questoes' }),
    timing('salvar_questao', 7),
    timing('exportar_pdf', 2),
    timing('buscar', 40),
    timing('abrir_lista', 5),
  ];
}
const sessions = Array.from({ length: DISTINCT_RECORDS }, (_, i) => ({
  session: { id: `sessao-${i}`, startedAt: new Date(Date.now() - 3_600_000), endedAt: undefined },
  series: sessionSeries(i),
}));

type Mapper = (i: number) => unknown;

function mappers(): Record<string, Mapper> {
  const nextId = id.createIdSource();
  const limits = sanitizeReport.DEFAULT_SANITIZE_LIMITS;
  const fields = resourceFields.resourceFields(BENCH_RESOURCE);
  let report = new sanitizeReport.SanitizeReport();
  // One memo of stack facts, as a LogPipeline keeps one for all its batches.
  const stacks = transform.newStackFactsMemo();
  const context = (i: number) => {
    if (i % BATCH === 0) report = new sanitizeReport.SanitizeReport();
    return { id: nextId(), fields, report, limits, stacks };
  };
  // What MongoLogRecordExporter.map() adds around the pure transform, per record.
  const exporterContext = (record: ReadableLogRecord, i: number) => {
    if (i % BATCH === 0) report = new sanitizeReport.SanitizeReport();
    return { id: nextId(), fields: resourceFields.resourceFields(record.resource), report, limits, stacks };
  };
  const at = <T>(list: readonly T[], i: number) => list[i % DISTINCT_RECORDS]!;
  // A spooled line of 512 error documents, as the replay reads it; parsed once per 512 calls.
  const lineDocuments = Array.from({ length: 512 }, (_, i) =>
    transform.toErrorDocument(at(errorRecords, i), context(i)),
  );
  const payload = `[${lineDocuments.map((document) => internals.segmentFormat.documentJson(document)).join(',')}]`;
  const parsedLine = (parse: (text: string) => unknown[]) => {
    let parsed: unknown[] = [];
    return (i: number) => {
      if (i % 512 === 0) parsed = parse(payload);
      return parsed[i % 512];
    };
  };
  return {
    'error: toErrorDocument': (i) => transform.toErrorDocument(at(errorRecords, i), context(i)),
    'error: as the exporter maps (mapLogRecord: + resourceFields, size check)': (i) => {
      const record = at(errorRecords, i);
      return mapLogRecord(record, 'errors', exporterContext(record, i));
    },
    'audit: toAuditDocument': (i) => transform.toAuditDocument(at(auditRecords, i), context(i)),
    'audit: as the exporter maps (mapLogRecord: + resourceFields, size check)': (i) => {
      const record = at(auditRecords, i);
      return mapLogRecord(record, 'audit', exporterContext(record, i));
    },
    'spool replay: a 512-document line, per document (JSON.parse + revival of the EJSON values)': parsedLine(
      (text) => internals.segmentFormat.documentsFromJson(text),
    ),
    'spool replay: the same line with relaxed EJSON.parse (before 2026-12-03)': parsedLine(
      (text) => EJSON.parse(text, { relaxed: true }) as unknown[],
    ),
    'metrics: toSessionDocument (13 series)': (i) => {
      const { session, series } = at(sessions, i);
      return metricsTransform.toSessionDocument({
        session,
        series,
        fields,
        now: new Date(),
        report: context(i).report,
      });
    },
  };
}

/** Documents per wall second and per CPU second of this (single-threaded) process. */
function run(map: Mapper, durationSeconds: number): { wall: number; cpu: number } {
  let sink = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + durationSeconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 256; k++, count++) sink += (map(count) as { _id: string })._id.length;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (sink === 0) throw new Error('nothing mapped');
  return { wall: count / wall, cpu: count / ((cpu.user + cpu.system) / 1e6) };
}

if (args.profileChild) {
  // The profiled run: only the exporter-shaped error and audit mappings.
  const all = mappers();
  for (const name of Object.keys(all).filter((key) => key.includes('as the exporter maps')))
    run(all[name]!, seconds * 2);
  process.exit(0);
}

const all = mappers();
const results = new Map<string, { wall: number[]; cpu: number[] }>();
for (const name of Object.keys(all)) run(all[name]!, 0.3); // warm-up: let V8 optimise every path
for (let round = 0; round < args.rounds; round++) {
  for (const [name, map] of Object.entries(all)) {
    collectGarbage();
    const { wall, cpu } = run(map, seconds);
    const entry = results.get(name) ?? { wall: [], cpu: [] };
    entry.wall.push(wall);
    entry.cpu.push(cpu);
    results.set(name, entry);
  }
}
note(`mapping: ${args.rounds} round(s) of ${seconds} s per kind`);
printTable(
  `Mapping cost (one core; median of ${args.rounds} round(s) of ${seconds} s each)`,
  ['mapping', 'documents/s per CPU-second', 'documents/s wall', 'µs per document'],
  [...results].map(([name, { wall, cpu }]) => [
    name,
    integer(median(cpu)),
    integer(median(wall)),
    fixed(1e6 / median(cpu), 2),
  ]),
);

if (args.profile) profile();

/** Runs the exporter-shaped mappings under `node --cpu-prof` and prints the top self-time functions. */
function profile(): void {
  const directory = temporaryDir('profile');
  try {
    const script = fileURLToPath(import.meta.url);
    execFileSync(
      process.execPath,
      [
        '--cpu-prof',
        `--cpu-prof-dir=${directory.path}`,
        script,
        '--profile-child',
        '--seconds',
        String(seconds),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const file = readdirSync(directory.path).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('node --cpu-prof wrote no profile');
    printTable(
      'Profile of the error and audit mappings (node --cpu-prof, top self time)',
      ['self %', 'function', 'where'],
      topSelfTime(JSON.parse(readFileSync(join(directory.path, file), 'utf8')) as CpuProfile, 15),
    );
  } finally {
    directory.remove();
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function topSelfTime(profile: CpuProfile, count: number): string[][] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const frame = nodes.get(nodeId);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    const where = frame.url ? `${shortPath(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `\`${frame.functionName || '(anonymous)'}\`\t${where}`; // code spans: regex sources hold * and _
    self.set(key, (self.get(key) ?? 0) + delta);
    total += delta;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, time]) => [fixed((100 * time) / total, 1), ...(key.split('\t') as [string, string])]);
}

function shortPath(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside.replace(/^node_modules\//, '');
}
