import { describe, expect, it } from 'vitest';
import { createProgram, runCli } from '../../src/cli/program';
import { COMMANDS } from '../../src/cli/commands';
import { captureOutput } from './support/output';

describe('CLI program', () => {
  it('lists every registered command in --help, and each command has its own --help', async () => {
    const root = captureOutput();
    expect(await runCli(['--help'], root, '1.2.3')).toBe(0);
    expect(root.out()).toContain('Usage: opentelemetry-exporter-mongodb');
    const names = [...root.out().matchAll(/^ {2}(\w+) \[options\]/gm)].map((m) => m[1]!);
    expect(names.length).toBe(COMMANDS.length);
    for (const name of names) {
      const output = captureOutput();
      expect(await runCli([name, '--help'], output, '1.2.3')).toBe(0);
      expect(output.out()).toContain(`Usage: opentelemetry-exporter-mongodb ${name}`);
    }
  });

  it('prints the version it is given', async () => {
    const output = captureOutput();
    expect(await runCli(['--version'], output, '1.2.3')).toBe(0);
    expect(output.out().trim()).toBe('1.2.3');
  });

  it('an unknown command is a usage error with a non-zero exit code', async () => {
    const output = captureOutput();
    expect(await runCli(['no-such-command'], output, '1.2.3')).not.toBe(0);
    expect(output.err()).toContain("unknown command 'no-such-command'");
  });

  it('an unreachable server is one redacted line on stderr and exit code 1', async () => {
    const output = captureOutput();
    const code = await runCli(
      ['indexes', '--connection-string', 'mongodb://ana:s3cr3t-pw@127.0.0.1:9/?serverSelectionTimeoutMS=300'],
      output,
      '1.2.3',
    );
    expect(code).toBe(1);
    expect(output.err()).not.toContain('s3cr3t-pw');
    expect(output.err()).toMatch(
      /^opentelemetry-exporter-mongodb: cannot reach MongoDB at mongodb:\/\/ana:\*\*\*\*@127\.0\.0\.1:9\/.*\n$/,
    );
    expect(output.err().trim().split('\n')).toHaveLength(1);
    expect(output.out()).toBe('');
  });

  it('dashboard listens on loopback unless --host says otherwise', () => {
    const dashboard = createProgram(captureOutput(), '0').commands.find((c) => c.name() === 'dashboard')!;
    expect(dashboard.options.find((o) => o.long === '--host')?.defaultValue).toBe('127.0.0.1');
  });
});
