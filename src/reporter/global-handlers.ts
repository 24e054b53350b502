import { inspect } from 'node:util';
import { componentLogger } from '../foundation/diag';
import { describeError } from '../foundation/redact';
import { type UnhandledRejectionsMode, unhandledRejectionsMode } from './rejection-mode';

const log = componentLogger('error-reporter');

/** How an error reached the process hooks, as Node names it. */
export type UncaughtOrigin = 'uncaughtException' | 'unhandledRejection';

/** What the hooks ask of their reporter. */
export interface ProcessHookActions {
  /** Emits the record of an error nobody caught (at most once per error). Must not throw. */
  report(error: unknown, origin: UncaughtOrigin): void;
  /** Flushes the emitted records; settles within `flushTimeoutMs`. */
  flush(): Promise<unknown>;
  /** The longest the process is kept alive for the flush after a crash. */
  readonly flushTimeoutMs: number;
}

type Listener = (...args: unknown[]) => void;

/**
 * The process listeners behind `ErrorReporter.installGlobalHandlers()`.
 *
 * - `uncaughtExceptionMonitor` reports every uncaught exception (and every rejection Node
 *   turns into one) without changing what Node does.
 * - An `uncaughtException` listener keeps the process alive only when no other listener
 *   exists, and then does what Node would have done: print the error and exit with code 1,
 *   after flushing the record (bounded). Listeners of the application keep the decision.
 * - `unhandledRejection` is listened to only where that does not change Node's mode:
 *   always in `warn`/`none`/`warn-with-error-code` (whose side effects are reproduced when
 *   the reporter is the only listener), in `throw` only while the application has its own
 *   listeners (otherwise Node makes it an uncaught exception the monitor sees). In `strict`
 *   the monitor sees every rejection first; the listener there only keeps Node's warning.
 */
export class ProcessHooks {
  private readonly actions: ProcessHookActions;
  private readonly mode: UnhandledRejectionsMode;
  private exiting = false;

  constructor(actions: ProcessHookActions, mode: UnhandledRejectionsMode = unhandledRejectionsMode()) {
    this.actions = actions;
    this.mode = mode;
  }

  /** Adds the listeners; nothing the application registered is removed or reordered. */
  install(): void {
    process.on('uncaughtExceptionMonitor', this.onMonitor);
    process.on('uncaughtException', this.onUncaught);
    if (this.mode === 'throw') {
      process.on('newListener', this.onNewListener);
      process.on('removeListener', this.onRemoveListener);
      this.syncRejectionListener();
    } else if (this.mode === 'strict') {
      process.on('unhandledRejection', this.onStrictRejection);
    } else {
      process.on('unhandledRejection', this.onRejection);
    }
  }

  /** Removes exactly the listeners `install()` added. */
  uninstall(): void {
    process.removeListener('newListener', this.onNewListener);
    process.removeListener('removeListener', this.onRemoveListener);
    process.removeListener('unhandledRejection', this.onRejection);
    process.removeListener('unhandledRejection', this.onStrictRejection);
    process.removeListener('uncaughtException', this.onUncaught);
    process.removeListener('uncaughtExceptionMonitor', this.onMonitor);
  }

  private readonly onMonitor = (error: unknown, origin: unknown): void => {
    this.actions.report(error, origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException');
  };

  private readonly onUncaught = (error: unknown): void => {
    if (hasOtherListeners('uncaughtException', this.onUncaught)) return; // the application decides
    this.exitAfterFlush(error);
  };

  private readonly onRejection = (reason: unknown): void => {
    this.actions.report(reason, 'unhandledRejection');
    if (this.mode === 'warn-with-error-code' && !hasOtherListeners('unhandledRejection', this.onRejection)) {
      emitRejectionWarning(reason);
      process.exitCode = 1;
    }
  };

  /**
   * In `strict` mode Node emits `unhandledRejection` only after an `uncaughtException`
   * listener kept the process alive, and warns when nobody listens. The monitor has
   * already reported the rejection; this listener only keeps that warning as Node prints
   * it, and silent while the reporter is exiting, as Node would already have exited.
   */
  private readonly onStrictRejection = (reason: unknown): void => {
    if (this.exiting || hasOtherListeners('unhandledRejection', this.onStrictRejection)) return;
    emitRejectionWarning(reason);
  };

  private readonly onNewListener = (event: unknown, listener: unknown): void => {
    // Called before the application's listener is added: attach ours first, so it reports
    // before the application decides what to do with the rejection.
    if (event === 'unhandledRejection' && listener !== this.onRejection && !this.rejectionAttached()) {
      process.on('unhandledRejection', this.onRejection);
    }
  };

  private readonly onRemoveListener = (event: unknown, listener: unknown): void => {
    if (event === 'unhandledRejection' && listener !== this.onRejection) this.syncRejectionListener();
  };

  /** In `throw` mode: listen to rejections only while someone else does too. */
  private syncRejectionListener(): void {
    const others = hasOtherListeners('unhandledRejection', this.onRejection);
    if (others && !this.rejectionAttached()) process.on('unhandledRejection', this.onRejection);
    if (!others && this.rejectionAttached()) process.removeListener('unhandledRejection', this.onRejection);
  }

  private rejectionAttached(): boolean {
    return process.listeners('unhandledRejection').includes(this.onRejection as Listener);
  }

  /** Node's default for an uncaught exception, with the flush in between. */
  private exitAfterFlush(error: unknown): void {
    if (this.exiting) return; // a second crash while flushing: the monitor has reported it
    this.exiting = true;
    try {
      process.exitCode = 1;
      printFatal(error);
      let exited = false;
      const exit = () => {
        if (exited) return;
        exited = true;
        clearTimeout(deadline);
        process.exit(1);
      };
      // Kept referenced: the process must not drain its event loop and exit with code 0.
      const deadline = setTimeout(exit, this.actions.flushTimeoutMs);
      this.actions.flush().then(exit, exit);
    } catch (failure) {
      log.error(`cannot flush before exiting: ${describeError(failure)}`);
      process.exit(1);
    }
  }
}

function hasOtherListeners(event: 'uncaughtException' | 'unhandledRejection', own: Listener): boolean {
  return (process as NodeJS.EventEmitter).listeners(event).some((listener) => listener !== own);
}

/** What Node prints for an uncaught exception (its source-line arrow aside). */
function printFatal(error: unknown): void {
  let text: string;
  try {
    text =
      error !== null && typeof error === 'object'
        ? inspect(error, { customInspect: false, depth: Math.max(inspect.defaultOptions.depth ?? 2, 5) })
        : String(error);
  } catch {
    text = '[uninspectable thrown value]';
  }
  process.stderr.write(`${text}\n\nNode.js ${process.version}\n`);
}

/** Node's warning for a rejection nobody handled (its explanatory second warning aside). */
function emitRejectionWarning(reason: unknown): void {
  try {
    const stack = reason instanceof Error ? reason.stack : undefined;
    process.emitWarning(
      typeof stack === 'string' ? stack : inspect(reason),
      'UnhandledPromiseRejectionWarning',
    );
  } catch (failure) {
    log.warn(`cannot print the unhandled rejection warning: ${describeError(failure)}`);
  }
}
