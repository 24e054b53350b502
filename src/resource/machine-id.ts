import { createHash, randomUUID } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { componentLogger } from '../foundation/diag';

const log = componentLogger('machine-id');
let cached: string | undefined;

/**
 * An anonymous, stable id of this machine: the first 16 hex characters of
 * sha256("hostname-nodename-mac"). If the host cannot be read it is a random id,
 * stable for the life of the process. Computed once.
 */
export function getMachineId(): string {
  cached ??= computeMachineId();
  return cached;
}

function computeMachineId(): string {
  try {
    const host = hostname();
    // Node has one call for both Python's socket.gethostname() and platform.node().
    return sha256Hex16(`${host}-${host}-${primaryMac()}`);
  } catch (error) {
    log.warn('cannot read the host identity; using a random machine id for this process', error);
    return sha256Hex16(randomUUID());
  }
}

/** The MAC of the first non-internal interface with a real hardware address, by interface name. */
export function primaryMac(): string {
  const interfaces = networkInterfaces();
  for (const name of Object.keys(interfaces).sort()) {
    for (const address of interfaces[name] ?? []) {
      if (!address.internal && address.mac && address.mac !== '00:00:00:00:00:00') return address.mac;
    }
  }
  return 'no-mac';
}

function sha256Hex16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
