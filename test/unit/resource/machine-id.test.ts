import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { getAppVersion } from '../../../src/resource/app-version';
import { getEnvironmentInfo } from '../../../src/resource/environment';
import { getMachineId, primaryMac } from '../../../src/resource/machine-id';

describe('machine identity', () => {
  it('is sha256(hostname-nodename-mac) cut to 16 lowercase hex characters, and stable', () => {
    const expected = createHash('sha256')
      .update(`${hostname()}-${hostname()}-${primaryMac()}`)
      .digest('hex')
      .slice(0, 16);
    expect(getMachineId()).toBe(expected);
    expect(getMachineId()).toMatch(/^[0-9a-f]{16}$/);
    expect(getMachineId()).toBe(getMachineId());
  });

  it('describes the environment with the plan keys', () => {
    const info = getEnvironmentInfo();
    expect(Object.keys(info).sort()).toEqual(['architecture', 'node_version', 'os', 'os_version']);
    expect(info.node_version).toBe(process.versions.node);
    expect(info.os).toMatch(/^\w+ \S+/);
  });

  it('reads the application version from npm or the nearest package.json', () => {
    expect(getAppVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
