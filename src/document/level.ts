import { SeverityNumber } from '@opentelemetry/api';
import { InvalidOptionError } from '../foundation/errors';
import type { LevelName } from './schema';

/** The lowest severity number of each level: what a threshold given as a name means. */
export const LEVEL_SEVERITY: Readonly<Record<LevelName, SeverityNumber>> = {
  DEBUG: SeverityNumber.TRACE,
  INFO: SeverityNumber.INFO,
  WARNING: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  CRITICAL: SeverityNumber.FATAL,
};

const ALIASES: Readonly<Record<string, LevelName>> = {
  TRACE: 'DEBUG',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  WARN: 'WARNING',
  WARNING: 'WARNING',
  ERROR: 'ERROR',
  FATAL: 'CRITICAL',
  CRITICAL: 'CRITICAL',
};

/** A level name in any common spelling (`warn`, `Warning`, `fatal`...), or undefined. */
export function parseLevelName(text: string): LevelName | undefined {
  return ALIASES[text.trim().toUpperCase()];
}

/**
 * The stored `nivel` of a record: from its severity number, else its severity text,
 * else INFO (an unspecified severity is an ordinary log line).
 */
export function levelOf(severityNumber: number | undefined, severityText?: string): LevelName {
  if (severityNumber !== undefined && severityNumber > 0) {
    if (severityNumber <= 8) return 'DEBUG';
    if (severityNumber <= 12) return 'INFO';
    if (severityNumber <= 16) return 'WARNING';
    if (severityNumber <= 20) return 'ERROR';
    return 'CRITICAL';
  }
  return (severityText && parseLevelName(severityText)) || 'INFO';
}

/** The effective severity number used for threshold comparison. */
export function effectiveSeverity(severityNumber: number | undefined, severityText?: string): number {
  if (severityNumber !== undefined && severityNumber > 0) return severityNumber;
  return LEVEL_SEVERITY[levelOf(undefined, severityText)];
}

/** A threshold given as a level name (any common spelling) or a severity number 1..24. */
export function parseSeverity(option: string, value: unknown): SeverityNumber {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 24) return value;
  if (typeof value === 'string') {
    const level = parseLevelName(value);
    if (level) return LEVEL_SEVERITY[level];
  }
  throw new InvalidOptionError(
    option,
    value,
    'DEBUG, INFO, WARNING, ERROR, CRITICAL or a severity number 1-24',
  );
}
