import { type AnyValue, type Logger, type LoggerProvider, logs, SeverityNumber } from '@opentelemetry/api';
import { types } from 'node:util';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_UNHANDLED,
  ATTR_LOG_RECORD_UID,
} from '../pipeline/attributes';
import { toSafeAttributes } from '../document/attribute-values';
import { crashSinks } from '../logs/crash-sinks';
import { createIdSource } from '../document/id';
import { HOLD_CRASH_RECORD, ON_CRASH } from '../foundation/internal-symbols';
import { type OptionTable, keysOf, resolveTable } from '../options/descriptor';
import { loggerProviderOption, nonEmptyString } from '../options/validators';
import {
  type MongoExporterOptions,
  resolvePartSwitches,
  SHARED_OPTION_KEYS,
} from '../shared-options/shared-options';
import { describeError } from '../foundation/redact';
import { ProcessHooks, type UncaughtOrigin } from './global-handlers';
import { normalizeThrown } from './normalize';
import { reporterRegistry } from './registry';
import { SanitizeReport } from '../document/sanitize-report';

const log = componentLogger('error-reporter');

/** The instrumentation scope of reported errors: their `logger_name`, unless `loggerName` is given. */
export const ERROR_REPORTER_LOGGER_NAME = 'opentelemetry-exporter-mongodb/error-reporter';

/** Attributes the reporter sets itself; a `contexto` key with one of these names is ignored. */
const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_UNHANDLED,
  ATTR_LOG_RECORD_UID,
]);

/**
 * The `_id` of a crash record, given once when it is reported: the copy in the SDK's queue and the
 * copy held for the exit spool carry it (`log.record.uid`), so both are one document. The same
 * 24-hex ObjectId layout as every other `_id` of `errors` and `audit`.
 */
const nextCrashId = createIdSource();

/** Options of {@link ErrorReporter}. Other keys of a shared options object are ignored. */
export interface ErrorReporterOptions extends Pick<MongoExporterOptions, 'flushTimeoutMs'> {
  /**
   * Where the records go: a provider whose processors include a `MongoLogRecordExporter`.
   * @default logs.getLoggerProvider(), read at each report
   */
  loggerProvider?: LoggerProvider;
  /**
   * Instrumentation scope name of the records (stored as `logger_name`).
   * @default ERROR_REPORTER_LOGGER_NAME
   */
  loggerName?: string;
}

/** The reporter's own options; `flushTimeoutMs` is a shared one. */
const ERROR_REPORTER_OPTIONS = {
  loggerProvider: { transform: loggerProviderOption },
  loggerName: { default: ERROR_REPORTER_LOGGER_NAME, transform: nonEmptyString },
} satisfies OptionTable<Omit<ErrorReporterOptions, 'flushTimeoutMs'>>;

/** Every key {@link ErrorReporter} accepts: its own and the shared ones (one object can configure every part). */
export const ERROR_REPORTER_KEYS = keysOf(SHARED_OPTION_KEYS, ERROR_REPORTER_OPTIONS);

/** Extra information stored with a reported error, in the document's `contexto`. */
export type ReportContext = Record<string, unknown>;

/**
 * Sends errors to the `errors` collection as FATAL log records (`nivel: "CRITICAL"`):
 * explicitly with `report()`, around a function with `wrap()`, and for the errors that
 * would kill the process with `installGlobalHandlers()`. Each error object is emitted at
 * most once, whichever of these sees it, and the reporter never throws into the application.
 */
export class ErrorReporter {
  /** The longest an exit waits for the crash record to be flushed. */
  readonly flushTimeoutMs: number;
  private readonly explicitProvider: LoggerProvider | undefined;
  private readonly loggerName: string;
  private cachedLogger: { provider: LoggerProvider; logger: Logger } | undefined;
  private hooks: ProcessHooks | undefined;
  private readonly crashHandlers = new Set<() => unknown>();

  constructor(options: ErrorReporterOptions = {}) {
    const { flushTimeoutMs } = resolvePartSwitches('ErrorReporter', options, ERROR_REPORTER_KEYS);
    const own = resolveTable(ERROR_REPORTER_OPTIONS, options);
    this.explicitProvider = own.loggerProvider;
    this.loggerName = own.loggerName;
    this.flushTimeoutMs = flushTimeoutMs;
  }

  /** Whether this reporter's process hooks are installed. */
  get installed(): boolean {
    return this.hooks !== undefined;
  }

  /**
   * Emits one record for `error` (anything that was thrown), with `contexto` as attributes.
   * Returns false when nothing was emitted: the same error object was already reported,
   * or the emit failed (then reported through diag). Never throws.
   */
  report(error: unknown, contexto?: ReportContext): boolean {
    return this.emit(error, contexto, undefined);
  }

  /**
   * `fn` with the same `this`, arguments, return value, name and length, that reports what
   * it throws (or what its returned promise rejects with) and then rethrows it unchanged.
   * `contexto.funcao_decorada` names the function.
   */
  wrap<F extends (...args: never[]) => unknown>(fn: F, contexto?: ReportContext): F {
    if (typeof fn !== 'function') throw new InvalidOptionError('fn', fn, 'a function');
    const context: ReportContext = { ...contexto, funcao_decorada: fn.name || '<anonymous>' };
    const onError = (error: unknown): never => {
      this.report(error, context);
      throw error;
    };
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = new.target
          ? Reflect.construct(fn, args, new.target === wrapped ? fn : new.target)
          : Reflect.apply(fn, this, args);
      } catch (error) {
        return onError(error);
      }
      // Only native promises: calling `then` on other thenables (query builders) can start work.
      return types.isPromise(result) ? result.then(undefined, onError) : result;
    };
    Object.defineProperties(wrapped, {
      name: { value: fn.name, configurable: true },
      length: { value: fn.length, configurable: true },
    });
    return wrapped as unknown as F;
  }

  /**
   * Reports uncaught exceptions and unhandled rejections (with `nao_tratada: true`) while
   * keeping Node's behaviour; see docs/error-reporting.md. Idempotent. Only one reporter
   * in the process holds the hooks: returns false (and changes nothing) if another does.
   */
  installGlobalHandlers(): boolean {
    const registry = reporterRegistry();
    if (this.hooks) return true;
    if (registry.hooksOwner !== undefined) {
      log.warn('another ErrorReporter already handles uncaught errors; this one does not install hooks');
      return false;
    }
    const hooks = new ProcessHooks({
      report: (error, origin) => void this.emit(error, undefined, origin),
      flush: () => this.flushAtCrash(),
      flushTimeoutMs: this.flushTimeoutMs,
    });
    hooks.install();
    this.hooks = hooks;
    registry.hooksOwner = this;
    return true;
  }

  /** Adds a handler run when an uncaught error ends the process (see {@link ON_CRASH}). */
  [ON_CRASH](handler: () => unknown): () => void {
    this.crashHandlers.add(handler);
    return () => this.crashHandlers.delete(handler);
  }

  /**
   * The crash exit's flush: the crash handlers first (what they emit synchronously, such as the
   * session's last audit event, is then part of the flush), and the flush beside what they await.
   */
  private async flushAtCrash(): Promise<boolean> {
    const closing: Promise<unknown>[] = [];
    for (const handler of this.crashHandlers) {
      try {
        closing.push(
          Promise.resolve(handler()).catch((error: unknown) => {
            log.error(`a crash handler failed: ${describeError(error)}`);
          }),
        );
      } catch (error) {
        log.error(`a crash handler failed: ${describeError(error)}`);
      }
    }
    const [flushed] = await Promise.all([this.flush(), ...closing]);
    return flushed;
  }

  /** Removes exactly the listeners `installGlobalHandlers()` added. */
  uninstall(): void {
    if (!this.hooks) return;
    this.hooks.uninstall();
    this.hooks = undefined;
    const registry = reporterRegistry();
    if (registry.hooksOwner === this) registry.hooksOwner = undefined;
  }

  /**
   * Flushes the provider (when it has `forceFlush`, as the SDK's does), waiting at most
   * `flushTimeoutMs`. Resolves true when the flush finished in time; never rejects.
   */
  async flush(): Promise<boolean> {
    let provider: LoggerProvider;
    try {
      provider = this.provider();
    } catch (error) {
      log.error(`cannot flush: ${describeError(error)}`);
      return false;
    }
    const flushable = provider as { forceFlush?: () => Promise<void> };
    if (typeof flushable.forceFlush !== 'function') return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.flushTimeoutMs);
    });
    const flushed = Promise.resolve()
      .then(() => flushable.forceFlush!())
      .then(
        () => 'done' as const,
        (error: unknown) => {
          log.error(`flushing reported errors failed: ${describeError(error)}`);
          return 'failed' as const;
        },
      );
    const outcome = await Promise.race([flushed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      log.warn(`flushing reported errors took longer than ${this.flushTimeoutMs} ms`);
    return outcome === 'done';
  }

  private emit(
    error: unknown,
    contexto: ReportContext | undefined,
    origin: UncaughtOrigin | undefined,
  ): boolean {
    try {
      const reported = reporterRegistry().reported;
      if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
        if (reported.has(error)) return false;
        reported.add(error);
      }
      const thrown = normalizeThrown(error);
      const attributes: Record<string, AnyValue> = this.contextAttributes(contexto);
      attributes[ATTR_EXCEPTION_TYPE] = thrown.type;
      attributes[ATTR_EXCEPTION_MESSAGE] = thrown.message;
      if (thrown.stacktrace !== null) attributes[ATTR_EXCEPTION_STACKTRACE] = thrown.stacktrace;
      let uid: string | undefined;
      if (origin) {
        attributes[ATTR_EXCEPTION_UNHANDLED] = true;
        attributes.origem = origin;
        uid = nextCrashId();
        attributes[ATTR_LOG_RECORD_UID] = uid;
      }
      const time = new Date();
      this.logger().emit({
        timestamp: time,
        severityNumber: SeverityNumber.FATAL,
        severityText: 'FATAL',
        body: thrown.message,
        attributes,
      });
      // The process is about to die: hand the record to the exporters directly too, in case it
      // cannot leave the SDK's queue in time. The shared uid makes both copies one document.
      if (uid) {
        const crash = {
          uid,
          time,
          severityNumber: SeverityNumber.FATAL,
          severityText: 'FATAL',
          body: thrown.message,
          attributes,
          loggerName: this.loggerName,
        };
        for (const sink of crashSinks()) sink[HOLD_CRASH_RECORD](crash);
      }
      return true;
    } catch (failure) {
      log.error(`cannot report an error: ${describeError(failure)}`);
      return false;
    }
  }

  private contextAttributes(contexto: ReportContext | undefined): Record<string, AnyValue> {
    const attributes: Record<string, AnyValue> = {};
    if (contexto === undefined || contexto === null) return attributes;
    if (typeof contexto !== 'object') {
      log.warn(`report(): contexto must be an object, got ${typeof contexto}; ignored`);
      return attributes;
    }
    for (const key of Object.keys(contexto)) {
      if (RESERVED_KEYS.has(key)) {
        log.warn(`report(): contexto key "${key}" is set by the reporter; ignored`);
        continue;
      }
      try {
        attributes[key] = contexto[key] as AnyValue;
      } catch (error) {
        log.warn(`report(): cannot read contexto key "${key}": ${describeError(error)}`);
      }
    }
    // The SDK would drop a whole attribute holding a Date, Map, BigInt or cycle: made safe first.
    const report = new SanitizeReport();
    const safe = toSafeAttributes(attributes, report, 'contexto');
    if (report.count > 0)
      log.warn(`report(): made ${report.count} contexto value(s) storable: ${report.toString()}`);
    return safe;
  }

  private provider(): LoggerProvider {
    return this.explicitProvider ?? logs.getLoggerProvider();
  }

  private logger(): Logger {
    const provider = this.provider();
    if (this.cachedLogger?.provider !== provider) {
      this.cachedLogger = { provider, logger: provider.getLogger(this.loggerName) };
    }
    return this.cachedLogger.logger;
  }
}
