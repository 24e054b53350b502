import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import type { Document } from 'mongodb';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export interface LifecycleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** When the child was spawned and when it was seen to exit (ms since the epoch). */
  startedAt: number;
  exitedAt: number;
  /** The guard had to SIGKILL it: it did not end by itself. */
  killedByGuard: boolean;
  /** The session id the app printed (`session <id>`). */
  sessionId: string | undefined;
  /** When it started its last work (`last-work-at <ms>`). */
  lastWorkAt: number | undefined;
}

export interface RunningApp {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<LifecycleRun>;
}

const running = new Set<ChildProcess>();

/**
 * Spawns `process.execPath` on test/fixtures/`fixture`. The child is SIGKILLed if it is still
 * alive `guardMs` after it started (`killedByGuard` then says so). Every child started here
 * is killed by {@link killStartedApps} (call it in `afterEach`).
 */
export function startApp(
  fixture: string,
  args: string[],
  env: Record<string, string>,
  guardMs: number,
): RunningApp {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [join(FIXTURES, fixture), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let killedByGuard = false;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const guard = setTimeout(() => {
    killedByGuard = true;
    child.kill('SIGKILL');
  }, guardMs);
  const exited = new Promise<LifecycleRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(guard);
      running.delete(child);
      // Output still buffered in the pipes arrives before 'close'.
      child.on('close', () => {
        const lastWork = /last-work-at (\d+)/.exec(stdout)?.[1];
        resolve({
          code,
          signal,
          stdout,
          stderr,
          startedAt,
          exitedAt,
          killedByGuard,
          sessionId: /session (\S+)/.exec(stdout)?.[1],
          lastWorkAt: lastWork === undefined ? undefined : Number(lastWork),
        });
      });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** SIGKILLs every child {@link startApp} started that is still alive. */
export function killStartedApps(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Waits until the app's stdout matches `pattern`; fails after `timeoutMs` or if it exits first. */
export async function waitForStdout(app: RunningApp, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  while (!pattern.test(app.stdout())) {
    if (exited) throw new Error(`exited before printing ${pattern}: ${app.stdout()} ${app.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on stdout`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls `check` every 200 ms until it returns true or `timeoutMs` passes; true when it did. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Fresh temp folders (the spool is a subfolder `spool`, created by the package); `remove()` deletes them. */
export function tempSpools(): { spoolDir(label: string): string; remove(): void } {
  const roots: string[] = [];
  return {
    spoolDir(label) {
      const root = mkdtempSync(join(tmpdir(), `${label}-`));
      roots.push(root);
      return join(root, 'spool');
    },
    remove() {
      for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A database name no other test uses. */
export function freshDatabaseName(label: string): string {
  return `${label}_${randomBytes(4).toString('hex')}`;
}

/**
 * The documents in the complete lines of the spool's segments and claims, by collection kind
 * (`count<TAB>kind<TAB>operation<TAB>EJSON array`, docs/reliability.md): closed, open (`.open`) and claimed.
 */
export function spooledDocuments(dir: string): Record<'errors' | 'audit' | 'metrics', Document[]> {
  const found: Record<'errors' | 'audit' | 'metrics', Document[]> = { errors: [], audit: [], metrics: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found; // no folder: nothing spooled
  }
  for (const name of names.filter((n) => n.includes('.ejsonl'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const parts = line.split('\t');
      if (parts.length < 4 || !line.endsWith(']')) continue;
      const kind = parts[1] as keyof typeof found;
      const documents = EJSON.parse(parts.slice(3).join('\t'), { relaxed: true }) as Document[];
      found[kind]?.push(...documents);
    }
  }
  return found;
}
