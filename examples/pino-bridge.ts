// An application that already logs with pino: the official OpenTelemetry instrumentation
// (@opentelemetry/instrumentation-pino) copies every pino log line into the OpenTelemetry logs
// pipeline, and MongoLogRecordExporter stores those at or above `remoteLevel` (ERROR) in
// `errors`. The application's pino calls do not change; its stdout output stays as it was.
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/pino-bridge.ts   (after `npx tsdown`)
//
// The instrumentation patches pino when it is loaded, so it must be registered first. In an
// ES module application that takes the instrumentation loader hook, registered here with
// `module.register()` (or from the command line: `node --import ./telemetry.ts app.ts`), and
// pino imported only after `registerInstrumentations()`.
import { register } from 'node:module';
import { logs } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import { MongoLogRecordExporter, redactConnectionString } from 'opentelemetry-exporter-mongodb';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';
const startedAt = new Date();

// 1. The OpenTelemetry logs pipeline, registered globally: the instrumentation emits there.
const exporter = new MongoLogRecordExporter({ connectionString, database });
const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new PinoInstrumentation()] });

// 2. The application's existing pino logger, loaded after the instrumentation.
const { pino } = await import('pino');
const logger = pino({ name: 'repo.questoes' });

// 3. Ordinary pino calls. Only the error reaches MongoDB: info and warn are below ERROR.
logger.info({ questao_id: 41 }, 'questão 41 salva');
logger.warn({ questao_id: 42 }, 'questão 42 sem tags');
function salvarQuestao(id: number): void {
  throw new TypeError(`questão ${id} sem enunciado`);
}
try {
  salvarQuestao(43);
} catch (error) {
  // pino's convention: an error under `err` becomes the record's exception (erro.tipo, stacktrace).
  logger.error({ err: error, questao_id: 43 }, 'falha ao salvar questão');
}

await loggerProvider.shutdown(); // flushes the batch processor, then closes the exporter

const client = new MongoClient(connectionString);
try {
  const stored = await client
    .db(database)
    .collection('errors')
    .find({ timestamp: { $gte: startedAt } })
    .sort({ timestamp: 1, _id: 1 })
    .toArray();
  console.log(`Server: ${redactConnectionString(connectionString)}  database: ${database}`);
  console.log(`errors: ${stored.length} new document(s)`);
  for (const doc of stored) {
    console.log(
      `  ${doc.nivel} [${doc.logger_name}] ${doc.erro.tipo}: ${doc.erro.mensagem} (${doc.erro.funcao} ${doc.erro.arquivo}:${doc.erro.linha}) contexto=${JSON.stringify(doc.contexto)}`,
    );
  }
  console.log('exporter stats:', exporter.getStats());
} finally {
  await client.close();
}
