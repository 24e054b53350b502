// Prints what the three collections hold: counts and the latest documents, briefly.
// Run: MONGODB_URI=... node examples/summary.ts
import { MongoClient } from 'mongodb';
import { redactConnectionString } from 'opentelemetry-exporter-mongodb';

const uri = process.env.MONGODB_CONNECTION_STRING || process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017/';
const database = process.env.MONGODB_DATABASE || 'mathbank_logs';
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });

try {
  const db = client.db(database);
  console.log(`\n${redactConnectionString(uri)} database ${database}`);

  const errors = db.collection('errors');
  console.log(`\nerrors: ${await errors.countDocuments()} document(s); latest:`);
  for (const doc of await errors.find().sort({ timestamp: -1 }).limit(3).toArray()) {
    const where = doc.erro.arquivo
      ? ` at ${doc.erro.funcao ?? '?'} (${doc.erro.arquivo}:${doc.erro.linha})`
      : '';
    console.log(
      `  ${doc.timestamp.toISOString()} ${doc.nivel} ${doc.erro.tipo ?? '-'}: ${doc.erro.mensagem}${where}`,
    );
    console.log(
      `    logger ${doc.logger_name}, maquina ${doc.maquina_id}, app ${doc.app_version}, contexto ${JSON.stringify(doc.contexto)}`,
    );
  }

  const audit = db.collection('audit');
  console.log(`\naudit: ${await audit.countDocuments()} document(s); latest:`);
  for (const doc of await audit.find().sort({ timestamp: -1 }).limit(6).toArray()) {
    console.log(
      `  ${doc.timestamp.toISOString()} ${doc.acao} ${doc.entidade}/${doc.entidade_id} by ${doc.usuario_id ?? '-'} ${JSON.stringify(doc.detalhes)}`,
    );
  }

  const metrics = db.collection('metrics');
  console.log(`\nmetrics: ${await metrics.countDocuments()} session document(s); latest:`);
  const session = await metrics.find().sort({ timestamp: -1 }).limit(1).next();
  if (session) {
    console.log(
      `  ${session.tipo} ${session.sessao.inicio.toISOString()} → ${session.sessao.fim.toISOString()} (${session.sessao.duracao_segundos} s)`,
    );
    console.log(`  contadores ${JSON.stringify(session.contadores)}`);
    console.log(`  timings ${JSON.stringify(session.timings)}`);
  }
} finally {
  await client.close();
}
