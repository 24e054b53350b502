import { describe, expect, it } from 'vitest';
import { Allowance } from '../../../src/gateway/allowance';

describe('Allowance', () => {
  it('lets holds take up to the limit exactly, and refuses the unit beyond it without taking anything', () => {
    const allowance = new Allowance(10);
    const first = allowance.hold();
    const second = allowance.hold();
    expect(first.take(4)).toBe(true);
    expect(second.take(6)).toBe(true); // 4 + 6 = 10: at the limit, not beyond it
    expect(allowance.held).toBe(10);
    expect(allowance.hold().take(1)).toBe(false);
    expect(allowance.held).toBe(10); // a refused take holds nothing
  });

  it('counts what a hold took in several takes against the limit, with the others’', () => {
    const allowance = new Allowance(10);
    const other = allowance.hold();
    other.take(3);
    const growing = allowance.hold();
    expect(growing.take(4)).toBe(true);
    expect(growing.take(3)).toBe(true);
    expect(growing.take(1)).toBe(false); // 3 + 7 + 1 > 10
    expect(allowance.held).toBe(10);
  });

  it('lets a hold alone pass the limit (one request larger than it still goes through), but not once others hold some', () => {
    const allowance = new Allowance(10);
    const alone = allowance.hold();
    expect(alone.take(8)).toBe(true);
    expect(alone.take(8)).toBe(true); // nobody else holds anything
    expect(allowance.held).toBe(16);
    const other = allowance.hold();
    expect(other.take(1)).toBe(false);
    alone.release();
    expect(other.take(30)).toBe(true);
    const late = allowance.hold();
    expect(late.take(1)).toBe(false);
  });

  it('gives back all a hold took on release, once, and a released hold takes nothing more', () => {
    const allowance = new Allowance(10);
    const hold = allowance.hold();
    hold.take(2);
    hold.take(3);
    const other = allowance.hold();
    other.take(1);
    hold.release();
    hold.release();
    expect(allowance.held).toBe(1);
    expect(hold.take(1)).toBe(false);
    expect(allowance.held).toBe(1);
    other.release();
    expect(allowance.held).toBe(0);
  });
});
