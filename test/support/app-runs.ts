import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Collection } from 'mongodb';
import type { ExporterStats } from '../../src/index';

const APP = join(import.meta.dirname, '..', 'fixtures', 'telemetry-app.ts');

export interface AppRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** When the process was seen to exit (ms since the epoch). */
  exitedAt: number;
  /** The stats the app printed last: the log pipeline's, and the total over every exporter. */
  stats: { logs: ExporterStats; total: ExporterStats } | undefined;
}

/**
 * Runs test/fixtures/telemetry-app.ts (an application using setupTelemetry() with its
 * defaults) as a child process. `onStdout` sees the output so far, and may kill the child.
 */
export function runTelemetryApp(
  args: [mode: string, count: number, label: string],
  env: Record<string, string>,
  onStdout?: (child: ReturnType<typeof spawn>, text: string) => void,
): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, args[0], String(args[1]), args[2]], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      onStdout?.(child, stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 580_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let stats: AppRun['stats'];
      try {
        stats = last.startsWith('{') ? (JSON.parse(last) as AppRun['stats']) : undefined;
      } catch {
        stats = undefined;
      }
      resolve({ code, signal, stdout, stderr, exitedAt, stats });
    });
  });
}

/** The intake identity of docs/reliability.md: every accepted record has one first outcome. */
export function firstOutcomes(stats: ExporterStats): number {
  return stats.filtered + stats.written + stats.rejected + stats.failed + stats.spooled;
}

/** Spool files left in `dir`: segments, and claims (`.replay-<pid>`) left by a process. */
export function spoolFiles(dir: string): { segments: string[]; claims: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // no folder: nothing spooled
  }
  return {
    segments: names.filter((name) => /\.ejsonl(\.open)?$/.test(name)),
    claims: names.filter((name) => name.includes('.replay-')),
  };
}

/**
 * The error documents the app stored with `label`, and how many distinct records (`contexto.i`)
 * they are: equal counts mean each record is stored once. One projected query: `distinct` on
 * 100,000 documents takes minutes on the local server.
 */
export async function storedOnce(
  errors: Collection,
  label: string,
): Promise<{ documents: number; distinct: number }> {
  const rows = await errors
    .find({ 'contexto.label': label }, { projection: { _id: 0, 'contexto.i': 1 } })
    .toArray();
  const seen = new Set(rows.map((row) => (row.contexto as { i: number }).i));
  return { documents: rows.length, distinct: seen.size };
}
