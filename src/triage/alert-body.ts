import { appLabel } from './group-key';
import type { Alert } from './alerts';

/** The body formats of a webhook: Slack's incoming-webhook JSON, or the generic one (Teams, others). */
export type WebhookFormat = 'generic' | 'slack';

const HEADINGS: Record<Alert['kind'], string> = {
  new: 'New error group',
  regressed: 'Regression',
  escalating: 'Escalating error group',
  crash_free_below: 'Crash-free sessions under the threshold',
};

/**
 * The generic body: `{ source, kind, app, fingerprint?, version?, text, at, details }`, `app`
 * being `''` for documents without `app_nome`.
 */
export function genericBody(alert: Alert): Record<string, unknown> {
  return {
    source: 'opentelemetry-exporter-mongodb',
    kind: alert.kind,
    app: alert.app,
    ...(alert.fingerprint === undefined ? {} : { fingerprint: alert.fingerprint }),
    ...(alert.version === undefined ? {} : { version: alert.version }),
    text: alert.text,
    at: alert.at.toISOString(),
    details: alert.details,
  };
}

/**
 * Slack's incoming-webhook body: `text` (the notification, and what clients without blocks
 * show) and `blocks`: a section with the heading and the line, and a context with app, version
 * and fingerprint. `&`, `<` and `>` are escaped as Slack's mrkdwn requires.
 */
export function slackBody(alert: Alert): { text: string; blocks: unknown[] } {
  const context = [
    `app: ${appLabel(alert.app)}`,
    ...(alert.version === undefined ? [] : [`version: ${alert.version}`]),
    ...(alert.fingerprint === undefined ? [] : [`fingerprint: \`${alert.fingerprint}\``]),
  ].join(' · ');
  return {
    text: escapeSlack(`${HEADINGS[alert.kind]}: ${alert.text}`),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${HEADINGS[alert.kind]}*\n${escapeSlack(alert.text)}` },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(context) }] },
    ],
  };
}

export function bodyFor(format: WebhookFormat, alert: Alert): unknown {
  return format === 'slack' ? slackBody(alert) : genericBody(alert);
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
