import type { CliOutput } from './command';

/**
 * Progress of long queries on stderr, one line rewritten in place, only when stderr is a
 * terminal (never in pipes, logs or JSON consumers). `done()` clears the line.
 */
export function progressLine(output: CliOutput): { step(text: string): void; done(): void } {
  if (!output.stderr.isTTY) return { step: () => undefined, done: () => undefined };
  const started = Date.now();
  let last = '';
  return {
    step(text) {
      if (text === last) return;
      last = text;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      output.stderr.write(`\r\u001b[2Kreading ${text}… (${seconds} s)`);
    },
    done() {
      if (last) output.stderr.write('\r\u001b[2K');
    },
  };
}
