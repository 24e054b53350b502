import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, beforeEach } from 'vitest';

export interface CapturedDiag {
  lines: string[];
  text(): string;
}

/** Captures everything `diag` prints during each test of the file. */
export function captureDiag(level: DiagLogLevel = DiagLogLevel.WARN): CapturedDiag {
  const captured: CapturedDiag = { lines: [], text: () => captured.lines.join('\n') };
  const record =
    (severity: string) =>
    (message: string, ...args: unknown[]) =>
      captured.lines.push(
        `${severity} ${message} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`,
      );
  const logger: DiagLogger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    verbose: record('verbose'),
  };
  beforeEach(() => {
    captured.lines.length = 0;
    diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  });
  afterEach(() => diag.disable());
  return captured;
}
