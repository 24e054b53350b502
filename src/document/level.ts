import { SeverityNumber } from '@opentelemetry/api';
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
