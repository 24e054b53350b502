// Audit trail: an application records who did what through AuditLogger; the events are
// ordinary OpenTelemetry log records that MongoLogRecordExporter stores in `audit`.
// Run: MONGODB_URI=mongodb://127.0.0.1:27017/ node examples/audit.ts (after `npx tsdown`).
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import {
  AcaoAuditoria,
  AuditLogger,
  MongoLogRecordExporter,
  redactConnectionString,
} from 'opentelemetry-exporter-mongodb';

const connectionString = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE ?? 'mathbank_logs';
const startedAt = new Date();

const exporter = new MongoLogRecordExporter({ connectionString, database });
const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });

// Exports are off the caller's path: none of the calls below waits for the server.
const audit = new AuditLogger({ loggerProvider, audit: { tags: false } });
audit.sessaoIniciada();

const ana = audit.forUser('ana');
ana.questaoCriada(101, 'Resolva a equação x² − 5x + 6 = 0 e verifique as raízes', 'discursiva', ['algebra']);
ana.questaoEditada(101, ['enunciado']);
ana.listaCriada('L-7', 'Revisão de álgebra', 12);
ana.listaExportada('L-7', 'pdf', 12);
ana.tagCriada('T-3', 'algebra'); // the `tags` switch is off: nothing is emitted
ana.log({ acao: 'relatorio.gerado', entidade: 'relatorio', entidadeId: 'R-1', detalhes: { paginas: 4 } });
audit.log({
  acao: AcaoAuditoria.BACKUP_CRIADO,
  entidade: 'backup',
  entidadeId: 'B-1',
  detalhes: { bytes: 2048 },
});
audit.sessaoEncerrada(42);

await loggerProvider.shutdown(); // flushes everything emitted above

const client = new MongoClient(connectionString);
try {
  const collection = client.db(database).collection('audit');
  const stored = await collection
    .find({ timestamp: { $gte: startedAt } })
    .sort({ timestamp: 1, _id: 1 })
    .toArray();
  console.log(`Server: ${redactConnectionString(connectionString)}  database: ${database}`);
  console.log(`audit: ${stored.length} new document(s)`);
  for (const doc of stored) {
    console.log(
      `  ${doc.timestamp.toISOString()} ${doc.acao} ${doc.entidade}/${doc.entidade_id} usuario=${doc.usuario_id} detalhes=${JSON.stringify(doc.detalhes)}`,
    );
  }
  // One entity's history, newest first (`_id` orders events of the same millisecond).
  const history = await collection
    .find({ entidade: 'questao', entidade_id: '101' })
    .sort({ timestamp: -1, _id: -1 })
    .project({ _id: 0, acao: 1, usuario_id: 1 })
    .toArray();
  console.log('history of questao/101:', history);
  console.log('audit stats:', audit.getStats(), 'exporter stats:', exporter.getStats());
} finally {
  await client.close();
}
