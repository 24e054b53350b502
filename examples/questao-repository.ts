// The plan's QuestaoRepository: a repository that audits what it does, counts and times it,
// and reports its errors. Its telemetry objects come in through the constructor, so the class
// uses no globals and a test can hand it loggers of its own.
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/questao-repository.ts   (after `npx tsdown`)
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { MongoClient } from 'mongodb';
import {
  AuditLogger,
  ErrorReporter,
  MetricsCollector,
  MongoLogRecordExporter,
  MongoMetricExporter,
  redactConnectionString,
} from 'opentelemetry-exporter-mongodb';

/** What the application stores about a question. */
interface QuestaoData {
  titulo: string;
  tipo: string;
  tags?: string[];
}

/** The telemetry a repository needs. */
interface RepositoryTelemetry {
  audit: AuditLogger;
  metrics: MetricsCollector;
  errors: ErrorReporter;
}

/** Questions, kept in memory here; a real one would use the application's database session. */
class QuestaoRepository {
  private readonly rows = new Map<number, QuestaoData>();
  private nextId = 1;
  private readonly telemetry: RepositoryTelemetry;

  constructor(telemetry: RepositoryTelemetry) {
    this.telemetry = telemetry;
  }

  /** Creates a question; returns its id, or null when it could not be created (the error is reported). */
  async criar(data: QuestaoData): Promise<number | null> {
    const { audit, metrics, errors } = this.telemetry;
    try {
      const id = await metrics.timeOperation('criar_questao', () => this.inserir(data));
      audit.questaoCriada(id, data.titulo, data.tipo, data.tags);
      metrics.increment('questoes_criadas');
      return id;
    } catch (error) {
      errors.report(error, { operacao: 'criar_questao', tipo: data.tipo });
      metrics.increment('erros_criar_questao');
      return null;
    }
  }

  private async inserir(data: QuestaoData): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5)); // the database round trip
    if (data.titulo.trim() === '') throw new RangeError('questão sem título');
    const id = this.nextId++;
    this.rows.set(id, { ...data });
    return id;
  }
}

// --- main: wires the pipelines, uses the repository, shuts down, prints what landed ---

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';
const startedAt = new Date();

const logExporter = new MongoLogRecordExporter({ connectionString, database });
const loggerProvider = new LoggerProvider({
  processors: [new BatchLogRecordProcessor({ exporter: logExporter })],
});
const metricExporter = new MongoMetricExporter({ connectionString, database });
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 10_000 })],
});

const metrics = new MetricsCollector({ meterProvider });
const repository = new QuestaoRepository({
  audit: new AuditLogger({ loggerProvider }).forUser('ana'),
  metrics,
  errors: new ErrorReporter({ loggerProvider }),
});

metrics.startSession();
const sessionId = metrics.sessionId;
const ids = [
  await repository.criar({ titulo: 'Equação do 2º grau', tipo: 'multipla_escolha', tags: ['algebra'] }),
  await repository.criar({ titulo: 'Teorema de Pitágoras', tipo: 'discursiva' }),
  await repository.criar({ titulo: '   ', tipo: 'discursiva' }), // fails: reported, counted, null
];
console.log('created ids:', ids);

await metrics.endSession(); // the session's final document
await Promise.all([loggerProvider.shutdown(), meterProvider.shutdown()]);

const client = new MongoClient(connectionString);
try {
  const db = client.db(database);
  const since = { timestamp: { $gte: startedAt } };
  const auditDocs = await db.collection('audit').find(since).sort({ timestamp: 1, _id: 1 }).toArray();
  const errors = await db.collection('errors').find(since).toArray();
  const session = await db.collection('metrics').findOne({ _id: sessionId as never });
  console.log(`Server: ${redactConnectionString(connectionString)}  database: ${database}`);
  console.log(`audit: ${auditDocs.length} new document(s)`);
  for (const doc of auditDocs) {
    console.log(`  ${doc.acao} ${doc.entidade}/${doc.entidade_id} ${JSON.stringify(doc.detalhes)}`);
  }
  console.log(`errors: ${errors.length} new document(s)`);
  for (const doc of errors) {
    console.log(
      `  ${doc.nivel} ${doc.erro.tipo}: ${doc.erro.mensagem} contexto=${JSON.stringify(doc.contexto)}`,
    );
  }
  console.log(`metrics: session ${sessionId}`);
  console.dir(session && { contadores: session.contadores, timings: session.timings }, { depth: null });
} finally {
  await client.close();
}
