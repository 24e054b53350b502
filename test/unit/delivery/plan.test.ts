import { describe, expect, it } from 'vitest';
import { type PlanState, planBatch } from '../../../src/delivery/plan';
import type { SpooledBatch } from '../../../src/delivery/spool';

const insert: SpooledBatch = { kind: 'errors', operation: 'insert', documents: [{ _id: 'a' }] };
const upsert: SpooledBatch = { kind: 'metrics', operation: 'upsert', documents: [{ _id: 's' }] };

function state(overrides: Partial<PlanState> = {}): PlanState {
  return {
    closed: false,
    spools: true,
    serverDown: false,
    replaying: false,
    spoolFits: () => true,
    ...overrides,
  };
}

describe('planBatch: the one live-or-spool decision', () => {
  it('writes while the server answers and nothing waits in the spool', () => {
    expect(planBatch(state(), insert)).toBe('write');
    expect(planBatch(state(), upsert)).toBe('write');
  });

  it('spools every batch while the server is known down', () => {
    expect(planBatch(state({ serverDown: true }), insert)).toBe('spool');
    expect(planBatch(state({ serverDown: true }), upsert)).toBe('spool');
  });

  it('writes inserts directly while the spool drains, but queues upserts behind it (an older state would win)', () => {
    expect(planBatch(state({ replaying: true }), insert)).toBe('write');
    expect(planBatch(state({ replaying: true }), upsert)).toBe('spool');
  });

  it('always writes without a spool, down or not: the retrying writer decides', () => {
    expect(planBatch(state({ spools: false, serverDown: true }), insert)).toBe('write');
    expect(planBatch(state({ spools: false, replaying: true }), upsert)).toBe('write');
  });

  it('answers closed once shut down, whatever else holds', () => {
    expect(planBatch(state({ closed: true }), insert)).toBe('closed');
    expect(planBatch(state({ closed: true, spools: false }), insert)).toBe('closed');
  });

  it('refuses, for a caller that asks, a batch that would make a full spool drop older ones', () => {
    const full = state({ serverDown: true, spoolFits: () => false });
    expect(planBatch(full, insert, { refuseWhenSpoolFull: true })).toBe('refuse');
    expect(planBatch(full, insert)).toBe('spool');
    expect(planBatch(state({ serverDown: true }), insert, { refuseWhenSpoolFull: true })).toBe('spool');
  });

  it('does not ask whether the spool fits when the batch is written directly', () => {
    let asked = false;
    const watched = state({ spoolFits: () => ((asked = true), false) });
    expect(planBatch(watched, insert, { refuseWhenSpoolFull: true })).toBe('write');
    expect(asked).toBe(false);
  });
});
