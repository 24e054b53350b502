/**
 * The semi-space size the `gateway` command runs with. V8 sizes the young generation from the
 * host's memory (128 MiB on a 23 GiB machine), and a server that always has requests in flight
 * fills all of it between collections: the gateway's RSS would follow the host, not its limits.
 * With 4 MiB, `bench/gateway-load.ts` measured the same gateway CPU per record and about 110 MiB
 * less peak RSS (docs/gateway.md, Memory).
 */
export const GATEWAY_SEMI_SPACE_MIB = 4;

// Either bound is the operator's choice of a size: ours could contradict a minimum they gave.
const SEMI_SPACE_FLAG = /(^|\s)--(max|min)[-_]semi[-_]space[-_]size\b/;

/** What the relaunch reads of the running process. */
export interface LaunchedProcess {
  readonly argv: readonly string[];
  readonly execArgv: readonly string[];
  readonly execPath: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The same command again, in place of this process, with a bounded young generation. */
export interface Relaunch {
  readonly file: string;
  readonly args: string[];
}

/**
 * The relaunch of `gateway` with `--max-semi-space-size`, or undefined when none is needed: another
 * command, or a size already chosen (a maximum or a minimum, by this relaunch, on node's command
 * line or in NODE_OPTIONS; the operator's choice wins).
 */
export function youngGenerationRelaunch(running: LaunchedProcess): Relaunch | undefined {
  const [script, command] = running.argv.slice(1);
  if (script === undefined || command !== 'gateway') return undefined;
  if (running.execArgv.some((flag) => SEMI_SPACE_FLAG.test(flag))) return undefined;
  if (SEMI_SPACE_FLAG.test(running.env.NODE_OPTIONS ?? '')) return undefined;
  return {
    file: running.execPath,
    args: [
      running.execPath,
      ...running.execArgv,
      `--max-semi-space-size=${GATEWAY_SEMI_SPACE_MIB}`,
      ...running.argv.slice(1),
    ],
  };
}

/**
 * Replaces this process (same pid, signals and stdio) by the gateway with a bounded young
 * generation, before anything has started. Where the platform cannot (`process.execve` is
 * POSIX-only), the gateway runs as it is, and says so.
 */
export function relaunchWithBoundedYoungGeneration(
  running: NodeJS.Process,
  warn: (line: string) => void,
): void {
  const relaunch = youngGenerationRelaunch(running);
  if (!relaunch) return;
  if (typeof running.execve !== 'function') {
    warn(
      `gateway: this platform cannot restart node with --max-semi-space-size=${GATEWAY_SEMI_SPACE_MIB}; ` +
        'set it in NODE_OPTIONS to bound the gateway memory',
    );
    return;
  }
  try {
    running.execve(relaunch.file, relaunch.args, running.env);
  } catch (error) {
    warn(
      `gateway: cannot restart node with --max-semi-space-size=${GATEWAY_SEMI_SPACE_MIB} ` +
        `(${(error as Error).message}); running with the default heap`,
    );
  }
}
