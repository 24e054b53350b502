import { DiagLogLevel } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { MongoWriter } from '../../src/storage/mongo-writer';
import { TTL_INDEX_NAME } from '../../src/storage/retention';
import { useTestDatabase } from '../support/database';
import { captureDiag } from '../support/diag';
import { captureOutput } from './support/output';
import { resolveOptions } from '../../src/shared-options/shared-options';

const database = useTestDatabase('cli_indexes');
const diagOutput = captureDiag(DiagLogLevel.WARN);
let serverHasTtl = true;

beforeAll(async () => {
  const info = await database.db.admin().command({ buildInfo: 1 });
  serverHasTtl = info.ferretdbVersion === undefined;
});

async function indexes(...args: string[]) {
  const output = captureOutput();
  const code = await runCli(
    ['indexes', '--connection-string', database.uri, '--database', database.name, ...args],
    output,
    '0.0.0',
  );
  return { code, out: output.out(), err: output.err() };
}

async function indexNames(collection: string): Promise<string[]> {
  return (await database.db.collection(collection).listIndexes().toArray()).map((i) => String(i.name)).sort();
}

describe('indexes command', () => {
  it("creates the plan's indexes and the fingerprint index, then a second run creates nothing", async () => {
    const first = await indexes();
    expect(first.code).toBe(0);
    expect(first.err).toBe('');
    expect(await indexNames('errors')).toEqual([
      '_id_',
      'erro.fingerprint_1_timestamp_-1',
      'erro.tipo_1',
      'maquina_id_1_timestamp_-1',
      'timestamp_-1',
    ]);
    expect(await indexNames('audit')).toEqual(['_id_', 'acao_1_timestamp_-1', 'timestamp_-1']);
    expect(await indexNames('metrics')).toEqual(['_id_', 'maquina_id_1_timestamp_-1', 'timestamp_-1']);
    expect(first.out).toMatch(
      /^ {2}created {2}erro\.fingerprint_1_timestamp_-1 +\{"erro\.fingerprint":1,"timestamp":-1\}$/m,
    );

    const second = await indexes('--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.out) as { collections: { collection: string; created: string[] }[] };
    expect(report.collections.map((c) => c.collection)).toEqual(['errors', 'audit', 'metrics']);
    expect(report.collections.every((c) => c.created.length === 0)).toBe(true);
  });

  it('--retention-days adds a TTL index and a later change updates it with collMod, or says clearly the server has no TTL', async () => {
    const first = await indexes('--retention-days', '30');
    if (!serverHasTtl) {
      // FerretDB 1.24: `expireAfterSeconds` is not implemented. The plan's indexes are still made.
      expect(first.code).toBe(1);
      expect(first.err).toMatch(
        /^opentelemetry-exporter-mongodb: retention not applied: this server cannot keep TTL indexes, so documents in errors are not deleted after 30 days .*\n$/,
      );
      expect(await indexNames('errors')).not.toContain(TTL_INDEX_NAME);
      expect(await indexNames('errors')).toContain('erro.fingerprint_1_timestamp_-1');
      return;
    }
    expect(first.code).toBe(0);
    expect(first.out).toContain('retention: documents older than 30 days are deleted (TTL index created)');
    const ttl = async (collection: string) =>
      (await database.db.collection(collection).listIndexes().toArray()).find(
        (i) => i.name === TTL_INDEX_NAME,
      )?.expireAfterSeconds as number | undefined;
    for (const collection of ['errors', 'audit', 'metrics']) expect(await ttl(collection)).toBe(30 * 86_400);
    const changed = await indexes('--retention-days', '90');
    expect(changed.code).toBe(0);
    expect(changed.out).toContain('retention: changed from 30 days to 90 days (collMod)');
    expect(await ttl('audit')).toBe(90 * 86_400);
    expect((await indexes('--retention-days', '90')).out).toContain('retention: 90 days, unchanged');
    expect((await indexes('--retention-days', '0')).out).toContain('retention: removed (was 90 days)');
    expect(await ttl('metrics')).toBeUndefined();
  });

  it('refuses a retention that is not a whole number of days, naming the flag', async () => {
    const result = await indexes('--retention-days', 'soon');
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("option '--retention-days <days>' argument 'soon' is invalid");
  });

  it('the writer with retentionDays still writes when the server has no TTL indexes, and says so once', async () => {
    const writer = new MongoWriter(
      resolveOptions(
        { connectionString: database.uri, database: database.name, retentionDays: 14, spoolDir: false },
        {},
      ),
    );
    try {
      await writer.insert('audit', [{ _id: 'retention-1', acao: 'questao.criada', timestamp: new Date() }]);
      await writer.insert('audit', [{ _id: 'retention-2', acao: 'questao.criada', timestamp: new Date() }]);
    } finally {
      await writer.close();
    }
    expect(
      await database.db
        .collection('audit')
        .countDocuments({ _id: { $in: ['retention-1', 'retention-2'] } } as never),
    ).toBe(2);
    const warnings = diagOutput.lines.filter((line) => line.includes('retentionDays'));
    expect(warnings).toHaveLength(serverHasTtl ? 0 : 1);
  });
});
