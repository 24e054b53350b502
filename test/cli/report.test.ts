import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import type { Report } from '../../src/report/types';
import { useTestDatabase } from '../support/database';
import { captureOutput } from './support/output';
import {
  G1_MESSAGE,
  G2_MESSAGE,
  MACHINES,
  seedFleet,
  type SeededFleet,
  STORM_REPORTS,
} from './support/seed-fleet';
import { seedGroupStates, type SeededStates } from './support/seed-states';

const database = useTestDatabase('cli_report');
let fleet: SeededFleet;

beforeAll(async () => {
  fleet = await seedFleet(database.uri, database.db);
});

async function report(...args: string[]) {
  const output = captureOutput();
  const code = await runCli(
    ['report', '--connection-string', database.uri, '--database', database.name, ...args],
    output,
    '0.0.0',
  );
  return { code, out: output.out(), err: output.err() };
}

async function jsonReport(...args: string[]): Promise<Report> {
  const result = await report('--json', ...args);
  expect(result.code).toBe(0);
  expect(result.err).toBe('');
  return JSON.parse(result.out) as Report;
}

const byTipo = (data: Report, tipo: string) => data.errors.groups.find((group) => group.tipo === tipo)!;

describe('report over a fleet seeded through the package', () => {
  it('error groups of the last 24 h: occurrences (a storm summary counts its ocorrencias), machines, versions, first/last seen, sample', async () => {
    const data = await jsonReport();
    expect(data.empty).toBe(false);
    // The storm guard folded part of machine 2's 60 reports into summary documents.
    const errors = database.db.collection('errors');
    const g1Documents = await errors.countDocuments({
      'erro.mensagem': G1_MESSAGE,
      timestamp: { $gte: new Date(fleet.now.getTime() - 24 * 3_600_000) },
    });
    expect(
      await errors.countDocuments({ 'erro.mensagem': G1_MESSAGE, ocorrencias: { $gt: 1 } }),
    ).toBeGreaterThan(0);
    expect(g1Documents).toBeLessThan(6 + STORM_REPORTS);
    expect(
      data.errors.groups.map((group) => [group.tipo, group.occurrences, group.documents, group.machines]),
    ).toEqual([
      ['TypeError', 6 + STORM_REPORTS, g1Documents, 3],
      ['RangeError', 2, 2, 1],
      ['SyntaxError', 1, 1, 1],
    ]);
    expect(data.errors.occurrences).toBe(6 + STORM_REPORTS + 2 + 1);
    expect(data.errors.documents).toBe(g1Documents + 2 + 1);
    const g1 = byTipo(data, 'TypeError');
    expect(g1.versions).toEqual(['1.0.0', '1.1.0']);
    // First seen: 3 h ago (the reports); last seen: the summary's `ultima`, 90 min ago.
    expect(new Date(g1.firstSeen!).getTime()).toBe(fleet.now.getTime() - 3 * 3_600_000);
    expect(new Date(g1.lastSeen!).getTime()).toBe(fleet.now.getTime() - 90 * 60_000);
    expect(g1.sample).toMatchObject({
      mensagem: G1_MESSAGE,
      funcao: 'abrirQuestao',
      linha: expect.any(Number),
    });
    expect(g1.sample?.arquivo).toMatch(/seed-fleet\.ts$/);
    expect(byTipo(data, 'RangeError').versions).toEqual(['1.1.0']);
  });

  it('new since the previous window: groups first seen now, and groups 1.1.0 has that 1.0.0 had not', async () => {
    const data = await jsonReport();
    const g2 = byTipo(data, 'RangeError');
    // G1 and G3 occurred 30 h ago (previous window), G2 never before.
    expect(data.errors.newGroups).toEqual([g2.id]);
    expect(data.errors.newInVersion).toEqual([
      { app: 'unknown_service', version: '1.1.0', previousVersion: '1.0.0', groups: [g2.id] },
    ]);
    const text = (await report()).out;
    // Named with app, location and fingerprint: two groups alike in type and message differ there.
    const g2Name = `unknown_service: RangeError: ${G2_MESSAGE} at ${g2.sample!.arquivo}:${g2.sample!.linha} (listarPaginas) [fingerprint ${(g2.key as { fingerprint: string }).fingerprint}]`;
    expect(text).toContain(`1 error group(s) first seen in this window:\n    ${g2Name}  (2)`);
    expect(text).toContain(
      `unknown_service version 1.1.0 has 1 error group(s) that 1.0.0 did not:\n    ${g2Name}\n`,
    );
  });

  it('a wider window has the previous-window occurrences too, and then every group is new', async () => {
    const data = await jsonReport('--since', '7d');
    expect(byTipo(data, 'TypeError').occurrences).toBe(7 + STORM_REPORTS);
    expect(byTipo(data, 'SyntaxError')).toMatchObject({ occurrences: 2, machines: 2 });
    expect(data.errors.newGroups).toHaveLength(3);
  });

  it('audit events per action, most frequent first', async () => {
    const data = await jsonReport();
    expect(data.audit.events).toBe(6);
    expect(data.audit.actions).toEqual([
      { acao: 'questao.criada', count: 2 },
      { acao: 'lista.criada', count: 1 },
      { acao: 'lista.exportada', count: 1 },
      { acao: 'questao.editada', count: 1 },
      { acao: 'questao.inativada', count: 1 },
    ]);
    expect(data.audit.history).toBeUndefined();
  });

  it('--entity lists one entity’s history oldest first, across users and machines; --user one user’s', async () => {
    const entity = await jsonReport('--entity', 'questao:q-101');
    expect(entity.audit.history?.events.map((e) => [e.acao, e.usuario_id, e.maquina_id])).toEqual([
      ['questao.criada', 'ana', MACHINES[0].id],
      ['questao.editada', 'ana', MACHINES[0].id],
      ['questao.inativada', 'bruno', MACHINES[1].id],
    ]);
    expect(entity.audit.history?.events[2]?.detalhes).toEqual({ motivo: 'duplicada' });
    const user = await jsonReport('--user', 'bruno');
    expect(user.audit.history?.events.map((e) => [e.acao, e.entidade_id])).toEqual([
      ['questao.criada', 'q-102'],
      ['questao.inativada', 'q-101'],
    ]);
    const text = (await report('--entity', 'questao:q-101')).out;
    expect(text).toMatch(
      /HISTORY of questao:q-101 \(oldest first\): 3 events\n.*questao\.criada {2}questao:q-101 {2}user ana/,
    );
  });

  it('sessions over 7 days: per day, median and p95 duration, counter totals, timings merged with a weighted average', async () => {
    const data = await jsonReport('--since', '7d');
    const days = fleet.sessionStarts.map((start) => start.toISOString().slice(0, 10));
    const perDay = new Map<string, number>();
    for (const day of days) perDay.set(day, (perDay.get(day) ?? 0) + 1);
    expect(data.sessions.sessions).toBe(5);
    expect(data.sessions.perDay).toEqual(
      [...perDay.entries()].sort().map(([day, count]) => ({ day, count })),
    );
    // Durations 60, 120, 300, 600, 3600 s: median 300, p95 (nearest rank) 3600.
    expect(data.sessions.durationSeconds).toEqual({ median: 300, p95: 3600, max: 3600 });
    expect(data.sessions.counters).toEqual([{ name: 'questoes_criadas', total: 1 + 2 + 3 + 4 + 5 }]);
    // 10, 20, 30, 40, 50, 60, 70 ms across five sessions: count 7, average 40.
    expect(data.sessions.timings).toEqual([
      { name: 'criar_questao', count: 7, min_ms: 10, max_ms: 70, avg_ms: 40 },
    ]);
    const text = (await report('--since', '7d')).out;
    expect(text).toContain('SESSIONS: 5\n  duration: median 5 min 0 s, p95 1 h 0 min, longest 1 h 0 min');
    expect(text).toMatch(/criar_questao +7 +10\.00 +40\.00 +70\.00/);
    expect(text).toMatch(/questoes_criadas +15/);
  });

  it('the text report lists the groups with their numbers, type, message and location', async () => {
    const { code, out, err } = await report();
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^Report of test_cli_report_\w+, since 24h: /);
    expect(out).toMatch(new RegExp(`ERRORS: ${6 + STORM_REPORTS + 3} occurrences \\(\\d+ documents\\)`));
    expect(out).toMatch(new RegExp(`^ +1 +${6 + STORM_REPORTS} +3 +1\\.0\\.0, 1\\.1\\.0 `, 'm'));
    expect(out).toContain(`TypeError: ${G1_MESSAGE}`);
    expect(out).toMatch(/at .*seed-fleet\.ts:\d+ \(abrirQuestao\)/);
    expect(out).toMatch(/AUDIT: 6 events\n {2}questao\.criada +2\n/);
  });

  it('charts data: occurrences per time bucket of the top groups add up to their occurrences', async () => {
    const data = await jsonReport();
    const series = data.errors.timeline.series;
    expect(series.map((s) => s.label.split(': ').slice(0, 2).join(': '))).toEqual([
      'unknown_service: TypeError',
      'unknown_service: RangeError',
      'unknown_service: SyntaxError',
    ]);
    // Each series is named whole: its location and fingerprint, as in the group's row.
    for (const [index, s] of series.entries()) {
      const group = data.errors.groups[index]!;
      expect(s.label).toContain(` at ${group.sample!.arquivo}:${group.sample!.linha} `);
      expect(s.label).toMatch(/ \[fingerprint [0-9a-f]+\]$/);
    }
    for (const [index, s] of series.entries()) {
      expect(s.counts.reduce((a, b) => a + b, 0)).toBe(data.errors.groups[index]!.occurrences);
    }
  });

  it('shows no progress when stderr is not a terminal, and progress on a terminal', async () => {
    expect((await report()).err).toBe('');
    const tty = captureOutput({ tty: true });
    expect(
      await runCli(['report', '--connection-string', database.uri, '--database', database.name], tty, '0'),
    ).toBe(0);
    expect(tty.err()).toContain('reading error documents…');
    expect(tty.out()).not.toContain('reading error documents');
  });

  it('refuses a bad --since or --entity in one line, exit code 1', async () => {
    const since = await report('--since', 'yesterday');
    expect(since.code).toBe(1);
    expect(since.err).toBe(
      'opentelemetry-exporter-mongodb: --since "yesterday": expected a duration such as 24h, 7d, 30m, 2w, or a date such as 2026-11-01\n',
    );
    const entity = await report('--entity', 'q-101');
    expect(entity.code).toBe(1);
    expect(entity.err).toContain('--entity "q-101": expected entity:id, such as questao:q-101');
  });
});

describe('report on an empty database', () => {
  it('says there is nothing to report, with exit code 0, in text and JSON', async () => {
    const args = ['report', '--connection-string', database.uri, '--database', `${database.name}_empty`];
    const text = captureOutput();
    expect(await runCli(args, text, '0')).toBe(0);
    expect(text.out()).toContain(
      'Nothing to report: no errors, audit events or sessions were stored in this window.',
    );
    const json = captureOutput();
    expect(await runCli([...args, '--json'], json, '0')).toBe(0);
    const data = JSON.parse(json.out()) as Report;
    expect(data).toMatchObject({
      empty: true,
      errors: { groups: [], occurrences: 0 },
      audit: { events: 0 },
      sessions: { sessions: 0 },
    });
  });
});

describe('report: the triage state of each error group, and --state', () => {
  const states = useTestDatabase('cli_report_states');
  let seeded: SeededStates;
  beforeAll(async () => {
    seeded = await seedGroupStates(states.uri, states.name, states.db);
  });

  async function run(...args: string[]) {
    const output = captureOutput();
    const code = await runCli(
      ['report', '--connection-string', states.uri, '--database', states.name, ...args],
      output,
      '0.0.0',
    );
    return { code, out: output.out(), err: output.err() };
  }
  async function json(...args: string[]): Promise<Report> {
    const result = await run('--json', ...args);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.out) as Report;
  }
  const listed = (data: Report) =>
    data.errors.groups.map((group) => ({
      app: group.app,
      fingerprint: 'fingerprint' in group.key ? group.key.fingerprint : undefined,
      state: group.state,
    }));

  it('every group of the window has its state: a resolved group seen again in a newer version is regressed, with both versions; a group without app_nome is joined too', async () => {
    const data = await json();
    expect(listed(data)).toEqual(
      expect.arrayContaining([
        { app: 'shop', fingerprint: seeded.regressed, state: 'regressed' },
        { app: 'shop', fingerprint: seeded.ongoing, state: 'ongoing' },
        { app: '(unknown app)', fingerprint: seeded.legacyOngoing, state: 'ongoing' },
      ]),
    );
    // The resolved group has no occurrence in the window: listed only when --state asks for it.
    expect(listed(data)).toHaveLength(3);
    const regressed = data.errors.groups.find((group) => group.state === 'regressed')!;
    expect(regressed).toMatchObject({ resolvedIn: '1.0.0', regressedIn: '1.1.0' });
    expect(data.errors.stateFilter).toBeUndefined();
  });

  it('--state regressed lists only the regressed group (the totals still count the whole window); the text shows its state and versions', async () => {
    const data = await json('--state', 'regressed');
    expect(listed(data)).toEqual([{ app: 'shop', fingerprint: seeded.regressed, state: 'regressed' }]);
    expect(data.errors.stateFilter).toEqual({ states: ['regressed'], matching: 1 });
    expect(data.errors.occurrences).toBe(4);
    expect(data.errors.timeline.series.map((series) => series.group)).toEqual([data.errors.groups[0]!.id]);

    const text = await run('--state', 'regressed');
    expect(text.code).toBe(0);
    expect(text.out).toContain('  listed: the 1 group(s) in state regressed (--state)');
    expect(text.out).toContain('[regressed in 1.1.0 (resolved in 1.0.0)]');
    expect(text.out).toContain(`fingerprint ${seeded.regressed}`);
    expect(text.out).not.toContain(`fingerprint ${seeded.ongoing}`);
  });

  it('--state resolved lists the resolved group that has no occurrence in the window, with its last occurrence ever', async () => {
    const data = await json('--state', 'resolved');
    expect(listed(data)).toEqual([{ app: 'shop', fingerprint: seeded.quietResolved, state: 'resolved' }]);
    const quiet = data.errors.groups[0]!;
    expect(quiet).toMatchObject({
      occurrences: 0,
      documents: 0,
      resolvedIn: '1.0.0',
    });
    expect(quiet.sample?.mensagem).toBe('falha do grupo fixed-quiet');
    expect(new Date(quiet.lastSeen!).getTime()).toBeLessThan(Date.now() - 2 * 24 * 3_600_000);
    expect(quiet.latest).toBeDefined();
  });

  it('--state takes a comma-separated list and repeats; an unknown state is refused in one line with the known ones, exit code 1', async () => {
    const data = await json('--state', 'regressed,ongoing', '--state', 'resolved');
    expect(
      listed(data)
        .map((group) => group.state)
        .sort(),
    ).toEqual(['ongoing', 'ongoing', 'regressed', 'resolved']);
    const bad = await run('--state', 'regressed,open');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err).toContain(
      'unknown state "open": expected new, ongoing, escalating, resolved, regressed, ignored',
    );
  });

  it('--html --state regressed: the row and the group section show the state badge with both versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-states-'));
    try {
      const file = join(dir, 'report.html');
      const result = await run('--state', 'regressed', '--html', file);
      expect(result.code, result.err).toBe(0);
      const html = readFileSync(file, 'utf8');
      const badge =
        '<span class="badge state state-regressed" data-state="regressed">regressed in 1.1.0 (resolved in 1.0.0)</span>';
      expect(html.split(badge)).toHaveLength(3);
      expect(html).toContain('<dt>State</dt><dd>regressed in 1.1.0 (resolved in 1.0.0), at ');
      expect(html.match(/<tr id="row-/g)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
