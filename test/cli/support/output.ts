import { PassThrough } from 'node:stream';
import type { CliOutput } from '../../../src/cli/command';

/** A CLI output that keeps what was written, for assertions. */
export interface CapturedOutput extends CliOutput {
  out(): string;
  err(): string;
}

export function captureOutput(options: { tty?: boolean } = {}): CapturedOutput {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.out.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.err.push(chunk));
  return {
    stdout,
    stderr,
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
}
