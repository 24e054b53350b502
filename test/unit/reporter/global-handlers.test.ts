import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessHooks, type UncaughtOrigin } from '../../../src/reporter/global-handlers';
import type { UnhandledRejectionsMode } from '../../../src/reporter/rejection-mode';

type Listener = (...args: unknown[]) => void;
const emitter = process as NodeJS.EventEmitter;

// The test runner listens to unhandledRejection itself: set its listeners aside so that
// each test starts from a process where nobody listens. The tests are synchronous, so no
// rejection can be processed while they are away.
let runnerListeners: Listener[] = [];
beforeEach(() => {
  runnerListeners = emitter.listeners('unhandledRejection') as Listener[];
  emitter.removeAllListeners('unhandledRejection');
});
let hooks: ProcessHooks | undefined;
afterEach(() => {
  hooks?.uninstall();
  hooks = undefined;
  emitter.removeAllListeners('unhandledRejection');
  for (const listener of runnerListeners) emitter.on('unhandledRejection', listener);
});

function install(mode: UnhandledRejectionsMode) {
  const reported: Array<[unknown, UncaughtOrigin]> = [];
  hooks = new ProcessHooks(
    {
      report: (error, origin) => void reported.push([error, origin]),
      flush: async () => true,
      flushTimeoutMs: 100,
    },
    mode,
  );
  hooks.install();
  return reported;
}

const rejectionListeners = () => emitter.listenerCount('unhandledRejection');

describe('ProcessHooks and unhandledRejection', () => {
  it('throw mode: does not listen while nobody else does, since a listener would stop Node from crashing', () => {
    install('throw');
    expect(rejectionListeners()).toBe(0);
  });

  it('throw mode: listens (first) while the application does, and stops when it stops', () => {
    const reported = install('throw');
    const application: Listener = () => undefined;
    process.on('unhandledRejection', application);
    expect(rejectionListeners()).toBe(2);
    expect(emitter.listeners('unhandledRejection')[1]).toBe(application);
    const reason = new Error('rejeitada');
    process.emit('unhandledRejection', reason, Promise.resolve());
    expect(reported).toEqual([[reason, 'unhandledRejection']]);
    process.removeListener('unhandledRejection', application);
    expect(rejectionListeners()).toBe(0);
  });

  it('throw mode: listens from install() when the application already did', () => {
    const application: Listener = () => undefined;
    process.on('unhandledRejection', application);
    install('throw');
    expect(rejectionListeners()).toBe(2);
    hooks!.uninstall();
    expect(emitter.listeners('unhandledRejection')).toEqual([application]);
  });

  it('strict mode: the monitor reports; the rejection listener never reports again', () => {
    const reported = install('strict');
    process.on('unhandledRejection', () => undefined); // so that no warning is printed here
    process.emit('unhandledRejection', new Error('x'), Promise.resolve());
    expect(reported).toEqual([]);
  });

  it.each(['warn', 'none', 'warn-with-error-code'] as const)(
    '%s mode: always listens and reports',
    (mode) => {
      const previousExitCode = process.exitCode;
      const reported = install(mode);
      expect(rejectionListeners()).toBe(1);
      try {
        // Another listener present: the application's concern, so no warning and no exit code.
        process.on('unhandledRejection', () => undefined);
        process.emit('unhandledRejection', 'motivo', Promise.resolve());
        expect(reported).toEqual([['motivo', 'unhandledRejection']]);
        expect(process.exitCode).toBe(previousExitCode);
      } finally {
        process.exitCode = previousExitCode;
      }
    },
  );

  it('passes the origin the monitor gives', () => {
    const reported = install('throw');
    const error = new Error('y');
    (process as NodeJS.EventEmitter).emit('uncaughtExceptionMonitor', error, 'unhandledRejection');
    expect(reported).toEqual([[error, 'unhandledRejection']]);
  });
});
