import { type JsStackFrame, parseJsStack } from './js-stack';

/** Where a log call was made: the application's line. */
export interface CallSite {
  file: string;
  line: number;
  /** The function name, or {@link MODULE_LEVEL} / {@link ANONYMOUS_FUNCTION}. */
  function: string;
}

/** `erro.funcao` of a call made by module-level code (a script's or module's top level). */
export const MODULE_LEVEL = '<module>';
/** `erro.funcao` of a call made by a function without a name (an anonymous callback). */
export const ANONYMOUS_FUNCTION = '<anonymous>';

// Frames between the application and this module: the OpenTelemetry SDK and API, and the
// logging libraries that are commonly bridged into it.
const LIBRARY_FRAME =
  /[\\/]node_modules[\\/](?:@opentelemetry[\\/]|opentelemetry-exporter-mongodb[\\/]|pino(?:-[\w-]+)?[\\/]|winston(?:-[\w-]+)?[\\/]|@?bunyan[\\/]|log4js[\\/]|loglevel[\\/]|@?consola[\\/]|signale[\\/]|thread-stream[\\/]|sonic-boom[\\/]|logform[\\/]|readable-stream[\\/])/;
// This package's own folder (src/ when run from source, dist/ when built), found from a
// stack captured here: the frame of this very module.
const OWN_DIR = ownDirectory();
// Deep enough to pass the SDK, a bridge and a logging library; the limit is restored at once.
const STACK_DEPTH = 50;

/**
 * The call site of the log call being emitted now: the first stack frame that is not in
 * this package, the OpenTelemetry SDK, a bridged logging library or Node.js internals.
 * Undefined when no frame qualifies. Costs one stack capture (a few microseconds), so it is
 * called only for records bound for `errors` that carry no location of their own.
 */
export function captureCallSite(): CallSite | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_DEPTH;
  try {
    Error.captureStackTrace(holder, captureCallSite);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return typeof holder.stack === 'string' ? callSiteIn(parseJsStack(holder.stack)) : undefined;
}

/** The application's frame among `frames` (innermost first); exported for tests. */
export function callSiteIn(
  frames: readonly JsStackFrame[],
  ownDir: string | undefined = OWN_DIR,
): CallSite | undefined {
  const index = frames.findIndex((frame) => isApplicationFrame(frame, ownDir));
  const frame = frames[index];
  if (!frame?.file || frame.line === null) return undefined;
  return { file: frame.file, line: frame.line, function: frame.function ?? unnamed(frames[index + 1]) };
}

function isApplicationFrame(frame: JsStackFrame, ownDir: string | undefined): boolean {
  const file = frame.file;
  if (file === null || frame.line === null) return false;
  if (file.startsWith('node:') || file.startsWith('internal/')) return false;
  if (ownDir !== undefined && file.startsWith(ownDir)) return false;
  return !LIBRARY_FRAME.test(file);
}

/**
 * V8 prints module-level code and anonymous functions alike (no name, or `Object.<anonymous>`
 * for CommonJS). Module-level code is called by Node.js's module loader, or is the bottom
 * of the stack; anything else without a name is an anonymous function.
 */
function unnamed(caller: JsStackFrame | undefined): string {
  if (!caller || caller.file?.startsWith('node:internal/modules/')) return MODULE_LEVEL;
  return ANONYMOUS_FUNCTION;
}

function ownDirectory(): string | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder);
  const file = parseJsStack(holder.stack ?? '')[0]?.file;
  if (!file) return undefined;
  const match = /^(.*[\\/](?:src|dist)[\\/])/.exec(file);
  return match?.[1];
}
