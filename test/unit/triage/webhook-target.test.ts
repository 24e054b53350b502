import { describe, expect, it } from 'vitest';
import { secretsOf, webhookTarget } from '../../../src/triage/webhook';

describe('webhookTarget', () => {
  it("labels a Slack URL with its scheme and host only: the path is the webhook's secret", () => {
    const target = webhookTarget('https://hooks.slack.com/services/T0/B0/XyZsecret', 'slack');
    expect(target.label).toBe('https://hooks.slack.com/****');
    expect(target.label).not.toContain('XyZsecret');
    expect(target.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hides a query token and credentials too; keeps a bare origin as it is', () => {
    expect(webhookTarget('https://example.com/?token=abc', 'generic').label).toBe('https://example.com/****');
    expect(webhookTarget('https://user:pw@example.com/', 'generic').label).toBe('https://example.com/****');
    expect(webhookTarget('http://127.0.0.1:8080', 'generic').label).toBe('http://127.0.0.1:8080/');
  });

  it('gives one id per URL and format, and lists the URL and its path as secrets to redact', () => {
    const url = 'https://example.com/hook/abc';
    expect(webhookTarget(url, 'generic').id).toBe(webhookTarget(url, 'generic').id);
    expect(webhookTarget(url, 'generic').id).not.toBe(webhookTarget(url, 'slack').id);
    expect(secretsOf(webhookTarget(url, 'generic'))).toEqual([url, '/hook/abc']);
  });
});
