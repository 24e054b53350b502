import type { FingerprintFrame } from './fingerprint';

/** One frame of a Python traceback. */
export interface PythonStackFrame extends FingerprintFrame {
  line: number | null;
}

// `  File "/app/main.py", line 12, in salvar` (the `, in ...` part is absent in some tools' output)
const FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;
export const PYTHON_TRACEBACK_HEADER = 'Traceback (most recent call last):';
const HEADER = PYTHON_TRACEBACK_HEADER;
// Installed packages, the standard library and frozen/importlib internals are not the app's code.
const NOT_IN_APP = /[\\/](?:site-packages|dist-packages)[\\/]|[\\/]lib[\\/]python\d[\d.]*[\\/]|^<frozen /;

/** Whether `text` is a Python traceback, as `traceback.format_exception` prints it. */
export function isPythonTraceback(text: string): boolean {
  return text.includes(HEADER);
}

/**
 * The frames of a Python traceback, innermost first (the order of a V8 stack, so frame 0 is
 * where the exception was raised). With chained exceptions ("During handling of the above
 * exception..."), Python prints the last raised exception last: its frames are returned.
 */
export function parsePythonTraceback(text: string): PythonStackFrame[] {
  const start = text.lastIndexOf(HEADER);
  if (start === -1) return [];
  const frames: PythonStackFrame[] = [];
  for (const line of text.slice(start + HEADER.length).split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, file = '', lineNumber, func] = match;
    const name = func === undefined || func === '<module>' ? null : func;
    frames.push({ file, line: Number(lineNumber), function: name, inApp: !NOT_IN_APP.test(file) });
  }
  return frames.reverse();
}
