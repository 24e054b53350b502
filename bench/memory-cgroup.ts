// A memory-limited control group for a benchmark's child process: what a container with a memory
// limit gives it, and what Node sizes its heap from (process.constrainedMemory()). Linux only;
// it needs write access to the memory controller (cgroup v2, or v1's memory hierarchy).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  readonly limitBytes: number;
  /** The command and arguments that run `file args` inside the group (it joins, then execs). */
  wrap(file: string, args: readonly string[]): { file: string; args: string[] };
  /** Removes the group; its processes must have exited. */
  remove(): void;
}

/** A new group of `limitMiB` under this process's own memory group; throws saying why it cannot. */
export function memoryCgroup(limitMiB: number, label: string): MemoryCgroup {
  const limitBytes = limitMiB * 1024 * 1024;
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  const v1 = lines.find((line) => line.split(':')[1]?.split(',').includes('memory'));
  const own = v1 ? v1.split(':')[2]! : lines.find((line) => line.startsWith('0::'))?.slice(3);
  if (own === undefined) throw new Error('no memory cgroup in /proc/self/cgroup');
  const root = v1 ? '/sys/fs/cgroup/memory' : '/sys/fs/cgroup';
  const path = join(root, own, `${label}-${process.pid}`);
  const limitFile = v1 ? 'memory.limit_in_bytes' : 'memory.max';
  try {
    mkdirSync(path);
    writeFileSync(join(path, limitFile), String(limitBytes));
    if (!v1 && existsSync(join(path, 'memory.swap.max'))) writeFileSync(join(path, 'memory.swap.max'), '0');
  } catch (error) {
    throw new Error(`cannot make a memory cgroup at ${path}: ${(error as Error).message}`, { cause: error });
  }
  return {
    limitBytes,
    wrap: (file, args) => ({
      file: '/bin/sh',
      args: ['-c', `echo $$ > ${join(path, 'cgroup.procs')} && exec "$@"`, 'sh', file, ...args],
    }),
    remove: () => rmdirSync(path),
  };
}
