import { describe, expect, it } from 'vitest';
import {
  ABANDONED_AFTER_MS,
  isAbnormal,
  isCrashed,
  releaseHealth,
  type SessionErrors,
  type SessionFact,
} from '../../../src/triage/release-health';
import { sessionFact } from '../../../src/triage/release-health-reader';

const HOUR = 3_600_000;
const to = new Date('2026-12-03T12:00:00Z');
const window = {
  from: new Date(to.getTime() - 24 * HOUR),
  to,
  previousFrom: new Date(to.getTime() - 48 * HOUR),
};

function session(overrides: Partial<SessionFact>): SessionFact {
  return {
    sessionId: 's',
    app: 'editor',
    version: '1.0.0',
    machine: 'm1',
    lastUpdate: new Date(to.getTime() - 2 * HOUR),
    start: new Date(to.getTime() - 3 * HOUR),
    active: false,
    closing: 'normal',
    ...overrides,
  };
}

describe('release health', () => {
  it('a session is crashed when closed as a crash, or when an unhandled error carries its sessao_id; a handled one only errors it', () => {
    const errors = new Map<string, SessionErrors>([
      ['u', { errored: true, unhandled: true }],
      ['h', { errored: true, unhandled: false }],
    ]);
    expect(isCrashed(session({ sessionId: 'x', closing: 'crash' }), errors)).toBe(true);
    expect(isCrashed(session({ sessionId: 'u' }), errors)).toBe(true);
    expect(isCrashed(session({ sessionId: 'h' }), errors)).toBe(false);
    expect(isCrashed(session({ sessionId: undefined }), errors)).toBe(false);
  });

  it('abnormal: marked running and not updated for longer than ABANDONED_AFTER_MS (1 h), judged at the window end', () => {
    const at = (msAgo: number) =>
      session({ active: true, closing: undefined, lastUpdate: new Date(to.getTime() - msAgo) });
    expect(ABANDONED_AFTER_MS).toBe(HOUR);
    expect(isAbnormal(at(HOUR + 1), to)).toBe(true);
    expect(isAbnormal(at(HOUR), to)).toBe(false);
    expect(isAbnormal(session({ active: false, lastUpdate: new Date(0) }), to)).toBe(false);
  });

  it('per app and version, latest version first: sessions, installations, crash-free/errored/abnormal %, crash-free installations, adoption, and the previous window apart', () => {
    const sessions: SessionFact[] = [
      session({ sessionId: 'a', machine: 'm1', version: '1.10.0', closing: 'crash' }),
      session({ sessionId: 'b', machine: 'm1', version: '1.10.0' }),
      session({ sessionId: 'c', machine: 'm2', version: '1.10.0' }),
      session({ sessionId: 'd', machine: 'm3', version: '1.10.0', active: true, closing: undefined }),
      session({ sessionId: 'e', machine: 'm4', version: '1.9.0' }),
      session({ sessionId: undefined, machine: 'm5', version: '1.9.0' }),
      // Previous window: one crashed session of 1.9.0.
      session({
        sessionId: 'p',
        machine: 'm4',
        version: '1.9.0',
        closing: 'crash',
        lastUpdate: new Date(to.getTime() - 30 * HOUR),
      }),
      // Outside both windows: ignored.
      session({ sessionId: 'old', version: '1.8.0', lastUpdate: new Date(to.getTime() - 50 * HOUR) }),
      session({ sessionId: 'z', app: 'gateway', version: 'build 7', machine: 'm9' }),
    ];
    const errors = new Map<string, SessionErrors>([
      ['c', { errored: true, unhandled: false }],
      ['a', { errored: true, unhandled: true }],
    ]);
    const health = releaseHealth(sessions, errors, window);
    expect(health.apps.map((a) => a.app)).toEqual(['editor', 'gateway']);
    const editor = health.apps[0]!;
    expect(editor.versions.map((v) => v.version)).toEqual(['1.10.0', '1.9.0']);
    expect(editor.versions[0]!.current).toEqual({
      sessions: 4,
      installations: 3,
      crashedSessions: 1,
      erroredSessions: 2,
      abnormalSessions: 1,
      unlinkedSessions: 0,
      crashFreeSessionsPct: 75,
      erroredSessionsPct: 50,
      abnormalSessionsPct: 25,
      crashFreeInstallationsPct: 66.7,
      adoptionPct: 66.7,
    });
    expect(editor.versions[1]!.current).toMatchObject({
      sessions: 2,
      installations: 2,
      crashedSessions: 0,
      unlinkedSessions: 1,
      crashFreeSessionsPct: 100,
      adoptionPct: 33.3,
    });
    expect(editor.versions[1]!.previous).toMatchObject({
      sessions: 1,
      crashFreeSessionsPct: 0,
      adoptionPct: 100,
    });
    expect(editor.versions[0]!.previous).toMatchObject({ sessions: 0, crashFreeSessionsPct: null });
  });

  it('the session running for 2 h without an update is abnormal; the same session updated 10 min ago is not', () => {
    const stale = session({
      sessionId: 'd',
      active: true,
      closing: undefined,
      lastUpdate: new Date(to.getTime() - 2 * HOUR),
    });
    const fresh = { ...stale, lastUpdate: new Date(to.getTime() - 10 * 60_000) };
    expect(releaseHealth([stale], new Map(), window).apps[0]!.versions[0]!.current.abnormalSessions).toBe(1);
    expect(releaseHealth([fresh], new Map(), window).apps[0]!.versions[0]!.current.abnormalSessions).toBe(0);
  });

  it('versions that are not semver are ordered by first seen, newest first; apps without app_nome come last as "(unknown app)"', () => {
    const health = releaseHealth(
      [
        session({ version: 'build-b', start: new Date(to.getTime() - 5 * HOUR) }),
        session({ version: 'build-a', start: new Date(to.getTime() - 4 * HOUR) }),
        sessionFact({ timestamp: new Date(to.getTime() - HOUR), sessao: { ativa: false } })!,
      ],
      new Map(),
      window,
    );
    expect(health.apps.map((a) => a.app)).toEqual(['editor', '(unknown app)']);
    expect(health.apps[0]!.versions.map((v) => v.version)).toEqual(['build-a', 'build-b']);
    expect(health.apps[1]!.versions.map((v) => v.version)).toEqual(['unknown']);
  });

  it('reads a stored session document: sessao_id, encerramento and ativa; without sessao_id it joins no errors', () => {
    const now = new Date();
    expect(
      sessionFact({
        _id: 'x',
        sessao_id: 'x',
        app_nome: 'editor',
        app_version: '2.0.0',
        maquina_id: 'm',
        timestamp: now,
        sessao: { inicio: now, ativa: false, encerramento: 'crash' },
      }),
    ).toEqual({
      sessionId: 'x',
      app: 'editor',
      version: '2.0.0',
      machine: 'm',
      lastUpdate: now,
      start: now,
      active: false,
      closing: 'crash',
    });
    expect(sessionFact({ _id: 'y', timestamp: now, sessao: { ativa: true } })?.sessionId).toBeUndefined();
    expect(sessionFact({ _id: 'z' })).toBeUndefined();
  });
});
