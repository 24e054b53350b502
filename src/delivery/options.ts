import { InvalidOptionError } from '../foundation/errors';
import { type OptionTable, resolveTable } from '../options/descriptor';
import { positiveInteger } from '../options/validators';
import type { DestinationSettings } from '../storage/options';
import { defaultSpoolDir } from './spool-location';

/** What happens to a batch the server cannot take. Every key is optional. */
export interface SpoolOptions {
  /**
   * Folder of the disk spool that keeps batches the server could not take, replayed when it
   * answers again (in this process or the next). `false` turns the spool off: a batch that
   * cannot be written within `retryDeadlineMs` is then reported as FAILED and lost.
   * @default a per-user folder: $XDG_STATE_HOME (or ~/.local/state) on Linux, ~/Library/Application Support on
   *   macOS, %LOCALAPPDATA% on Windows; then `opentelemetry-exporter-mongodb/spool/<destination hash>`
   */
  spoolDir?: string | false;
  /**
   * Most bytes the spool may hold. When full, the oldest batches are dropped and counted.
   * @default 104857600 (100 MiB)
   */
  spoolMaxBytes?: number;
  /**
   * How long one export keeps retrying transient failures (network, server selection, a
   * primary stepping down) before spooling the batch. Keep it below the processor's
   * `exportTimeoutMillis` (30000 by default).
   * @default 10000
   */
  retryDeadlineMs?: number;
}

/** The spool as the delivery reads it. */
export interface SpoolSettings {
  /** Undefined when the spool is off. */
  spoolDir: string | undefined;
  spoolMaxBytes: number;
  retryDeadlineMs: number;
}

/** What a destination's delivery reads: where the documents go, and the spool. */
export type DeliverySettings = DestinationSettings & SpoolSettings;

type Destination = Pick<DestinationSettings, 'connectionString' | 'client' | 'database' | 'collections'>;

/** The spool's options, one descriptor each; the default folder depends on the destination. */
export const SPOOL_OPTIONS = {
  spoolDir: { transform: spoolDir },
  spoolMaxBytes: { default: 100 * 1024 * 1024, transform: positiveInteger },
  retryDeadlineMs: { default: 10_000, transform: positiveInteger },
} satisfies OptionTable<SpoolOptions, Destination | undefined>;

export function resolveSpool(options: SpoolOptions, destination: Destination): SpoolSettings {
  return resolveTable(SPOOL_OPTIONS, options, {}, destination);
}

function spoolDir(name: string, value: unknown, destination: Destination | undefined): string | undefined {
  if (value === false) return undefined;
  if (value === undefined) {
    // Only checking a given value (a config file) has no destination, and needs no folder.
    if (!destination) return undefined;
    const { connectionString, client, database, collections } = destination;
    return defaultSpoolDir(connectionString, client, database, collections);
  }
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidOptionError(name, value, 'a folder path, or false to turn the spool off');
}
