const REDACTED = '****';

// scheme://user:password@host — the password is anything up to the last '@' before the host list.
const CREDENTIALS_IN_URI = /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@\s]*)@/gi;

/** The connection string with its password replaced by `****`; everything else is kept. */
export function redactConnectionString(uri: string): string {
  return uri.replace(
    CREDENTIALS_IN_URI,
    (_match, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`,
  );
}

/**
 * Removes connection-string passwords from free text such as driver error messages,
 * and any literal occurrence of the given secrets (a password may be echoed without its URI).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = redactConnectionString(text);
  for (const secret of secrets) {
    if (secret.length >= 3) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** The decoded password of a connection string, if it has one, so that it can be redacted from text. */
export function passwordOf(uri: string | undefined): string[] {
  if (!uri) return [];
  const match = /^mongodb(?:\+srv)?:\/\/[^:@/\s]*:([^@\s]*)@/i.exec(uri);
  if (!match?.[1]) return [];
  const raw = match[1];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape: only the raw form can appear in text.
  }
  return decoded === raw ? [raw] : [raw, decoded];
}

/** An error's message, safe to log: no connection-string password and no known secret. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : typeof error === 'string'
        ? error
        : String(error);
  return redactText(text, secrets);
}
