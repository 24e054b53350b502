import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type * as Os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getEnvironmentInfo } from '../../../src/resource/environment';

type Interfaces = ReturnType<typeof Os.networkInterfaces>;

function nic(mac: string, internal = false) {
  return { address: '10.0.0.2', netmask: '255.0.0.0', family: 'IPv4', mac, internal, cidr: null } as const;
}

/** The module loaded afresh (its id is computed once per process) on a host with these interfaces. */
async function machineIdOn(host: string, interfaces: Interfaces): Promise<string> {
  vi.resetModules();
  vi.doMock('node:os', async (original) => ({
    ...(await original<typeof Os>()),
    hostname: () => host,
    networkInterfaces: () => interfaces,
  }));
  const { getMachineId } = await import('../../../src/resource/machine-id');
  return getMachineId();
}

function sha256Hex16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

afterEach(() => {
  vi.doUnmock('node:os');
  vi.resetModules();
});

describe('machine identity', () => {
  it('is sha256("hostname-nodename-mac") cut to 16 hex characters', async () => {
    const id = await machineIdOn('desk-07', { eth0: [nic('aa:bb:cc:dd:ee:01')] });
    expect(id).toBe(sha256Hex16('desk-07-desk-07-aa:bb:cc:dd:ee:01'));
    expect(id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with the MAC address, and with the host name', async () => {
    const first = await machineIdOn('desk-07', { eth0: [nic('aa:bb:cc:dd:ee:01')] });
    const otherMac = await machineIdOn('desk-07', { eth0: [nic('aa:bb:cc:dd:ee:02')] });
    const otherHost = await machineIdOn('desk-08', { eth0: [nic('aa:bb:cc:dd:ee:01')] });
    expect(new Set([first, otherMac, otherHost]).size).toBe(3);
  });

  it('uses the first real hardware address by interface name, skipping loopback and zero MACs', async () => {
    const id = await machineIdOn('h', {
      wlan0: [nic('aa:00:00:00:00:09')],
      lo: [nic('00:00:00:00:00:00', true)],
      docker0: [nic('00:00:00:00:00:00')],
      eth1: [nic('aa:00:00:00:00:01')],
      eth0: [nic('02:42:ac:11:00:02', true), nic('aa:00:00:00:00:00')],
    });
    expect(id).toBe(sha256Hex16('h-h-aa:00:00:00:00:00'));
  });

  it('uses "no-mac" on a machine without a network card', async () => {
    expect(await machineIdOn('h', {})).toBe(sha256Hex16('h-h-no-mac'));
  });

  it('is computed once: the same id for the life of the process', async () => {
    const interfaces: Interfaces = { eth0: [nic('aa:bb:cc:dd:ee:01')] };
    const id = await machineIdOn('h', interfaces);
    interfaces.eth0 = [nic('aa:bb:cc:dd:ee:99')];
    const { getMachineId } = await import('../../../src/resource/machine-id');
    expect(getMachineId()).toBe(id);
  });

  it('describes the environment with the plan keys', () => {
    const info = getEnvironmentInfo();
    expect(Object.keys(info).sort()).toEqual(['architecture', 'node_version', 'os', 'os_version']);
    expect(info.node_version).toBe(process.versions.node);
    expect(info.os).toMatch(/^\w+ \S+/);
  });
});

describe('application version', () => {
  const argv1 = process.argv[1];
  let dir: string | undefined;
  afterEach(() => {
    process.argv[1] = argv1!;
    vi.unstubAllEnvs();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function freshVersion(): Promise<string> {
    vi.resetModules();
    const { getAppVersion } = await import('../../../src/resource/app-version');
    return getAppVersion();
  }

  it('is npm_package_version when run through npm', async () => {
    vi.stubEnv('npm_package_version', '7.8.9');
    expect(await freshVersion()).toBe('7.8.9');
  });

  it("is the nearest package.json's above the entry script, skipping this package's own", async () => {
    vi.stubEnv('npm_package_version', '');
    dir = mkdtempSync(join(tmpdir(), 'app-version-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'desk-app', version: '4.5.6' }));
    const own = join(dir, 'node_modules', 'opentelemetry-exporter-mongodb');
    mkdirSync(join(own, 'bin'), { recursive: true });
    writeFileSync(
      join(own, 'package.json'),
      JSON.stringify({ name: 'opentelemetry-exporter-mongodb', version: '0.1.0' }),
    );
    process.argv[1] = join(own, 'bin', 'main.js');
    expect(await freshVersion()).toBe('4.5.6');
  });
});
