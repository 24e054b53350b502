import { fileURLToPath } from 'node:url';
import { ANONYMOUS_FUNCTION, MODULE_LEVEL } from './js-stack';
import { isPythonTraceback, parsePythonTraceback } from './python-traceback';

/** Where an error was thrown: the top frame of a V8 stack trace. */
export interface StackFrame {
  file: string | null;
  line: number | null;
  func: string | null;
}

// "    at [async ][new ]fn (file:line:col)" or "    at file:line:col"
const FRAME = /^\s*at (?:async )?(?:(.*?) \()?(.+?):(\d+):\d+\)?\s*$/;

/**
 * The first frame of `stack` that names a file and line, or undefined. A Python traceback
 * (received through the gateway) gives its last frame: where the exception was raised.
 * A frame without a function name is `<module>` when module-level code threw (the caller is
 * Node.js's module loader, or there is none), as the plan stores it, and `<anonymous>` otherwise,
 * as for the call site of a log.
 */
export function topFrame(stack: string): StackFrame | undefined {
  if (isPythonTraceback(stack)) {
    const frame = parsePythonTraceback(stack)[0];
    // The traceback's frame names module-level code `<module>`; its parser reads that as no name.
    return frame && { file: frame.file, line: frame.line, func: frame.function ?? MODULE_LEVEL };
  }
  let start = 0;
  while (start < stack.length) {
    const end = stack.indexOf('\n', start);
    const line = stack.slice(start, end === -1 ? stack.length : end);
    start = end === -1 ? stack.length : end + 1;
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, func, location, lineNumber] = match;
    if (!location || location.startsWith('eval at ')) continue;
    const named = func && func !== 'Object.<anonymous>' && func !== '<anonymous>';
    return {
      file: toPath(location),
      line: Number(lineNumber),
      func: named ? func.replace(/^new /, '') : unnamedAt(stack, start),
    };
  }
  return undefined;
}

/** `<module>` or `<anonymous>` for an unnamed frame, from the next frame line (at or after `from`). */
function unnamedAt(stack: string, from: number): string {
  let start = from;
  while (start < stack.length) {
    const end = stack.indexOf('\n', start);
    const line = stack.slice(start, end === -1 ? stack.length : end);
    start = end === -1 ? stack.length : end + 1;
    if (!STARTS_AS_FRAME.test(line)) continue;
    return line.includes('node:internal/modules/') ? MODULE_LEVEL : ANONYMOUS_FUNCTION;
  }
  return MODULE_LEVEL; // the bottom of the stack
}

const STARTS_AS_FRAME = /^\s*at /;

function toPath(location: string): string {
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location);
  } catch {
    return location;
  }
}
