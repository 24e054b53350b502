import { createHash } from 'node:crypto';

/**
 * A stack frame as the fingerprint reads it. Any runtime's stack parser can produce it
 * (`parseJsStack` for Node.js; a Python traceback parser for the gateway).
 */
export interface FingerprintFrame {
  /** The source file as the runtime reports it (absolute or relative); null when unknown. */
  file: string | null;
  /** The function name; null for module-level or anonymous code. */
  function: string | null;
  /** False for dependencies, runtime internals and native code. */
  inApp: boolean;
}

/** What an error is grouped by. */
export interface FingerprintInput {
  /** The exception type (`TypeError`), or null for a log record without one. */
  type: string | null;
  /** The message, used only when there is no in-app frame. */
  message: string;
  /** Innermost first. */
  frames: readonly FingerprintFrame[];
}

/** Hex digits of a fingerprint: 64 bits, as many as `maquina_id`. */
export const FINGERPRINT_LENGTH = 16;

/**
 * The group key of an error: the same for the same bug on every machine, install folder,
 * process and app version, as long as the failing code path is unchanged.
 *
 * - With in-app frames: the type, then each in-app frame's file (relative to `appRoots`)
 *   and function. Line and column numbers are left out, so edits elsewhere in a file do not
 *   split a group; a run of identical frames (recursion) counts once.
 * - Without: the type and the message with variable parts replaced ({@link normalizeMessage}).
 */
export function fingerprint(input: FingerprintInput, appRoots: readonly string[] = []): string {
  const parts: string[] = ['v1', input.type ?? ''];
  let previous: string | undefined;
  for (const frame of input.frames) {
    if (!frame.inApp) continue;
    const part = `${frame.file === null ? '?' : relativeFile(frame.file, appRoots)}|${frame.function ?? '?'}`;
    if (part !== previous) parts.push(part);
    previous = part;
  }
  if (parts.length === 2) parts.push(`message|${normalizeMessage(input.message)}`);
  return hashParts(parts);
}

/**
 * The fingerprint an application chose (the `error.fingerprint` attribute): a string, or an
 * array of strings that are joined. Hashed, so every stored fingerprint has the same shape.
 */
export function customFingerprint(value: string | readonly string[]): string {
  return hashParts(['custom', ...(typeof value === 'string' ? [value] : value)]);
}

function hashParts(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/**
 * A file path made independent of where the application is installed: `/` separators,
 * relative to the first root that contains it; a file outside every root keeps only its
 * name. Query strings and hashes (bundler cache busters) are removed.
 */
export function relativeFile(file: string, appRoots: readonly string[]): string {
  const path = file.replace(/[?#].*$/, '').replaceAll('\\', '/');
  for (const root of appRoots) {
    const prefix = root.replaceAll('\\', '/').replace(/\/+$/, '') + '/';
    if (prefix !== '/' && startsWithPath(path, prefix)) return path.slice(prefix.length);
  }
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

/** Windows paths compare case-insensitively (`C:/App` and `c:/app` are one folder). */
function startsWithPath(path: string, prefix: string): boolean {
  if (/^[A-Za-z]:\//.test(prefix)) return path.toLowerCase().startsWith(prefix.toLowerCase());
  return path.startsWith(prefix);
}

// Order matters: a URL holds numbers and IPs, an IP looks like a dotted date, a date holds numbers.
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>]+/gi, '<url>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<date>'],
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])/gi, '<ip>'],
  [
    /(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\w:])/gi,
    '<ip>',
  ],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
  [/\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b/g, '<date>'],
  [/\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b/g, '<time>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/gi, '<hex>'],
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|“[^”]*”|«[^»]*»/g, '<quoted>'],
  [/[-+]?\b\d+(?:[.,]\d+)*\b/g, '<num>'],
];

/** Only the start of a message is read: it names the problem, and the cost stays bounded. */
export const NORMALIZED_MESSAGE_LENGTH = 1024;

/**
 * A message with its variable parts replaced by placeholders: URLs, e-mail addresses,
 * UUIDs, dates and times, IPv4 and IPv6 addresses, hex ids, quoted values and numbers.
 * `user 123 not found` and `user 456 not found` both become `user <num> not found`.
 * Only the first {@link NORMALIZED_MESSAGE_LENGTH} characters are kept.
 */
export function normalizeMessage(message: string): string {
  let text = message.slice(0, NORMALIZED_MESSAGE_LENGTH);
  for (const [pattern, placeholder] of PLACEHOLDERS) text = text.replace(pattern, placeholder);
  return text.replace(/\s+/g, ' ').trim();
}
