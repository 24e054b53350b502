import type { StackFrame } from './stack-frame';

// `  File "/app/main.py", line 12, in salvar` (the `, in ...` part is absent in some tools' output)
const FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;
const HEADER = 'Traceback (most recent call last):';

/** Whether `text` is a Python traceback, as `traceback.format_exception` prints it. */
export function isPythonTraceback(text: string): boolean {
  return text.includes(HEADER);
}

/**
 * The frames of a Python traceback, innermost first (the order of a V8 stack, so callers
 * read frame 0 as "where it was raised"). With chained exceptions ("During handling of the
 * above exception..."), Python prints the last raised exception last: its frames are returned.
 */
export function parsePythonTraceback(text: string): StackFrame[] {
  const start = text.lastIndexOf(HEADER);
  if (start === -1) return [];
  const frames: StackFrame[] = [];
  for (const line of text.slice(start + HEADER.length).split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, file, lineNumber, func] = match;
    frames.push({ file: file ?? null, line: Number(lineNumber), func: func ?? null });
  }
  return frames.reverse();
}
