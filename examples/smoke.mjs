// A manual check of a deployment: each part writes through the real pipeline, then the
// database is asked whether it arrived. Prints OK or FAILED per part and what was stored;
// exits 1 if any part failed. Plain JavaScript, so that it also runs from the installed package
// (Node does not strip types in node_modules):
//
//   MONGODB_URI=... node examples/smoke.mjs    (in this repository)
//   MONGODB_URI=... node node_modules/opentelemetry-exporter-mongodb/examples/smoke.mjs    (in your app)
import { MongoClient } from 'mongodb';
import { getMachineId, redactConnectionString, setupTelemetry } from 'opentelemetry-exporter-mongodb';

const uri = process.env.MONGODB_CONNECTION_STRING || process.env.MONGODB_URI;
const database = process.env.MONGODB_DATABASE || 'mathbank_logs';
if (!uri) {
  console.error('smoke: set MONGODB_CONNECTION_STRING or MONGODB_URI');
  process.exit(2);
}
const marker = `smoke-${Date.now()}`;
/** @type {boolean[]} */
const results = [];
/**
 * @param {string} part
 * @param {boolean} ok
 * @param {string} detail
 */
function check(part, ok, detail) {
  results.push(ok);
  console.log(`${ok ? 'OK    ' : 'FAILED'} ${part}: ${detail}`);
}

console.log(`Smoke test against ${redactConnectionString(uri)}, database ${database}`);
const machineId = getMachineId();
check('1. machine id', /^[0-9a-f]{16}$/.test(machineId), machineId);

const telemetry = await setupTelemetry({
  connectionString: uri,
  database,
  installGlobalHandlers: false,
  shutdownOnExit: false,
});
telemetry.audit.questaoCriada(marker, 'Questão de teste do smoke', 'OBJETIVA');
telemetry.metrics.increment('teste', 5);
await telemetry.metrics.timeOperation(
  'operacao_teste',
  () => new Promise((resolve) => setTimeout(resolve, 100)),
);
telemetry.errors.report(new Error(`erro de teste ${marker}`), { origem: 'smoke' });
await telemetry.shutdown();

const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
try {
  const db = client.db(database);
  const audit = await db.collection('audit').findOne({ entidade_id: marker });
  check(
    '2. audit',
    audit?.acao === 'questao.criada',
    audit ? `${audit.acao} ${audit.entidade}/${audit.entidade_id}` : 'not found',
  );

  const session = await db
    .collection('metrics')
    .findOne({ 'contadores.teste': 5, maquina_id: machineId }, { sort: { timestamp: -1 } });
  const timing = session?.timings?.operacao_teste;
  check(
    '3. metrics',
    session?.tipo === 'SESSAO' && timing?.count === 1 && timing.min_ms >= 90,
    session
      ? `contadores ${JSON.stringify(session.contadores)}, timings ${JSON.stringify(session.timings)}`
      : 'not found',
  );

  const error = await db.collection('errors').findOne({ 'erro.mensagem': `erro de teste ${marker}` });
  check(
    '4. error reporter',
    error?.nivel === 'CRITICAL',
    error ? `${error.nivel} ${error.erro.tipo}: ${error.erro.mensagem}` : 'not found',
  );
} finally {
  await client.close();
}
const failed = results.filter((ok) => !ok).length;
console.log(failed === 0 ? 'All parts OK.' : `${failed} part(s) FAILED.`);
process.exitCode = failed === 0 ? 0 : 1;
