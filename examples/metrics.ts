// Session metrics: an application counts and times what its users do through MetricsCollector
// (plain OpenTelemetry instruments); MongoMetricExporter keeps one document per session in `metrics`.
// Run: MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/metrics.ts (after `npx tsdown`).
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { MongoClient } from 'mongodb';
import {
  MetricsCollector,
  MongoMetricExporter,
  redactConnectionString,
} from 'opentelemetry-exporter-mongodb';

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';

const exporter = new MongoMetricExporter({ connectionString, database });
// Every 5 s the session document is replaced by the current state: a crash loses at most 5 s.
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 5000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const metrics = new MetricsCollector({ meterProvider });

metrics.startSession();
const sessionId = metrics.sessionId;

function salvarQuestao(): void {
  for (let i = 0; i < 200_000; i++) Math.sqrt(i); // some work to time
}

for (let i = 0; i < 3; i++) {
  metrics.timeOperation('salvar_questao', salvarQuestao);
  metrics.increment('questoes_criadas');
}
await metrics.timeOperation('exportar_pdf', () => new Promise((resolve) => setTimeout(resolve, 120)));
metrics.increment('listas_exportadas');

// Plain OpenTelemetry instruments land in the same document, attributes and dotted names included.
const meter = meterProvider.getMeter('exemplo');
meter.createCounter('http.requests').add(2, { 'http.route': '/questoes' });
meter.createHistogram('db.query.duration', { unit: 's' }).record(0.042);

const stored = await metrics.endSession(); // flushes, then writes the final document
console.log(`session ${sessionId} stored: ${stored}`);
await meterProvider.shutdown();

const client = new MongoClient(connectionString);
try {
  const document = await client
    .db(database)
    .collection('metrics')
    .findOne({ _id: sessionId as never });
  console.log(`in ${redactConnectionString(connectionString)} ${database}.metrics:`);
  console.dir(document, { depth: null });
} finally {
  await client.close();
}
