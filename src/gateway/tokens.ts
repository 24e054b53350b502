import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatewayRequestError } from './request-error';

/** One client credential: a name for logs and counters, the app it may write for, and the secret. */
export interface GatewayToken {
  /** Shown in logs and counters instead of the secret. */
  name: string;
  /** The `service.name` this token may write as; `*` allows any (for a Collector in front). */
  app: string;
  token: string;
}

/** Any app: for a trusted relay such as an OpenTelemetry Collector. */
export const ANY_APP = '*';
export const MIN_TOKEN_LENGTH = 16;
/** The 401 message for a token that matches none configured (it has no name to give). */
export const INVALID_TOKEN = 'invalid bearer token';

/**
 * Parses the token list: one token per line (or per `;` in an environment variable),
 * `<name> <app> <token>` separated by spaces; blank lines and `#` comments are skipped.
 * Throws naming the line and the token's name, never its value.
 */
export function parseTokens(text: string, source: string): GatewayToken[] {
  const tokens: GatewayToken[] = [];
  const names = new Set<string>();
  const lines = text.split(/[\n;]/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const where = `${source}, entry ${index + 1}`;
    if (parts.length !== 3) {
      throw new Error(`${where}: expected "<name> <app> <token>" (${parts.length} fields found)`);
    }
    const [name, app, token] = parts as [string, string, string];
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new Error(`${where}: the token of "${name}" is shorter than ${MIN_TOKEN_LENGTH} characters`);
    }
    if (names.has(name)) throw new Error(`${where}: the name "${name}" is used twice`);
    names.add(name);
    tokens.push({ name, app, token });
  }
  return tokens;
}

/** Reads the token file, or the environment variable's text. */
export function loadTokens(file: string | undefined, envText: string | undefined): GatewayToken[] {
  const tokens: GatewayToken[] = [];
  if (file) tokens.push(...parseTokens(readFileSync(file, 'utf8'), file));
  if (envText) tokens.push(...parseTokens(envText, 'the environment variable'));
  return tokens;
}

interface StoredToken {
  readonly name: string;
  readonly app: string;
  readonly digest: Buffer;
}

/**
 * Checks `Authorization: Bearer` headers against the configured tokens. Each presented token is
 * hashed and compared with every stored digest with `timingSafeEqual`, without stopping at a
 * match: the time taken does not depend on which characters, or which token, matched.
 */
export class TokenAuthenticator {
  private readonly tokens: StoredToken[];

  constructor(tokens: readonly GatewayToken[]) {
    this.tokens = tokens.map(({ name, app, token }) => ({ name, app, digest: digestOf(token) }));
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The token's name and app, or a 401 error. */
  authenticate(header: string | undefined): { name: string; app: string } {
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new GatewayRequestError(401, 'missing bearer token');
    const digest = digestOf(match[1]!);
    let found: StoredToken | undefined;
    for (const stored of this.tokens) {
      if (timingSafeEqual(stored.digest, digest) && !found) found = stored;
    }
    if (!found) throw new GatewayRequestError(401, INVALID_TOKEN);
    return { name: found.name, app: found.app };
  }
}

/** Whether a token bound to `allowed` may write records whose `service.name` is `app`. */
export function mayWriteAs(allowed: string, app: string): boolean {
  return allowed === ANY_APP || allowed === app;
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
