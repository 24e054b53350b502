import type { Db } from 'mongodb';
import { runCli } from '../../../src/cli/program';
import { captureOutput } from './output';
import { DAY, fingerprintOf, HOUR, storeErrors } from './seed-groups';

/** The groups {@link seedGroupStates} stores, by their stored fingerprint. */
export interface SeededStates {
  /** shop: seen in 1.0.0 3 h ago, resolved (in 1.0.0) by `resolve`, then seen in 1.1.0: regressed. */
  regressed: string;
  /** shop: seen 2 days ago and 1 h ago, no decision: ongoing over the last 24 h. */
  ongoing: string;
  /** shop: seen 3 days ago only, resolved by `resolve`: resolved, with no occurrence in 24 h. */
  quietResolved: string;
  /**
   * Seen 2 days ago and 1 h ago in documents without `app_nome` (written before it existed):
   * triage's app `''`, the report's "(unknown app)"; no decision: ongoing.
   */
  legacyOngoing: string;
}

const ago = (ms: number) => new Date(Date.now() - ms);

/**
 * Error groups in four states, stored through the package (MongoLogRecordExporter) and decided
 * with the CLI's `resolve`, as an operator would. The only write by hand: `app_nome` is removed
 * from the legacy group's documents, since the package always writes it and older versions did not.
 */
export async function seedGroupStates(uri: string, name: string, db: Db): Promise<SeededStates> {
  const resolve = async (fingerprint: string) => {
    const output = captureOutput();
    const code = await runCli(
      ['resolve', fingerprint, '--connection-string', uri, '--database', name],
      output,
      '0.0.0',
    );
    if (code !== 0) throw new Error(`resolve ${fingerprint} failed: ${output.err()}`);
  };
  const shop = (version: string) => ({ app: 'shop', version });

  await storeErrors(uri, name, shop('1.0.0'), [{ group: 'comes-back', at: ago(3 * HOUR) }]);
  await storeErrors(uri, name, shop('1.0.0'), [
    { group: 'still-open', at: ago(2 * DAY) },
    { group: 'still-open', at: ago(HOUR) },
  ]);
  await storeErrors(uri, name, shop('1.0.0'), [{ group: 'fixed-quiet', at: ago(3 * DAY) }]);
  await storeErrors(uri, name, { app: 'legacy', version: '0.9.0' }, [
    { group: 'legacy-open', at: ago(2 * DAY) },
    { group: 'legacy-open', at: ago(HOUR) },
  ]);
  const seeded: SeededStates = {
    regressed: await fingerprintOf(db, 'comes-back'),
    ongoing: await fingerprintOf(db, 'still-open'),
    quietResolved: await fingerprintOf(db, 'fixed-quiet'),
    legacyOngoing: await fingerprintOf(db, 'legacy-open'),
  };
  await db.collection('errors').updateMany({ app_nome: 'legacy' }, { $unset: { app_nome: '' } });

  await resolve(seeded.regressed);
  await resolve(seeded.quietResolved);
  // After the resolution (in 1.0.0, the latest version seen), an occurrence from 1.1.0.
  await new Promise((done) => setTimeout(done, 5));
  await storeErrors(uri, name, shop('1.1.0'), [{ group: 'comes-back', at: new Date() }]);
  return seeded;
}
