import { fileURLToPath } from 'node:url';
import type { FingerprintFrame } from './fingerprint';

/** `erro.funcao` of a frame or call of module-level code (a script's or module's top level). */
export const MODULE_LEVEL = '<module>';
/** `erro.funcao` of a frame or call of a function without a name (an anonymous callback). */
export const ANONYMOUS_FUNCTION = '<anonymous>';

/** One frame of a V8 (Node.js) stack trace. `file` is a path (file:// URLs are converted). */
export interface JsStackFrame extends FingerprintFrame {
  line: number | null;
}

// "    at [async ][new ]fn (location)" or "    at location"; location is "file:line:col",
// "native", "<anonymous>" or "eval at ...".
const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(.+?)\)?\s*$/;
const LOCATION = /^(.+?):(\d+):\d+$/;

/**
 * The frames of the first error of a V8 stack trace, innermost first. Lines before the
 * first frame (the message) are skipped; parsing stops at the first line after the frames
 * that is not a frame, so the `[cause]` and `[errors]` sections the error reporter appends
 * are not read as the error's own frames.
 */
export function parseJsStack(stack: string): JsStackFrame[] {
  const frames: JsStackFrame[] = [];
  let start = 0;
  while (start < stack.length) {
    const end = stack.indexOf('\n', start);
    const text = stack.slice(start, end === -1 ? stack.length : end);
    start = end === -1 ? stack.length : end + 1;
    const frame = text.trimStart().startsWith('at ') ? parseFrame(text) : undefined;
    if (frame) frames.push(frame);
    else if (frames.length > 0) break;
  }
  return frames;
}

function parseFrame(text: string): JsStackFrame | undefined {
  const match = FRAME.exec(text);
  if (!match) return undefined;
  const [, rawFunction, rawLocation = ''] = match;
  // "at fn (file:1:2)" has both; "at file:1:2" has only the location, which FRAME may have
  // read as a function name when the path itself holds " (".
  const location = LOCATION.exec(rawLocation);
  const file = location ? toPath(location[1]!) : null;
  const isEval = rawLocation.startsWith('eval at ');
  return {
    file: isEval ? null : file,
    line: location && !isEval ? Number(location[2]) : null,
    function: functionName(rawFunction),
    inApp: !isEval && isInAppFile(file),
  };
}

/** `Foo.bar [as baz]` → `Foo.bar`; `new Foo` → `Foo`; `Object.<anonymous>` (module code) → null. */
function functionName(raw: string | undefined): string | null {
  if (!raw) return null;
  const name = raw
    .replace(/^new /, '')
    .replace(/ \[as [^\]]*\]$/, '')
    .trim();
  return name === '' || name === '<anonymous>' || name === 'Object.<anonymous>' ? null : name;
}

/** A frame is in-app unless it is a dependency, a Node.js internal or native code. */
export function isInAppFile(file: string | null): boolean {
  if (file === null || file === '' || file === 'native' || file === '<anonymous>') return false;
  if (file.startsWith('node:') || file.startsWith('internal/')) return false;
  return !/[\\/]node_modules[\\/]/.test(file);
}

/** A `file://` URL as a path; anything else as it is. */
export function toPath(location: string): string {
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location);
  } catch {
    return location;
  }
}
