// An application that already uses OpenTelemetry through NodeSDK: the two MongoDB exporters
// join its pipelines next to whatever exporters it has, and AuditLogger, ErrorReporter and
// MetricsCollector use the global providers that NodeSDK registers.
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/nodesdk.ts   (after `npx tsdown`)
import { trace } from '@opentelemetry/api';
import { envDetector, hostDetector, osDetector, processDetector } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { MongoClient } from 'mongodb';
import {
  AuditLogger,
  ErrorReporter,
  MetricsCollector,
  MongoBatchLogRecordProcessor,
  MongoLogRecordExporter,
  MongoMetricExporter,
  machineResourceDetector,
  redactConnectionString,
} from 'opentelemetry-exporter-mongodb';

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';
const startedAt = new Date();

// One options object for both exporters (and anything else of the package).
const options = { connectionString, database };
const logExporter = new MongoLogRecordExporter(options);
const metricExporter = new MongoMetricExporter(options);

// Stands in for the application's own trace pipeline (usually an OTLP exporter). With no
// `spanProcessors` at all, NodeSDK would build an OTLP trace exporter from OTEL_* variables.
const applicationSpanProcessor: NonNullable<NodeSDKConfiguration['spanProcessors']>[number] = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const sdk = new NodeSDK({
  serviceName: 'mathbank',
  // Giving `resourceDetectors` replaces NodeSDK's default list: keep the ones you use and add
  // the package's detector (machine id as app.installation.id, service.version, OS, runtime).
  resourceDetectors: [envDetector, hostDetector, osDetector, processDetector, machineResourceDetector],
  spanProcessors: [applicationSpanProcessor],
  // Records below `remoteLevel` (ERROR) are ignored by this exporter; other processors still see them.
  // The package's processor, not the SDK's BatchLogRecordProcessor: same options, but a full
  // queue is spilled to the disk spool instead of being dropped without a word.
  logRecordProcessors: [new MongoBatchLogRecordProcessor({ exporter: logExporter })],
  // Each export replaces the session's document, so a crash loses at most one interval.
  metricReaders: [
    new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 10_000 }),
  ],
});
sdk.start();

// No provider passed: each of these reads the global one that NodeSDK registered.
const audit = new AuditLogger();
const reporter = new ErrorReporter();
const metrics = new MetricsCollector();

metrics.startSession();
const sessionId = metrics.sessionId;
audit.sessaoIniciada();

const tracer = trace.getTracer('mathbank.questoes');
await tracer.startActiveSpan('criar questao', async (span) => {
  await metrics.timeOperation('criar_questao', () => new Promise((resolve) => setTimeout(resolve, 20)));
  audit.forUser('ana').questaoCriada(101, 'Equação do 2º grau', 'multipla_escolha', ['algebra']);
  metrics.increment('questoes_criadas');
  try {
    JSON.parse('{ questão sem fim');
  } catch (error) {
    // Reported inside the span: the document carries its trace_id and span_id.
    reporter.report(error, { tela: 'importar' });
    metrics.increment('erros_importacao');
  }
  span.end();
});

await sdk.shutdown(); // flushes logs, writes the session's final metrics document, closes the clients

const client = new MongoClient(connectionString);
try {
  const db = client.db(database);
  const since = { timestamp: { $gte: startedAt } };
  const errors = await db.collection('errors').find(since).toArray();
  const auditDocs = await db.collection('audit').find(since).sort({ timestamp: 1, _id: 1 }).toArray();
  const session = await db.collection('metrics').findOne({ _id: sessionId as never });
  console.log(`Server: ${redactConnectionString(connectionString)}  database: ${database}`);
  console.log(`errors: ${errors.length} new document(s)`);
  for (const doc of errors) {
    console.log(`  ${doc.nivel} ${doc.erro.tipo}: ${doc.erro.mensagem} trace_id=${doc.trace_id}`);
  }
  console.log(`audit: ${auditDocs.length} new document(s)`);
  for (const doc of auditDocs) {
    console.log(`  ${doc.acao} ${doc.entidade}/${doc.entidade_id} usuario=${doc.usuario_id}`);
  }
  console.log(`metrics: session ${sessionId}`);
  console.dir(
    session && {
      maquina_id: session.maquina_id,
      sessao: session.sessao,
      contadores: session.contadores,
      timings: session.timings,
    },
    { depth: null },
  );
} finally {
  await client.close();
}
