// The ErrorReporter in a small application: report() for an error the application
// handles, wrap() around a function, and the process hooks for the error that kills it.
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/error-reporter.ts          # reports, exits 0
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/error-reporter.ts --crash  # then dies: exit code 1
import { logs } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { ErrorReporter, MongoLogRecordExporter } from 'opentelemetry-exporter-mongodb';

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';

const exporter = new MongoLogRecordExporter({ connectionString, database });
const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
logs.setGlobalLoggerProvider(loggerProvider);

// Uses the global provider; waits at most 3 s for the crash record before the process exits.
const reporter = new ErrorReporter({ flushTimeoutMs: 3000 });
reporter.installGlobalHandlers();

class QuestaoInvalidaError extends Error {}

// 1. An error the application handles itself, stored with some context.
try {
  JSON.parse('{ questão sem fim');
} catch (error) {
  reporter.report(error, { tela: 'importar', arquivo_origem: 'lista-7.json' });
}

// 2. A wrapped function: what it throws is stored (contexto.funcao_decorada) and rethrown.
const salvarQuestao = reporter.wrap(async function salvarQuestao(id: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new QuestaoInvalidaError(`questão ${id} sem enunciado`);
});
await salvarQuestao(42).catch((error: unknown) => {
  console.log(`the application still sees the error: ${(error as Error).message}`);
});

if (process.argv.includes('--crash')) {
  // 3. Nobody catches this: it is stored with nao_tratada: true, printed as Node prints it,
  //    and the process exits with code 1 once the record is flushed.
  setTimeout(() => {
    throw new QuestaoInvalidaError('questão 43 corrompida');
  }, 10);
} else {
  await loggerProvider.shutdown(); // flushes the two records above
  console.log(`stored in ${database}.errors:`, exporter.getStats());
}
