import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The venv's python, created by scripts/python-env.sh on first use (cached in .python-env/). */
export function pythonEnv(): string {
  return execFileSync('bash', ['scripts/python-env.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Runs a Python script; resolves with stdout, rejects with stderr on failure. */
export async function runPython(
  python: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  const { stdout } = await run(python, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', PYTHONWARNINGS: 'ignore::DeprecationWarning', ...env },
    timeout: 60_000,
  });
  return stdout;
}

/** Runs a Python script; resolves with its exit code, stdout and stderr whatever the code. */
export async function runPythonOutput(
  python: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(python, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', PYTHONWARNINGS: 'ignore::DeprecationWarning', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
