import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../foundation/redact';
import type { WebhookFormat } from './alert-body';

/** Where alerts go. `label` is what messages show: the URL without its secrets. */
export interface WebhookTarget {
  /** A stable id of the URL (a hash: the URL itself is a secret), for the ledger. */
  id: string;
  label: string;
  url: string;
  format: WebhookFormat;
}

/** How hard one alert is pushed to one target. */
export interface DeliveryPolicy {
  /** Time limit of one request, in milliseconds. */
  timeoutMs: number;
  /** Further attempts after a network error or a 5xx (0: none). */
  retries: number;
  /** Wait before the first retry; doubled before each next one, at most 30 s. */
  backoffMs: number;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** The last HTTP status, when the server answered. */
  status?: number;
  /** A failure that a retry cannot mend: a 4xx (the request itself is refused). */
  permanent: boolean;
  /** The last failure, secrets removed. */
  error?: string;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * A target for `url`. Slack's incoming-webhook URLs are secrets (whoever has one may post), and
 * other webhooks carry tokens in their path or query, so a label keeps only the scheme and host.
 */
export function webhookTarget(url: string, format: WebhookFormat): WebhookTarget {
  const parsed = new URL(url);
  const hidden = parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '';
  return {
    id: createHash('sha256').update(`${format} ${url}`).digest('hex').slice(0, 16),
    label: `${parsed.protocol}//${parsed.host}${hidden ? '/****' : '/'}`,
    url,
    format,
  };
}

/** Every form in which a target's URL may appear in an error message, to be redacted. */
export function secretsOf(target: WebhookTarget): string[] {
  const parsed = new URL(target.url);
  return [target.url, `${parsed.pathname}${parsed.search}`].filter((text) => text.length > 1);
}

/**
 * POSTs `body` as JSON. A network error, a timeout or a 5xx is retried `policy.retries` times
 * with a doubling wait; a 4xx is not (the receiver refuses this request: the same one would be
 * refused again, 429 included). Never throws: the result says what happened. `signal` (Ctrl-C)
 * ends the waits and the request in flight.
 */
export async function deliver(
  target: WebhookTarget,
  body: unknown,
  policy: DeliveryPolicy,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  const payload = JSON.stringify(body);
  let attempts = 0;
  for (;;) {
    attempts++;
    const last = await attempt(target, payload, policy.timeoutMs, attempts, signal);
    if (last.ok || last.permanent || attempts > policy.retries || signal?.aborted) return last;
    const wait = Math.min(MAX_BACKOFF_MS, policy.backoffMs * 2 ** (attempts - 1));
    try {
      await sleep(wait, undefined, signal ? { signal } : undefined);
    } catch {
      // Aborted while waiting: the caller is stopping; the last failure is the answer.
      return last;
    }
  }
}

async function attempt(
  target: WebhookTarget,
  payload: string,
  timeoutMs: number,
  attempts: number,
  signal: AbortSignal | undefined,
): Promise<DeliveryResult> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'error',
    });
    // The body is not needed; reading it frees the connection for the next request.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true, attempts, status: response.status, permanent: false };
    return {
      ok: false,
      attempts,
      status: response.status,
      permanent: response.status >= 400 && response.status < 500,
      error: `HTTP ${response.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    const reason = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : describeError(error, secretsOf(target));
    return {
      ok: false,
      attempts,
      permanent: false,
      error: typeof cause === 'string' ? `${reason} (${cause})` : reason,
    };
  }
}
