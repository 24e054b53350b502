import { describe, expect, it } from 'vitest';
import {
  GATEWAY_SEMI_SPACE_MIB,
  relaunchWithBoundedYoungGeneration,
  youngGenerationRelaunch,
} from '../../../src/cli/young-generation';

const NODE = '/usr/bin/node';
const CLI = '/app/dist/cli.mjs';
const FLAG = `--max-semi-space-size=${GATEWAY_SEMI_SPACE_MIB}`;

function running(argv: string[], execArgv: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return { argv: [NODE, CLI, ...argv], execArgv, execPath: NODE, env };
}

describe('youngGenerationRelaunch', () => {
  it('restarts the gateway command with the same node flags, then the semi-space bound, then the same arguments', () => {
    expect(youngGenerationRelaunch(running(['gateway', '--port', '0'], ['--import', './probe.mjs']))).toEqual(
      {
        file: NODE,
        args: [NODE, '--import', './probe.mjs', FLAG, CLI, 'gateway', '--port', '0'],
      },
    );
  });

  it('leaves every other command as it is', () => {
    for (const command of ['report', 'dashboard', 'watch', 'indexes', '--help']) {
      expect(youngGenerationRelaunch(running([command]))).toBeUndefined();
    }
    expect(youngGenerationRelaunch(running([]))).toBeUndefined();
  });

  it('does not restart a gateway that already runs with a semi-space size, ours or the operator’s, in either spelling', () => {
    expect(youngGenerationRelaunch(running(['gateway'], [FLAG]))).toBeUndefined();
    expect(youngGenerationRelaunch(running(['gateway'], ['--max_semi_space_size=16']))).toBeUndefined();
    expect(
      youngGenerationRelaunch(
        running(['gateway'], [], { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=32' }),
      ),
    ).toBeUndefined();
  });

  it('does not restart a gateway given a minimum semi-space size: a smaller maximum would contradict it', () => {
    expect(youngGenerationRelaunch(running(['gateway'], ['--min-semi-space-size=8']))).toBeUndefined();
    expect(
      youngGenerationRelaunch(running(['gateway'], [], { NODE_OPTIONS: '--min_semi_space_size=8' })),
    ).toBeUndefined();
  });

  it('still restarts when node flags name only other heap sizes', () => {
    const relaunch = youngGenerationRelaunch(
      running(['gateway'], ['--max-old-space-size=256'], { NODE_OPTIONS: '--initial-heap-size=64' }),
    );
    expect(relaunch?.args).toEqual([NODE, '--max-old-space-size=256', FLAG, CLI, 'gateway']);
  });
});

describe('relaunchWithBoundedYoungGeneration', () => {
  function fakeProcess(execve: unknown, argv = ['gateway']) {
    return { ...running(argv), execve } as unknown as NodeJS.Process;
  }

  it('replaces the process with the relaunch, passing its environment', () => {
    const calls: unknown[][] = [];
    const process = fakeProcess((...args: unknown[]) => calls.push(args));
    relaunchWithBoundedYoungGeneration(process, () => expect.unreachable('no warning'));
    expect(calls).toEqual([[NODE, [NODE, FLAG, CLI, 'gateway'], process.env]]);
  });

  it('warns and runs as it is when the platform has no execve, or when execve fails', () => {
    const lines: string[] = [];
    relaunchWithBoundedYoungGeneration(fakeProcess(undefined), (line) => lines.push(line));
    relaunchWithBoundedYoungGeneration(
      fakeProcess(() => {
        throw new Error('EACCES: permission denied');
      }),
      (line) => lines.push(line),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('set it in NODE_OPTIONS');
    expect(lines[1]).toContain('EACCES: permission denied');
  });

  it('does nothing for another command', () => {
    relaunchWithBoundedYoungGeneration(
      fakeProcess(() => expect.unreachable('no relaunch'), ['report']),
      () => expect.unreachable('no warning'),
    );
  });
});
