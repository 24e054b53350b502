// An application that already logs with winston: the official OpenTelemetry transport
// (@opentelemetry/winston-transport) turns each winston log into an OpenTelemetry log record,
// and the MongoDB exporter stores those at or above `remoteLevel` (ERROR) in `errors`. The
// application's winston calls do not change; its console output stays as it was.
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/winston-bridge.ts   (after `npx tsdown`)
//
// The transport is built on the older `@opentelemetry/api-logs` package, which has a global of
// its own. `setupTelemetry()` registers its LoggerProvider there too; with a provider of your
// own, call `registerApiLogsGlobal(loggerProvider)` after registering it.
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import { MongoClient } from 'mongodb';
import { redactConnectionString, setupTelemetry } from 'opentelemetry-exporter-mongodb';
import winston from 'winston';

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';
const startedAt = new Date();

// 1. Telemetry first: the providers, registered on both logs globals.
const telemetry = await setupTelemetry({ connectionString, database, serviceName: 'winston-bridge' });

// 2. The application's winston logger, with the OpenTelemetry transport beside its console.
const logger = winston.createLogger({
  level: 'info',
  defaultMeta: { modulo: 'repo.questoes' },
  transports: [new winston.transports.Console(), new OpenTelemetryTransportV3()],
});

// 3. Ordinary winston calls. Only the error reaches MongoDB: info and warn are below ERROR.
logger.info('questão 41 salva', { questao_id: 41 });
logger.warn('questão 42 sem tags', { questao_id: 42 });
logger.error('falha ao salvar questão', { questao_id: 43, 'http.route': '/questoes/:id' });

await telemetry.shutdown(); // the session's audit and metrics, then flush and close

const client = new MongoClient(connectionString);
try {
  const stored = await client
    .db(database)
    .collection('errors')
    .find({ timestamp: { $gte: startedAt } })
    .toArray();
  console.log(`Server: ${redactConnectionString(connectionString)}  database: ${database}`);
  console.log(`errors: ${stored.length} new document(s)`);
  for (const doc of stored) {
    console.log(
      `  ${doc.nivel} [${doc.logger_name}] ${doc.erro.mensagem} contexto=${JSON.stringify(doc.contexto)}`,
    );
  }
} finally {
  await client.close();
}
