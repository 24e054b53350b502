import { MongoClient } from 'mongodb';
const c = new MongoClient(process.argv[2]); await c.connect();
const db = c.db('prof'); const col = db.collection('errors');
const N = 20000, HOUR = 3600000, now = Date.now();
if (await col.estimatedDocumentCount() < N) {
  for (let s = 0; s < N; s += 5000) await col.insertMany(Array.from({length: 5000}, (_, k) => { const i = s + k; const g = i % 60; return {timestamp: new Date(now - (i % 1000) * 60000), maquina_id: String(i % 2000), app_version: String(i % 6), erro: {tipo: 'T' + (g % 6), mensagem: 'm' + g, ...(g < 48 ? {fingerprint: 'fp' + g} : {})}, ...(i % 100 === 99 ? {ocorrencias: 50} : {})}; }));
  await col.createIndex({timestamp: -1}); await col.createIndex({'erro.fingerprint': 1, timestamp: -1});
}
const from = new Date(now - 24 * HOUR), to = new Date(now + 1000);
const t = async (n, f) => { const s = performance.now(); const r = await f(); console.log(n, Math.round(performance.now() - s), 'ms', Array.isArray(r) ? r.length : ''); };
const m = {timestamp: {$gte: from, $lt: to}, 'erro.fingerprint': {$exists: true, $ne: null}};
await t('count', () => col.countDocuments({timestamp: {$gte: from, $lt: to}}));
await t('match only', () => col.aggregate([{$match: m}, {$count: 'n'}]).toArray());
await t('group fp', () => col.aggregate([{$match: m}, {$group: {_id: '$erro.fingerprint', n: {$sum: 1}}}]).toArray());
await t('group fp,s,t', () => col.aggregate([{$match: m}, {$group: {_id: {k: {f: '$erro.fingerprint'}, s: '$ocorrencias', t: '$erro.tipo'}, n: {$sum: 1}}}]).toArray());
await t('group machines 2 stages', () => col.aggregate([{$match: m}, {$group: {_id: {k: {f: '$erro.fingerprint'}, m: '$maquina_id'}}}, {$group: {_id: '$_id.k', machines: {$sum: 1}}}]).toArray());
await t('group versions', () => col.aggregate([{$match: m}, {$group: {_id: {k: {f: '$erro.fingerprint'}, v: '$app_version'}, n: {$sum: 1}}}]).toArray());
await t('legacy group', () => col.aggregate([{$match: {timestamp: {$gte: from, $lt: to}, 'erro.fingerprint': null}}, {$group: {_id: {k: {t: '$erro.tipo', m: '$erro.mensagem'}, s: '$ocorrencias'}, n: {$sum: 1}}}]).toArray());
await t('findOne sorted', () => col.findOne({'erro.fingerprint': 'fp3', timestamp: {$gte: from, $lt: to}}, {sort: {timestamp: 1}}));
await t('findOne unsorted', () => col.findOne({'erro.fingerprint': 'fp3', timestamp: {$gte: from, $lt: to}}));
await t('stream projection', () => col.find({timestamp: {$gte: from, $lt: to}}, {projection: {_id: 0, timestamp: 1, 'erro.fingerprint': 1, ocorrencias: 1}}).toArray());
await c.close();
