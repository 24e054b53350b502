/**
 * State shared by every ErrorReporter in the process, kept on `globalThis` under a
 * registered symbol so that two copies of the package (ESM and CommonJS builds, or
 * two versions) still agree on which errors were stored and who owns the process hooks.
 */
export interface ReporterRegistry {
  /** Errors already emitted: never emitted again, whoever sees them next. */
  readonly reported: WeakSet<object>;
  /** The reporter whose process hooks are installed, if any. */
  hooksOwner: object | undefined;
}

const KEY = Symbol.for('opentelemetry-exporter-mongodb/error-reporter');

/** The process-wide registry, created on first use. */
export function reporterRegistry(): ReporterRegistry {
  const holder = globalThis as { [KEY]?: ReporterRegistry };
  holder[KEY] ??= { reported: new WeakSet(), hooksOwner: undefined };
  return holder[KEY];
}
