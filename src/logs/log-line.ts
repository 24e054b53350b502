import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DEFAULT_SECRET_KEYS, type SecretKeyPattern, secretKeyMatcher } from '../document/keys';
import { redactConnectionString } from '../foundation/redact';
import { levelOf } from '../document/level';

const REDACTED = '[REDACTED]';

/** Builds {@link formatLogLine}'s secret-key test once per exporter. */
export function lineSecretMatcher(redactKeys: readonly SecretKeyPattern[] = DEFAULT_SECRET_KEYS) {
  return secretKeyMatcher(redactKeys);
}

/**
 * One line of text for a record, the plan's `time - logger - LEVEL - message` followed by
 * the attributes as JSON. Line breaks are escaped so that each record stays on one line;
 * values of secret-looking keys and connection-string passwords are redacted.
 */
export function formatLogLine(record: ReadableLogRecord, isSecretKey: (key: string) => boolean): string {
  const time = new Date(hrTimeToMilliseconds(record.hrTime)).toISOString();
  const level = levelOf(record.severityNumber, record.severityText);
  const body = typeof record.body === 'string' ? record.body : toJson(record.body, isSecretKey);
  let line = `${time} - ${record.instrumentationScope.name} - ${level} - ${body}`;
  if (record.eventName) line += ` [${record.eventName}]`;
  if (Object.keys(record.attributes).length > 0) line += ` ${toJson(record.attributes, isSecretKey)}`;
  return redactConnectionString(line.replace(/\r\n|\r|\n/g, '\\n'));
}

function toJson(value: unknown, isSecretKey: (key: string) => boolean): string {
  if (value === undefined) return '';
  try {
    return (
      JSON.stringify(value, (key, entry: unknown) => {
        if (key !== '' && isSecretKey(key)) return REDACTED;
        if (typeof entry === 'bigint') return entry.toString();
        if (entry instanceof Uint8Array) return `[${entry.length} bytes]`;
        return entry;
      }) ?? String(value)
    );
  } catch {
    // A cycle or a throwing toJSON(): the line is still written, without the value.
    return '[unserializable]';
  }
}
