import { componentLogger } from '../foundation/diag';

const log = componentLogger('setup');
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `shutdown` (bounded by `timeoutMs`) on SIGINT, SIGTERM and when the event loop
 * empties ('beforeExit'), without changing how the process ends: after a signal, if no
 * other listener handles it, the signal is raised again so that Node's default action
 * (and exit code 128 + n) applies; on a normal end the application's exit code is kept.
 * Returns a function that removes the hooks.
 */
export function installShutdownHooks(shutdown: () => Promise<void>, timeoutMs: number): () => void {
  let started = false;
  const run = async (): Promise<boolean> => {
    if (started) return true;
    started = true;
    return withTimeout(shutdown(), timeoutMs);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    void run().then(() => {
      uninstall();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = () => {
    if (started) return;
    void run().then((finished) => {
      uninstall();
      // Work left after the bound (a hung socket) must not keep the process alive.
      if (!finished) process.exit();
    });
  };

  const uninstall = () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  return uninstall;
}

/** True when `work` settled within `timeoutMs`; a failure is reported, never thrown. */
export async function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const finished = await Promise.race([
      work.then(
        () => true,
        (error: unknown) => {
          log.error('shutdown failed', error);
          return true;
        },
      ),
      expired,
    ]);
    if (!finished) log.warn(`shutdown did not finish within ${timeoutMs} ms; unsent data stays in the spool`);
    return finished;
  } finally {
    clearTimeout(timer);
  }
}
