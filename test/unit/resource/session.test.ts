import { describe, expect, it } from 'vitest';
import { type MetricsSession, SessionRegistry } from '../../../src/resource/session';

function listener(result = true) {
  const finished: MetricsSession[] = [];
  return {
    finished,
    finishSession: async (session: MetricsSession) => {
      finished.push(session);
      return result;
    },
  };
}

describe('SessionRegistry', () => {
  it('begins an implicit session on first use and keeps it until it ends', () => {
    const sessions = new SessionRegistry();
    expect(sessions.peek()).toBeUndefined();
    const session = sessions.current();
    expect(session).toMatchObject({ explicit: false, endedAt: undefined });
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sessions.current()).toBe(session);
  });

  it('start() ends the running session, has listeners finish it, and begins an explicit one', async () => {
    const sessions = new SessionRegistry();
    const exporter = listener();
    sessions.attach(exporter);
    const implicit = sessions.current();
    const explicit = sessions.start();
    expect(explicit).not.toBe(implicit);
    expect(explicit.explicit).toBe(true);
    expect(implicit.endedAt).toBeInstanceOf(Date);
    await Promise.resolve();
    expect(exporter.finished).toEqual([implicit]);
    expect(sessions.current()).toBe(explicit);
  });

  it('end() marks the end before flushing, then releases the session and has listeners finish it', async () => {
    const sessions = new SessionRegistry();
    const exporter = listener();
    sessions.attach(exporter);
    const session = sessions.start();
    let seenDuringFlush: MetricsSession | undefined;
    const stored = await sessions.end(async () => {
      seenDuringFlush = sessions.current();
      expect(session.endedAt).toBeInstanceOf(Date);
    });
    expect(stored).toBe(true);
    expect(seenDuringFlush).toBe(session); // exports during the flush still belong to the ending session
    expect(exporter.finished).toEqual([session]);
    const next = sessions.current();
    expect(next.id).not.toBe(session.id);
    expect(next.startedAt).toEqual(session.endedAt);
  });

  it('end() resolves false when no exporter is attached or one could not store the session, even if flush throws', async () => {
    const sessions = new SessionRegistry();
    expect(await sessions.end(async () => undefined)).toBe(false);
    sessions.attach(listener(true));
    sessions.attach(listener(false));
    expect(
      await sessions.end(async () => {
        throw new Error('flush failed');
      }),
    ).toBe(false);
  });

  it('release() only lets go of the running session', () => {
    const sessions = new SessionRegistry();
    const old = sessions.current();
    const running = sessions.start();
    sessions.release(old);
    expect(sessions.peek()).toBe(running);
    sessions.release(running);
    expect(sessions.peek()).toBeUndefined();
  });
});
