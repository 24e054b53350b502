import { describe, expect, it } from 'vitest';
import { sessionIdOf, stampSession } from '../../../src/pipeline/session-id';
import { errorRecords } from './log-records';

describe('sessionIdOf', () => {
  it("takes the record's own session.id attribute first", () => {
    const [record] = errorRecords(1, { 'session.id': 'from-attribute' });
    stampSession(record!, 'stamped');
    expect(sessionIdOf(record!, 'from-resource', () => 'running')).toBe('from-attribute');
  });

  it("then the resource's session.id, then the session stamped at emit, then the running session", () => {
    const [record] = errorRecords(1);
    expect(sessionIdOf(record!, undefined, () => 'running')).toBe('running');
    stampSession(record!, 'stamped');
    expect(sessionIdOf(record!, undefined, () => 'running')).toBe('stamped');
    expect(sessionIdOf(record!, 'from-resource', () => 'running')).toBe('from-resource');
  });

  it('is undefined when no session is known (a gateway client that sets none)', () => {
    const [record] = errorRecords(1, { 'session.id': '' });
    expect(sessionIdOf(record!, undefined)).toBeUndefined();
  });
});
