/** Base class of every error this package throws. */
export class MongoExporterError extends Error {
  override name = 'MongoExporterError';
}

/**
 * A bad option or configuration value. The message names the option and the value;
 * connection strings in it are redacted.
 */
export class InvalidOptionError extends MongoExporterError {
  override name = 'InvalidOptionError';

  readonly option: string;
  readonly value: unknown;
  /** What a valid value looks like, as the message says it after "expected". */
  readonly expectation: string;
  /** For an unknown or misspelt key: the closest valid key. */
  readonly suggestion: string | undefined;

  /**
   * `options.cause`: the error that made the value invalid, such as the driver's parse error;
   * `options.suggestion`: for an unknown key, the closest valid one.
   */
  constructor(
    option: string,
    value: unknown,
    expectation: string,
    options?: ErrorOptions & { suggestion?: string | undefined },
  ) {
    const suggestion = options?.suggestion;
    super(
      `Invalid option ${option}: ${describeValue(value)}; expected ${expectation}` +
        (suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.option = option;
    this.value = value;
    this.expectation = expectation;
    this.suggestion = suggestion;
  }
}

/**
 * Thrown by `setupTelemetry()` when called twice or after its `shutdown()`. An exporter used
 * after its `shutdown()` reports `FAILED` with this error (`export()` never throws).
 */
export class LifecycleError extends MongoExporterError {
  override name = 'LifecycleError';
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return '[function]';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
