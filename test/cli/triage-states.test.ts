import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { readGroupStates, type GroupStateEntry } from '../../src/triage/read-group-states';
import { useTestDatabase } from '../support/database';
import { captureOutput } from './support/output';
import { DAY, fingerprintOf, HOUR, MINUTE, series, storeErrors } from './support/seed-groups';

const database = useTestDatabase('cli_triage');
const NAMES = { errors: 'errors', groups: 'error_groups' };

async function cli(...args: string[]) {
  const output = captureOutput();
  const code = await runCli(
    [...args, '--connection-string', database.uri, '--database', database.name],
    output,
    '0.0.0',
  );
  return { code, out: output.out(), err: output.err() };
}

const store = (app: string, version: string, group: string, at: Date) =>
  storeErrors(database.uri, database.name, { app, version }, [{ group, at }]);
const ago = (ms: number) => new Date(Date.now() - ms);
/** Just after now: an occurrence that comes after a decision the CLI took a moment ago. */
const justNow = async () => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return new Date();
};

async function stateOf(app: string, fingerprint: string, window: { since?: Date; until?: Date } = {}) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const states = await readGroupStates(database.db, NAMES, { since: window.since ?? ago(DAY), ...window });
  const entry = states.find((state) => state.app === app && state.fingerprint === fingerprint);
  if (!entry) throw new Error(`no state for ${app}/${fingerprint}`);
  return entry;
}

describe('resolve and regressions', () => {
  it.each(['1.1.0', '1.2.0'])(
    'resolved in 1.1.0: an occurrence from 1.0.0 keeps it resolved, one from %s regresses it',
    async (regressing) => {
      const group = `regress-${regressing}`;
      await store('checkout', '1.0.0', group, ago(3 * HOUR));
      await store('checkout', '1.1.0', group, ago(2 * HOUR));
      const fingerprint = await fingerprintOf(database.db, group);
      const resolved = await cli('resolve', fingerprint, '--in-version', '1.1.0');
      expect(resolved).toMatchObject({ code: 0, err: '' });
      expect(resolved.out).toContain(`resolved ${fingerprint} (app checkout) in 1.1.0`);
      expect((await stateOf('checkout', fingerprint)).state).toBe('resolved');

      // A machine still on 1.0.0 hits the bug after the resolution: not a regression.
      await store('checkout', '1.0.0', group, await justNow());
      expect(await stateOf('checkout', fingerprint)).toMatchObject({
        state: 'resolved',
        resolvedIn: '1.1.0',
      });

      const at = await justNow();
      await store('checkout', regressing, group, at);
      expect(await stateOf('checkout', fingerprint)).toMatchObject({
        state: 'regressed',
        resolvedIn: '1.1.0',
        regressedIn: regressing,
        regressedAt: at,
      });
    },
  );

  it('resolve without --in-version takes the latest version seen in semver order (1.10.0 after 1.9.0)', async () => {
    await store('checkout', '1.10.0', 'latest', ago(3 * HOUR));
    await store('checkout', '1.9.0', 'latest', ago(2 * HOUR));
    const fingerprint = await fingerprintOf(database.db, 'latest');
    const result = await cli('resolve', fingerprint);
    expect(result.code).toBe(0);
    expect(result.out).toContain('in 1.10.0');
    expect(await stateOf('checkout', fingerprint)).toMatchObject({ state: 'resolved', resolvedIn: '1.10.0' });
  });

  it('non-semver versions are ordered by first seen: an older build keeps it resolved, a build first seen later regresses it', async () => {
    // "nightly-b" is first seen before "nightly-a": by name it would be the newer one, by time it is older.
    await store('desktop', 'nightly-b', 'builds', ago(3 * HOUR));
    await store('desktop', 'nightly-a', 'builds', ago(2 * HOUR));
    const fingerprint = await fingerprintOf(database.db, 'builds');
    expect((await cli('resolve', fingerprint)).out).toContain('in nightly-a');

    await store('desktop', 'nightly-b', 'builds', await justNow());
    expect((await stateOf('desktop', fingerprint)).state).toBe('resolved');

    await store('desktop', 'nightly-c', 'builds', await justNow());
    expect(await stateOf('desktop', fingerprint)).toMatchObject({
      state: 'regressed',
      regressedIn: 'nightly-c',
    });
  });

  it('the commands create the index of error_groups once: later commands leave it as it is', async () => {
    await store('checkout', '1.0.0', 'index', ago(HOUR));
    const fingerprint = await fingerprintOf(database.db, 'index');
    await cli('resolve', fingerprint);
    await cli('ignore', fingerprint);
    await cli('reopen', fingerprint);
    const keys = (await database.db.collection('error_groups').listIndexes().toArray()).map((i) => i.key);
    expect(keys).toEqual([{ _id: 1 }, { fingerprint: 1, app_nome: 1 }]);
  });

  it('resolving again after a regression makes it resolved again, until the next regression', async () => {
    await store('checkout', '2.0.0', 'twice', ago(HOUR));
    const fingerprint = await fingerprintOf(database.db, 'twice');
    await cli('resolve', fingerprint);
    await store('checkout', '2.0.0', 'twice', await justNow());
    expect((await stateOf('checkout', fingerprint)).state).toBe('regressed');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await cli('resolve', fingerprint);
    expect((await stateOf('checkout', fingerprint)).state).toBe('resolved');
  });
});

describe('ignore and reopen', () => {
  it('ignore --until-count 3: ignored through 2 more occurrences, back to its computed state at the third', async () => {
    await store('checkout', '1.0.0', 'count', ago(2 * HOUR));
    const fingerprint = await fingerprintOf(database.db, 'count');
    const result = await cli('ignore', fingerprint, '--until-count', '3');
    expect(result.out).toContain('until 3 more occurrence(s)');
    const window = { since: ago(HOUR) };
    await store('checkout', '1.0.0', 'count', await justNow());
    await store('checkout', '1.0.0', 'count', await justNow());
    expect(await stateOf('checkout', fingerprint, window)).toMatchObject({
      state: 'ignored',
      ignoreUntilCount: 3,
    });
    await store('checkout', '1.0.0', 'count', await justNow());
    expect((await stateOf('checkout', fingerprint, window)).state).toBe('ongoing');
  });

  it('ignore --until DATE: ignored before the date, back to its computed state from the date on', async () => {
    await store('checkout', '1.0.0', 'date', ago(2 * HOUR));
    const fingerprint = await fingerprintOf(database.db, 'date');
    expect((await cli('ignore', fingerprint, '--until', '2099-01-01')).code).toBe(0);
    expect((await stateOf('checkout', fingerprint)).state).toBe('ignored');
    const after = { since: ago(HOUR), until: new Date('2099-01-01T00:00:00Z') };
    expect((await stateOf('checkout', fingerprint, after)).state).toBe('ongoing');
  });

  it('ignore with neither condition stays ignored; reopen clears it and the state is computed again', async () => {
    await store('checkout', '1.0.0', 'reopen', ago(2 * HOUR));
    const fingerprint = await fingerprintOf(database.db, 'reopen');
    await cli('ignore', fingerprint);
    for (let i = 0; i < 3; i++) await store('checkout', '1.0.0', 'reopen', await justNow());
    expect((await stateOf('checkout', fingerprint, { since: ago(HOUR) })).state).toBe('ignored');
    const reopened = await cli('reopen', fingerprint);
    expect(reopened).toMatchObject({ code: 0, out: `reopened ${fingerprint} (app checkout)\n` });
    expect((await stateOf('checkout', fingerprint, { since: ago(HOUR) })).state).toBe('ongoing');
    const stored = await database.db.collection('error_groups').findOne({ fingerprint });
    expect(stored).toMatchObject({ estado: 'aberto', app_nome: 'checkout' });
    expect(stored).not.toHaveProperty('ignorado_em');
  });

  it('--until-count and --until together are refused, naming both', async () => {
    await store('checkout', '1.0.0', 'both', ago(HOUR));
    const fingerprint = await fingerprintOf(database.db, 'both');
    const result = await cli('ignore', fingerprint, '--until-count', '2', '--until', '7d');
    expect(result.code).toBe(1);
    expect(result.err).toContain('--until-count and --until: give one of them, not both');
  });
});

describe('naming a group', () => {
  it('a fingerprint never seen: exit 1 with a message naming it, and nothing written', async () => {
    const result = await cli('resolve', '00000000deadbeef');
    expect(result.code).toBe(1);
    expect(result.err).toContain('no error group has the fingerprint "00000000deadbeef"');
    expect(
      await database.db.collection('error_groups').countDocuments({ fingerprint: '00000000deadbeef' }),
    ).toBe(0);
  });

  it('a fingerprint in two apps without --app: exit 1 listing both apps; with --app only that group changes', async () => {
    await store('alpha', '1.0.0', 'shared', ago(HOUR));
    await store('beta', '1.0.0', 'shared', ago(HOUR));
    const fingerprint = await fingerprintOf(database.db, 'shared');
    const ambiguous = await cli('resolve', fingerprint);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toContain(
      `the fingerprint ${fingerprint} is seen in 2 apps: "alpha", "beta"; choose one with --app`,
    );
    const wrongApp = await cli('resolve', fingerprint, '--app', 'gamma');
    expect(wrongApp.code).toBe(1);
    expect(wrongApp.err).toContain('--app "gamma"');

    expect((await cli('resolve', fingerprint, '--app', 'beta')).code).toBe(0);
    expect((await stateOf('beta', fingerprint)).state).toBe('resolved');
    expect((await stateOf('alpha', fingerprint)).state).toBe('new');
  });

  it('documents without app_nome (written before it existed) are the app "unknown" for resolve and the reader', async () => {
    await store('legacy', '1.0.0', 'old', ago(2 * HOUR));
    const fingerprint = await fingerprintOf(database.db, 'old');
    await database.db
      .collection('errors')
      .updateMany({ 'erro.fingerprint': fingerprint }, { $unset: { app_nome: '' } });
    const result = await cli('resolve', fingerprint, '--app', 'unknown');
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain('(app unknown)');
    expect(await stateOf('', fingerprint)).toMatchObject({ state: 'resolved', resolvedIn: '1.0.0' });
  });
});

describe('computed states without a decision', () => {
  it('new when first seen in the window, ongoing when first seen before it', async () => {
    await store('web', '1.0.0', 'fresh', ago(30 * MINUTE));
    await store('web', '1.0.0', 'known', ago(3 * DAY));
    await store('web', '1.0.0', 'known', ago(30 * MINUTE));
    const fresh = await stateOf('web', await fingerprintOf(database.db, 'fresh'));
    const known: GroupStateEntry = await stateOf('web', await fingerprintOf(database.db, 'known'));
    expect(fresh).toMatchObject({ state: 'new', count: 1 });
    expect(known).toMatchObject({ state: 'ongoing', count: 1 });
    expect(known.firstSeen?.getTime()).toBeLessThan(ago(2 * DAY).getTime());
  });

  it('escalating: 12 in the last hour (a storm summary counted by ocorrencias) against 7 in the 7 days before; not against 420', async () => {
    const now = new Date();
    const lastHour = (group: string) => series(group, new Date(now.getTime() - 30 * MINUTE), 12);
    const before = (group: string, count: number, step: number) =>
      series(group, new Date(now.getTime() - 7 * DAY), count, step);
    // One exporter per series: the storm guard folds each series' records beyond 10 into one
    // summary at its last record's time, so a summary stays in the period of its series.
    const web = { app: 'web', version: '1.0.0' };
    await storeErrors(database.uri, database.name, web, before('hot', 7, DAY));
    await storeErrors(database.uri, database.name, web, lastHour('hot'));
    await storeErrors(database.uri, database.name, web, before('steady', 420, 20 * MINUTE));
    await storeErrors(database.uri, database.name, web, lastHour('steady'));
    const hot = await fingerprintOf(database.db, 'hot');
    expect(
      await database.db
        .collection('errors')
        .countDocuments({ 'erro.fingerprint': hot, ocorrencias: { $gt: 1 } }),
    ).toBeGreaterThan(0);
    expect(await stateOf('web', hot, { since: ago(2 * HOUR) })).toMatchObject({
      state: 'escalating',
      lastHour: 12,
      previousSevenDays: 7,
    });
    const steady = await stateOf('web', await fingerprintOf(database.db, 'steady'), { since: ago(2 * HOUR) });
    expect(steady).toMatchObject({ state: 'ongoing', lastHour: 12, previousSevenDays: 420 });
  });
});
