import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleRelease } from '../../../src/storage/idle-release';

describe('IdleRelease', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('releases once the last operation has been idle for idleMs, not before', () => {
    const release = vi.fn();
    const idle = new IdleRelease(release, 1000);
    idle.begin();
    idle.end(false);
    vi.advanceTimersByTime(999);
    expect(release).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('releases at once after a failed operation: the server did not answer', () => {
    const release = vi.fn();
    const idle = new IdleRelease(release, 1000);
    idle.begin();
    idle.end(true);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('never releases while an operation runs, and waits for the last one to end', () => {
    const release = vi.fn();
    const idle = new IdleRelease(release, 1000);
    idle.begin();
    idle.begin();
    idle.end(true);
    expect(idle.busy).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(release).not.toHaveBeenCalled();
    idle.end(false);
    expect(idle.busy).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('starts the idle period again when a new operation begins before it ends', () => {
    const release = vi.fn();
    const idle = new IdleRelease(release, 1000);
    idle.begin();
    idle.end(false);
    vi.advanceTimersByTime(600);
    idle.begin();
    idle.end(false);
    vi.advanceTimersByTime(600);
    expect(release).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('holds no referenced timer: the idle wait never keeps the process alive', () => {
    const idle = new IdleRelease(() => undefined, 1000);
    vi.useRealTimers();
    idle.begin();
    idle.end(false);
    const timer = (idle as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    idle.cancel();
  });

  it('releases nothing once cancelled', () => {
    const release = vi.fn();
    const idle = new IdleRelease(release, 1000);
    idle.begin();
    idle.end(false);
    idle.cancel();
    vi.advanceTimersByTime(5000);
    expect(release).not.toHaveBeenCalled();
  });
});
