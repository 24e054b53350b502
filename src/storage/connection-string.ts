import { MongoClient } from 'mongodb';
import { passwordOf, redactText } from '../redact';

/** Why the driver refuses a connection string: its message (password removed) and its own error. */
export interface ConnectionStringProblem {
  message: string;
  cause: unknown;
}

/**
 * Why the driver cannot use `uri`, or undefined when it can. The driver parses a connection
 * string when a client is made, without connecting, so this is the driver's own rule
 * (hosts, ports, options), checked where the options are resolved rather than at first use.
 */
export function connectionStringProblem(uri: string): ConnectionStringProblem | undefined {
  try {
    new MongoClient(uri);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { message: redactText(message, passwordOf(uri)), cause: error };
  }
}
