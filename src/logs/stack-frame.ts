import { fileURLToPath } from 'node:url';
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
 */
export function topFrame(stack: string): StackFrame | undefined {
  if (isPythonTraceback(stack)) {
    const frame = parsePythonTraceback(stack)[0];
    return frame && { file: frame.file, line: frame.line, func: frame.function };
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
    return {
      file: toPath(location),
      line: Number(lineNumber),
      func: func ? func.replace(/^new /, '') : null,
    };
  }
  return undefined;
}

function toPath(location: string): string {
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location);
  } catch {
    return location;
  }
}
