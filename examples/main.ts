// The plan's desktop-application start-up, with this package: one call wires errors, audit and
// session metrics to MongoDB; the application then just uses them. Run: node examples/main.ts
// Configuration comes from options, then MONGODB_CONNECTION_STRING / MONGODB_URI / MONGODB_DATABASE.
import { SeverityNumber } from '@opentelemetry/api';
import { setupTelemetry } from 'opentelemetry-exporter-mongodb';

const telemetry = await setupTelemetry({
  serviceName: 'mathbank-desktop',
  metricExportIntervalMs: 5_000, // the session document is brought up to date every 5 s
});
const { audit, errors, metrics, loggerProvider } = telemetry;
const logger = loggerProvider.getLogger('mathbank.main');

// A user works with questions and lists: each action is audited, counted and timed.
const user = audit.forUser('professora.ana');
for (const id of ['q-101', 'q-102', 'q-103']) {
  await metrics.timeOperation('criar_questao', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // the database work of the app
  });
  user.questaoCriada(id, `Questão ${id}: equações do segundo grau`, 'OBJETIVA', ['algebra']);
  metrics.increment('questoes_criadas');
}
user.questaoEditada('q-102', ['enunciado', 'alternativas']);
user.listaCriada('lista-7', 'Lista de revisão', 3);
user.listaExportada('lista-7', 'PDF', 3);
metrics.increment('listas_exportadas');

// Errors: one the application catches and reports, one logged through OpenTelemetry.
try {
  JSON.parse('{ not json');
} catch (error) {
  errors.report(error, { operacao: 'importar_questoes', arquivo_importado: 'questoes.json' });
  metrics.increment('erros_importacao');
}
logger.emit({
  severityNumber: SeverityNumber.ERROR,
  body: 'falha ao sincronizar backup',
  attributes: { 'backup.destino': 'nuvem', tentativas: 3 },
});

// Ends the session: audit sessao.encerrada, the final metrics document, everything flushed.
// (Without this call the same happens when the process exits normally or gets SIGINT/SIGTERM.)
await telemetry.shutdown();
console.log('main: session finished');
