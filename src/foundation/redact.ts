/**
 * The package's one place for hiding secrets in text: connection-string passwords (in a
 * URI given as an option, or anywhere inside a longer text), secrets carried in URI
 * options, and known secrets that a driver error may echo on their own.
 */
const REDACTED = '****';

// A URI inside text: a scheme, `://`, then everything up to a space, a quote or an angle
// bracket. A raw `@`, `:`, `/` or `%` in a password stays inside the match.
const URI_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*/gi;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

// Options whose value is a secret (the driver's own redaction hides the same ones).
const SECRET_OPTIONS = /((?:^|[?&])(?:tlsCertificateKeyFilePassword|proxyPassword)=)[^&#]*/gi;
const AWS_SESSION_TOKEN = /(AWS_SESSION_TOKEN(?::|%3A))[^,&#]*/gi;

interface UriParts {
  /** `mongodb://`, `mongodb+srv://`... ('' when the value has no scheme). */
  scheme: string;
  /** The user name, undefined when the URI has no credentials. */
  user: string | undefined;
  /** The raw password as written (percent-escapes kept), undefined when there is none. */
  password: string | undefined;
  /** What follows the credentials: hosts, path, options. */
  rest: string;
}

/**
 * Splits one URI. The credentials run up to the LAST `@`, since users type raw `@` (and
 * `:`, `/`) in passwords: `mongodb://logger:S3cr@t@db/` has the password `S3cr@t`. The
 * user name ends at the first `:` and cannot hold `/`, `?` or `#` (so `file:///C:/x/@scope`
 * has no credentials). An `@` in the URI's options is taken as the end of the credentials
 * too: hiding too much is the safe side.
 */
function splitUri(uri: string): UriParts {
  const scheme = SCHEME.exec(uri)?.[0] ?? '';
  const afterScheme = uri.slice(scheme.length);
  const at = afterScheme.lastIndexOf('@');
  if (at < 0) return { scheme, user: undefined, password: undefined, rest: afterScheme };
  const userInfo = afterScheme.slice(0, at);
  const colon = userInfo.indexOf(':');
  const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
  if (/[/?#]/.test(user)) return { scheme, user: undefined, password: undefined, rest: afterScheme };
  return {
    scheme,
    user,
    password: colon < 0 ? undefined : userInfo.slice(colon + 1),
    rest: afterScheme.slice(at),
  };
}

function redactUri(uri: string): string {
  const { scheme, user, password, rest } = splitUri(uri);
  const credentials = user === undefined ? '' : password === undefined ? user : `${user}:${REDACTED}`;
  return (
    scheme +
    credentials +
    rest.replace(SECRET_OPTIONS, `$1${REDACTED}`).replace(AWS_SESSION_TOKEN, `$1${REDACTED}`)
  );
}

/**
 * Text with the password of every URI in it replaced by `****` (`mongodb://`,
 * `mongodb+srv://` or any other scheme, one host or several), and the secret URI options
 * (`tlsCertificateKeyFilePassword`, `proxyPassword`, `AWS_SESSION_TOKEN`) hidden too.
 * Everything else is kept. Works on a connection string alone or on a longer text that
 * contains URIs, such as a driver error message or a log line.
 */
export function redactConnectionString(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URI_IN_TEXT, redactUri);
}

/**
 * A value given where a connection string was expected, as it may be shown in an error.
 * The whole value is read as one URI, so a password with spaces or quotes is hidden too;
 * a value with an `@` but no scheme (`user:pass@host`) keeps only what follows its last `@`.
 */
export function redactConnectionStringValue(value: string): string {
  if (SCHEME.test(value)) return redactUri(value);
  const at = value.lastIndexOf('@');
  return at < 0 ? value : `${REDACTED}${value.slice(at)}`;
}

/**
 * `host1:27017,host2` of a connection string: its host list without credentials, path or
 * options; undefined when the value is not a URI.
 */
export function hostsOf(uri: string): string | undefined {
  if (!SCHEME.test(uri)) return undefined;
  const { rest } = splitUri(uri);
  return /^@?([^/?]*)/.exec(rest)?.[1];
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

/**
 * The password of a connection string as written and decoded (the two forms an error
 * message may echo), so that it can be redacted from text; [] when there is none.
 */
export function passwordOf(uri: string | undefined): string[] {
  if (!uri || !SCHEME.test(uri)) return [];
  const raw = splitUri(uri).password;
  if (!raw) return [];
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
