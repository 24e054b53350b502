// An ordinary ES module application that logs with pino and knows nothing of telemetry.
// Run it with the telemetry loaded first (see examples/instrumentation.ts):
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node --import ./examples/instrumentation.ts examples/instrumented-app.ts
import { pino } from 'pino';

const logger = pino({ name: 'importador' });

logger.info({ arquivo: 'questoes.csv' }, 'importação iniciada');
try {
  JSON.parse('{ questão sem fim');
} catch (error) {
  logger.error({ err: error, arquivo: 'questoes.csv' }, 'falha ao importar questões');
}
