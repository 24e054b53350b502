import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { LoggerProvider } from '@opentelemetry/api';
import { componentLogger } from '../foundation/diag';

const log = componentLogger('setup');

/** The global of `@opentelemetry/api-logs` (its `GLOBAL_LOGS_API_KEY`) and its compatibility version. */
const API_LOGS_GLOBAL = Symbol.for('io.opentelemetry.js.api.logs');
const API_LOGS_COMPATIBILITY_VERSION = 1;

interface ApiLogsModule {
  logs: { setGlobalLoggerProvider(provider: LoggerProvider): LoggerProvider };
}

/**
 * Registers `provider` as the global of the separate `@opentelemetry/api-logs` package too.
 *
 * Before `@opentelemetry/api` 1.10 carried the logs API, that package held it, with a global of
 * its own; bridges built on it, such as `@opentelemetry/winston-transport`, still read that
 * global, which an SDK 3.x provider registered through `@opentelemetry/api` never fills, so
 * they emit into a no-op. `setupTelemetry()` calls this; call it yourself after registering your
 * own provider. The package is not a dependency: when the application has it (the main
 * script's or the working directory's `node_modules`), its `setGlobalLoggerProvider()` is used,
 * so that loggers taken before this call are connected too; otherwise its global is set
 * directly, for copies installed elsewhere. Returns false, with a diag warning, when another
 * provider was registered there first (it is kept). Never throws.
 */
export function registerApiLogsGlobal(provider: LoggerProvider): boolean {
  try {
    const apiLogs = loadApiLogs();
    if (apiLogs) return apiLogs.logs.setGlobalLoggerProvider(provider) === provider || warnKept();
    const global = globalThis as Record<symbol, unknown>;
    if (global[API_LOGS_GLOBAL] !== undefined) return warnKept();
    global[API_LOGS_GLOBAL] = (version: number) =>
      version === API_LOGS_COMPATIBILITY_VERSION ? provider : undefined;
    return true;
  } catch (error) {
    log.warn('could not register the LoggerProvider for @opentelemetry/api-logs', error);
    return false;
  }
}

function warnKept(): false {
  log.warn('a LoggerProvider was already registered with @opentelemetry/api-logs; kept it');
  return false;
}

function loadApiLogs(): ApiLogsModule | undefined {
  const bases = [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()];
  for (const base of bases) {
    if (!base) continue;
    const require = createRequire(join(base, 'noop.js'));
    let path: string;
    try {
      path = require.resolve('@opentelemetry/api-logs');
    } catch {
      continue; // not installed where this base looks
    }
    return require(path) as ApiLogsModule;
  }
  return undefined;
}
