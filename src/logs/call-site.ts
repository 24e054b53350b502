import {
  ANONYMOUS_FUNCTION,
  type JsStackFrame,
  MODULE_LEVEL,
  parseJsStack,
  toPath,
} from '../pipeline/js-stack';

/** Where a log call was made: the application's line. */
export interface CallSite {
  file: string;
  line: number;
  /** The function name, or {@link MODULE_LEVEL} / {@link ANONYMOUS_FUNCTION}. */
  function: string;
}

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
  const shallow = captureFrames(SHALLOW_DEPTH);
  const site = callSiteOf(shallow);
  if (site || shallow.length < SHALLOW_DEPTH) return site;
  return callSiteOf(captureFrames(DEEP_DEPTH));
}

/**
 * The current stack, innermost first, without this module's frames. V8's structured call
 * sites are read directly (no text to format and parse), unless source maps may apply
 * (Node's `--enable-source-maps`, or a `prepareStackTrace` installed by a library such as
 * source-map-support): then the text, mapped back to the sources, is parsed instead.
 */
function captureFrames(depth: number): NodeJS.CallSite[] | JsStackFrame[] {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  // Source maps (Node's own, or a library's `prepareStackTrace`) apply only to the text.
  const structured = !process.sourceMapsEnabled && (prepare === undefined || isNodeDefault(prepare));
  Error.stackTraceLimit = depth;
  if (structured) Error.prepareStackTrace = (_error, sites) => sites;
  try {
    Error.captureStackTrace(holder, captureCallSite);
    const stack = holder.stack; // formatted (or not) now, while our settings hold
    if (Array.isArray(stack)) return stack as NodeJS.CallSite[];
    return typeof stack === 'string' ? parseJsStack(stack) : [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * Node.js 22+ defines `Error.prepareStackTrace` itself (`ErrorPrepareStackTrace`, V8's own
 * format, plus source maps when they are enabled): that is no library's override, and
 * reading the text it formats would cost several times the structured call sites.
 */
function isNodeDefault(prepare: NonNullable<typeof Error.prepareStackTrace>): boolean {
  return prepare.name === 'ErrorPrepareStackTrace';
}

function callSiteOf(frames: NodeJS.CallSite[] | JsStackFrame[]): CallSite | undefined {
  const first = frames[0];
  return first === undefined || !('getFileName' in first)
    ? callSiteIn(frames as JsStackFrame[])
    : callSiteInSites(frames as NodeJS.CallSite[]);
}

/**
 * `callSiteIn` of V8's call sites, with the same answer as for their text. Only the script
 * name of each frame is read until a frame may be the application's (frames of Node.js, this
 * package and libraries are passed over by it); that frame alone is formatted and parsed as
 * the text path would. What a name or a frame's text tells is kept: the same few files and
 * lines are on every stack.
 */
function callSiteInSites(sites: readonly NodeJS.CallSite[]): CallSite | undefined {
  for (let index = 0; index < sites.length; index++) {
    const site = sites[index]!;
    const name = site.isEval() ? undefined : site.getScriptNameOrSourceURL();
    if (name && !mayBeApplicationScript(name)) continue;
    const frame = parsedFrame(site);
    if (!frame?.file || frame.line === null || !isApplicationFrame(frame, OWN_DIR)) continue;
    const caller = sites[index + 1];
    return {
      file: frame.file,
      line: frame.line,
      function: frame.function ?? unnamed(caller && { file: caller.getScriptNameOrSourceURL() }),
    };
  }
  return undefined;
}

// Bounded, so that generated names (eval, bundler chunks with hashes) cannot grow them for ever.
const CACHE_LIMIT = 512;
const scriptCache = new Map<string, boolean>();
const frameCache = new Map<string, JsStackFrame | undefined>();

function mayBeApplicationScript(name: string): boolean {
  let answer = scriptCache.get(name);
  if (answer === undefined) {
    answer = isApplicationFile(toPath(name), OWN_DIR);
    if (scriptCache.size >= CACHE_LIMIT) scriptCache.clear();
    scriptCache.set(name, answer);
  }
  return answer;
}

/** The frame as `parseJsStack` reads its line of the stack text. */
function parsedFrame(site: NodeJS.CallSite): JsStackFrame | undefined {
  const text = `    at ${String(site)}`;
  if (frameCache.has(text)) return frameCache.get(text);
  const frame = parseJsStack(text)[0];
  if (frameCache.size >= CACHE_LIMIT) frameCache.clear();
  frameCache.set(text, frame);
  return frame;
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
  return frame.file !== null && frame.line !== null && isApplicationFile(frame.file, ownDir);
}

function isApplicationFile(file: string | null, ownDir: string | undefined): boolean {
  if (file === null) return false;
  if (file.startsWith('node:') || file.startsWith('internal/')) return false;
  if (ownDir !== undefined && file.startsWith(ownDir)) return false;
  return !LIBRARY_FRAME.test(file);
}

/**
 * V8 prints module-level code and anonymous functions alike (no name, or `Object.<anonymous>`
 * for CommonJS). Module-level code is called by Node.js's module loader, or is the bottom
 * of the stack; anything else without a name is an anonymous function.
 */
function unnamed(caller: { file: string | null } | undefined): string {
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
