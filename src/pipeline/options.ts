import { resolve as resolvePath } from 'node:path';
import type { SeverityNumber } from '@opentelemetry/api';
import type { BeforeSend } from '../document/before-send';
import { parseSeverity } from '../document/level';
import type { LevelName } from '../document/schema';
import { InvalidOptionError } from '../foundation/errors';
import { defaultsOf, groupOf, type OptionTable, resolveTable } from '../options/descriptor';
import {
  booleanOption,
  optionalFunction,
  optionalPositiveInteger,
  positiveInteger,
} from '../options/validators';
import { defaultAppRoot } from '../resource/app-root';
import type { StormGuardSettings } from './storm-guard';

/** Which records become documents, and what they carry. Every key is optional. */
export interface RecordOptions {
  /**
   * Lowest severity written to `errors` (the plan's `nivel_remoto`). A level name or
   * an OpenTelemetry `SeverityNumber`. Audit records are written whatever this is.
   * @default 'ERROR'
   */
  remoteLevel?: LevelName | SeverityNumber;
  /**
   * The application's folder: stack-frame paths are taken relative to it for
   * `erro.fingerprint`, so the same bug groups together wherever the app is installed.
   * @default the folder of the nearest named package.json above the entry script, else the working directory
   */
  appRoot?: string;
  /**
   * Receives each `errors` and `audit` document before it is written, to change it (return
   * it) or drop it (return `null`, counted as `filtered`). It gets its own copy; if it throws,
   * diag reports it and the original document is written. Storm-guard summaries are built
   * from documents that already went through it.
   * @default undefined (every document is written as mapped)
   */
  beforeSend?: BeforeSend;
  /**
   * The storm guard: per machine and `erro.fingerprint`, at most `maxPerWindow` documents are
   * written one by one in a window of `windowMs` (from the first occurrence); later ones are
   * folded into one summary document (`ocorrencias`, `primeira`, `ultima`) written at the
   * window's end or at shutdown, and counted as `suppressed`. `false` turns it off.
   * @default { maxPerWindow: 10, windowMs: 60000 }
   */
  stormGuard?: Partial<StormGuardSettings> | false;
  /**
   * How many of the records emitted before an error, below `remoteLevel` (and audit events),
   * are stored with it as `trilha`, oldest first. `0` turns the trail off. Captured at emit
   * time by `MongoBatchLogRecordProcessor` (which `setupTelemetry()` uses). (`[LOGGING] tamanho_trilha`)
   * @default 20
   */
  trailSize?: number;
  /**
   * Trail records older than this many milliseconds when the error is emitted are left out.
   * @default undefined (no age limit)
   */
  trailMaxAgeMs?: number;
  /**
   * For an error record with neither an exception nor `code.*` attributes, capture the line
   * that emitted it (skipping this package, the OpenTelemetry SDK and bridged logging
   * libraries) as `code.file.path`, `code.line.number` and `code.function.name`.
   * @default true
   */
  captureCallSite?: boolean;
}

/** The record options as the pipeline and the processor read them. */
export interface RecordSettings {
  remoteSeverity: SeverityNumber;
  appRoots: readonly string[];
  beforeSend: BeforeSend | undefined;
  /** Undefined when the guard is off. */
  stormGuard: StormGuardSettings | undefined;
  /** 0 when the trail is off. */
  trailSize: number;
  trailMaxAgeMs: number | undefined;
  captureCallSite: boolean;
}

/** The largest trail: Sentry keeps up to 100 breadcrumbs. */
export const MAX_TRAIL_SIZE = 100;

const STORM_GUARD_OPTIONS = {
  maxPerWindow: { default: 10, transform: positiveInteger },
  windowMs: { default: 60_000, transform: positiveInteger },
} satisfies OptionTable<StormGuardSettings>;

const stormGuardGroup = groupOf(STORM_GUARD_OPTIONS, 'false, or an object like { maxPerWindow, windowMs }');

export const RECORD_OPTIONS = {
  remoteLevel: { default: 'ERROR' as LevelName, transform: parseSeverity },
  appRoot: { transform: appRoot },
  beforeSend: {
    transform: optionalFunction<BeforeSend>('a function (document, kind) => document | null'),
  },
  stormGuard: {
    default: defaultsOf(STORM_GUARD_OPTIONS),
    transform: (name: string, value: unknown) => (value === false ? undefined : stormGuardGroup(name, value)),
  },
  trailSize: { default: 20, transform: trailSize },
  trailMaxAgeMs: { transform: optionalPositiveInteger },
  captureCallSite: { default: true, transform: booleanOption },
} satisfies OptionTable<RecordOptions>;

export function resolveRecordSettings(options: RecordOptions): RecordSettings {
  const { remoteLevel, appRoot, ...rest } = resolveTable(RECORD_OPTIONS, options);
  return { ...rest, remoteSeverity: remoteLevel, appRoots: [appRoot] };
}

function appRoot(name: string, value: unknown): string {
  if (value === undefined) return defaultAppRoot();
  if (typeof value === 'string' && value.trim() !== '') return resolvePath(value);
  throw new InvalidOptionError(name, value, "a folder path (the application's root)");
}

function trailSize(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TRAIL_SIZE)
    return value;
  throw new InvalidOptionError(name, value, `a whole number from 0 (off) to ${MAX_TRAIL_SIZE}`);
}
