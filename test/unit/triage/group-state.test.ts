import { describe, expect, it } from 'vitest';
import { computeState, isEscalating, type StateInputs } from '../../../src/triage/group-state';
import type { GroupStateDocument } from '../../../src/triage/state-document';

const since = new Date('2026-12-02T00:00:00Z');
const before = new Date('2026-11-20T00:00:00Z');
const inputs = (overrides: Partial<StateInputs> = {}): StateInputs => ({
  decision: undefined,
  ignorePassed: false,
  regression: undefined,
  firstSeen: before,
  since,
  lastHour: 0,
  previousSevenDays: 0,
  ...overrides,
});
const decision = (estado: GroupStateDocument['estado']): GroupStateDocument => ({
  _id: 'app/0123456789abcdef',
  app_nome: 'app',
  fingerprint: '0123456789abcdef',
  estado,
  atualizado_em: since,
});

describe('isEscalating', () => {
  it('needs at least 10 in the last hour, even with no baseline', () => {
    expect(isEscalating(9, 0)).toBe(false);
    expect(isEscalating(10, 0)).toBe(true);
  });

  it("needs the last hour at least 5 times the 7 days' hourly rate (count / 168)", () => {
    // 10 in the hour against 336 in 7 days (2 an hour): exactly 5 times.
    expect(isEscalating(10, 336)).toBe(true);
    expect(isEscalating(10, 337)).toBe(false);
  });
});

describe('computeState', () => {
  it('ongoing when first seen before the window and not escalating', () => {
    expect(computeState(inputs({ lastHour: 3, previousSevenDays: 100 }))).toBe('ongoing');
  });

  it('new when first seen at or after the window start, even while escalating', () => {
    expect(computeState(inputs({ firstSeen: since, lastHour: 50 }))).toBe('new');
  });

  it('escalating when first seen before the window and the rule holds', () => {
    expect(computeState(inputs({ lastHour: 50, previousSevenDays: 10 }))).toBe('escalating');
  });

  it('resolved without a regression, regressed with one, whatever the counts', () => {
    const resolved = decision('resolvido');
    expect(computeState(inputs({ decision: resolved, lastHour: 50 }))).toBe('resolved');
    expect(computeState(inputs({ decision: resolved, regression: { at: since, version: '1.1.0' } }))).toBe(
      'regressed',
    );
  });

  it('ignored until its condition is passed, then the state it would have without the decision', () => {
    const ignored = decision('ignorado');
    expect(computeState(inputs({ decision: ignored, firstSeen: since }))).toBe('ignored');
    expect(computeState(inputs({ decision: ignored, firstSeen: since, ignorePassed: true }))).toBe('new');
  });

  it('reopened: computed as without a decision', () => {
    expect(computeState(inputs({ decision: decision('aberto'), lastHour: 50, previousSevenDays: 0 }))).toBe(
      'escalating',
    );
  });
});
