/**
 * A request the gateway refuses, with the HTTP status to answer and a message safe to send
 * back (it never holds a token or anything from the server side).
 */
export class GatewayRequestError extends Error {
  readonly status: number;
  /** Seconds the client should wait before retrying (429 and 503). */
  readonly retryAfterSeconds: number | undefined;
  /** The name of the token refused (403); a 401 has none. Never the token itself. */
  readonly tokenName: string | undefined;

  constructor(status: number, message: string, retryAfterSeconds?: number, tokenName?: string) {
    super(message);
    this.name = 'GatewayRequestError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.tokenName = tokenName;
  }
}

/** 400: the body cannot be read as an OTLP request. */
export function badRequest(message: string): GatewayRequestError {
  return new GatewayRequestError(400, message);
}
