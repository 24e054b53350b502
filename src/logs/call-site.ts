import { isInAppFile, type JsStackFrame, parseJsStack, toPath } from './js-stack';

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
// Frames read first: the SDK's emit path is a few frames deep. A bridged logging library
// can be deeper; then the capture is repeated once with the larger limit.
const SHALLOW_DEPTH = 12;
const DEEP_DEPTH = 64;

/**
 * The call site of the log call being emitted now: the first stack frame that is not in
 * this package, the OpenTelemetry SDK, a bridged logging library or Node.js internals.
 * Undefined when no frame qualifies. It costs one stack capture, so it is made only for
 * records bound for `errors` that carry no location of their own.
 */
export function captureCallSite(): CallSite | undefined {
  const frames = captureFrames(SHALLOW_DEPTH);
  const site = callSiteIn(frames);
  if (site || frames.length < SHALLOW_DEPTH) return site;
  return callSiteIn(captureFrames(DEEP_DEPTH));
}

/**
 * The current stack, innermost first, without this module's frames. V8's structured call
 * sites are read directly (no text to format and parse), unless source maps may apply
 * (Node's `--enable-source-maps`, or a `prepareStackTrace` installed by a library such as
 * source-map-support): then the text, mapped back to the sources, is parsed instead.
 */
function captureFrames(depth: number): JsStackFrame[] {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  // Source maps (Node's own, or a library's `prepareStackTrace`) apply only to the text.
  const structured = !process.sourceMapsEnabled && prepare === undefined;
  Error.stackTraceLimit = depth;
  if (structured) Error.prepareStackTrace = (_error, sites) => sites;
  try {
    Error.captureStackTrace(holder, captureCallSite);
    const stack = holder.stack; // formatted (or not) now, while our settings hold
    if (Array.isArray(stack)) return (stack as NodeJS.CallSite[]).map(frameOf);
    return typeof stack === 'string' ? parseJsStack(stack) : [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** A V8 call site as the text format names it: `Type.method` for method calls. */
function frameOf(site: NodeJS.CallSite): JsStackFrame {
  const name = site.getFileName() ?? site.getScriptNameOrSourceURL();
  const file = name ? toPath(name) : null;
  let fn = site.getFunctionName();
  if (fn && !site.isToplevel() && !site.isConstructor()) {
    const type = site.getTypeName();
    if (type && type !== 'Object' && !fn.startsWith(`${type}.`)) fn = `${type}.${fn}`;
  }
  return { file, line: site.getLineNumber(), function: fn || null, inApp: isInAppFile(file) };
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
