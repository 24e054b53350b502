// The demo behind `npm run demo`: an application logs errors through OpenTelemetry,
// the MongoDB exporter stores them, and the demo prints what landed.
import { SeverityNumber } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import { MongoLogRecordExporter, redactConnectionString } from 'opentelemetry-exporter-mongodb';

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';
const startedAt = new Date();

const exporter = new MongoLogRecordExporter({ connectionString, database });
const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
const logger = loggerProvider.getLogger('demo.questoes');

function salvarQuestao(id: number): void {
  if (id % 2 === 0) throw new TypeError(`questão ${id} sem enunciado`);
}

for (const id of [1, 2, 3, 4]) {
  try {
    salvarQuestao(id);
    logger.emit({ severityNumber: SeverityNumber.INFO, body: `questão ${id} salva` }); // below ERROR: not stored
  } catch (error) {
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      body: 'falha ao salvar questão',
      exception: error,
      attributes: { questao_id: id },
    });
  }
}
await loggerProvider.shutdown(); // flushes: nothing emitted above is lost

const client = new MongoClient(connectionString);
try {
  const errors = client.db(database).collection('errors');
  const stored = await errors
    .find({ timestamp: { $gte: startedAt } })
    .sort({ timestamp: 1 })
    .toArray();
  console.log(`Server: ${redactConnectionString(connectionString)}  database: ${database}`);
  console.log(`errors: ${stored.length} new document(s)`);
  for (const doc of stored) {
    console.log(
      `  ${doc.timestamp.toISOString()} ${doc.nivel} ${doc.erro.tipo}: ${doc.erro.mensagem} (${doc.erro.funcao} ${doc.erro.arquivo}:${doc.erro.linha}) contexto=${JSON.stringify(doc.contexto)}`,
    );
  }
  console.log('exporter stats:', exporter.getStats());
} finally {
  await client.close();
}
