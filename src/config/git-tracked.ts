import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { componentLogger } from '../foundation/diag';

const log = componentLogger('config');

/**
 * Whether git tracks the file: `git ls-files --error-unmatch` run in the file's folder,
 * without a shell. False when git is not installed, the folder is not in a repository,
 * or the file is not tracked.
 */
export function isTrackedByGit(file: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', '--', basename(file)], {
      cwd: dirname(file),
      stdio: 'ignore',
      timeout: 5000,
      windowsHide: true,
    });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const status = (error as { status?: number | null }).status;
    // Exit status 1: not tracked; 128: not a repository; ENOENT: no git. Anything else is unusual.
    if (code !== 'ENOENT' && status !== 1 && status !== 128) {
      log.debug(`could not ask git whether ${file} is tracked`, error);
    }
    return false;
  }
}

/**
 * The warning for a file that git tracks and that holds a connection string: what is wrong
 * and what to do. With a password, the password is exposed and must be changed; without one,
 * only the servers (and user name) are, and the string is still per-installation configuration.
 */
export function trackedSecretWarning(file: string, hasPassword: boolean): string {
  const move =
    `Move the connection string to the MONGODB_CONNECTION_STRING environment variable or an ` +
    `untracked .env file, and run "git rm --cached ${basename(file)}"`;
  if (hasPassword) {
    return (
      `${file} holds a MongoDB connection string and is tracked by git, so everyone with the ` +
      `repository can read the password. ${move}, then change the password.`
    );
  }
  return (
    `${file} holds a MongoDB connection string and is tracked by git. It has no password, so there ` +
    `is no password to change, but everyone with the repository sees the server addresses and user ` +
    `name, and every checkout sends to the same server. ${move}.`
  );
}
