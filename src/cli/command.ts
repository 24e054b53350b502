import type { Command } from 'commander';

/** Where a command writes: stdout for results, stderr for progress and errors. Tests pass their own. */
export interface CliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Adds one command (with its options, `--help` text and action) to the program. */
export type RegisterCommand = (program: Command, output: CliOutput) => void;
