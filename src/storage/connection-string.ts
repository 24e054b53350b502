import { MongoClient } from 'mongodb';
import { passwordOf, redactText } from '../foundation/redact';

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
    const message = redactText(error instanceof Error ? error.message : String(error), passwordOf(uri));
    return { message: unescapedCredentials(uri) ? `${message}; ${ESCAPE_HINT}` : message, cause: error };
  }
}

/** What to do about a user name or password holding a character that URIs reserve. */
export const ESCAPE_HINT =
  'percent-encode special characters in the user name and password (@ → %40, : → %3A, / → %2F, % → %25)';

/**
 * Whether the part before the hosts holds more than one `@` (a password with an unencoded
 * `@`), or more than one `:` in the credentials: the driver then sees a wrong host or user.
 */
function unescapedCredentials(uri: string): boolean {
  const scheme = uri.indexOf('://');
  if (scheme < 0) return false;
  const rest = uri.slice(scheme + 3);
  const end = rest.search(/[/?]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at < 0) return false;
  const credentials = authority.slice(0, at);
  return (
    credentials.includes('@') || credentials.split(':').length > 2 || /%(?![0-9A-Fa-f]{2})/.test(credentials)
  );
}
