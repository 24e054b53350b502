/** Node's `--unhandled-rejections` modes; `throw` is the default. */
export type UnhandledRejectionsMode = 'throw' | 'strict' | 'warn' | 'none' | 'warn-with-error-code';

const MODES: ReadonlySet<string> = new Set(['throw', 'strict', 'warn', 'none', 'warn-with-error-code']);
const FLAG = '--unhandled-rejections';

/**
 * The mode this process runs with: NODE_OPTIONS first, then the command line, which
 * overrides it, as Node reads them. Node offers no API for it, so the flags are parsed.
 */
export function unhandledRejectionsMode(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): UnhandledRejectionsMode {
  const fromOptions = nodeOptions ? nodeOptions.split(/\s+/).filter(Boolean) : [];
  return lastMode([...fromOptions, ...execArgv]) ?? 'throw';
}

function lastMode(args: readonly string[]): UnhandledRejectionsMode | undefined {
  let mode: UnhandledRejectionsMode | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let value: string | undefined;
    if (arg.startsWith(`${FLAG}=`)) value = arg.slice(FLAG.length + 1);
    else if (arg === FLAG) value = args[++i];
    if (value !== undefined && MODES.has(value)) mode = value as UnhandledRejectionsMode;
  }
  return mode;
}
