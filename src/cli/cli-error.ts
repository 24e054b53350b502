import { MongoExporterError } from '../foundation/errors';
import { redactText } from '../foundation/redact';

/** A failure the CLI reports as one line, with the exit code to end with. */
export class CliError extends MongoExporterError {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * One line for the terminal: the message of a CLI error as it is, the class and message of
 * anything else, connection-string passwords and the given secrets redacted.
 */
export function describeCliError(error: unknown, secrets: readonly string[] = []): string {
  const text =
    error instanceof CliError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return redactText(text, secrets)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
