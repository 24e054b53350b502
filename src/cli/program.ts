import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import type { CliOutput } from './command';
import { CliError, describeCliError } from './cli-error';

export const PROGRAM_NAME = 'opentelemetry-exporter-mongodb';

/** The whole CLI: every command of `COMMANDS` registered on one commander program. */
export function createProgram(output: CliOutput, version: string): Command {
  const program = new Command(PROGRAM_NAME)
    .description(
      'Look at what the exporter stored in MongoDB: reports, a live dashboard, indexes and retention.',
    )
    .version(version, '-V, --version', 'print the package version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program, output);
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and resolves to the exit code.
 * Never throws: a failure is one line on stderr (passwords redacted) and exit code 1.
 */
export async function runCli(argv: readonly string[], output: CliOutput, version: string): Promise<number> {
  const program = createProgram(output, version);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; usage errors were already printed.
      return error.exitCode;
    }
    output.stderr.write(`${PROGRAM_NAME}: ${describeCliError(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
