import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../src/options';
import { GatewayStorage } from '../../../src/gateway/storage';

const options = resolveOptions({
  connectionString: 'mongodb://127.0.0.1:1/never-contacted',
  spoolDir: false,
});
let storage: GatewayStorage | undefined;
afterEach(() => storage?.close());

describe('GatewayStorage.reserve', () => {
  it('answers 503 with Retry-After once the records held would exceed the limit', () => {
    storage = new GatewayStorage(options, 100);
    const first = storage.reserve(60);
    expect(() => storage!.reserve(41)).toThrow(
      expect.objectContaining({ status: 503, retryAfterSeconds: expect.any(Number) }),
    );
    const second = storage.reserve(40);
    expect(storage.pending).toBe(100);
    first();
    first(); // releasing twice frees once
    second();
    expect(storage.pending).toBe(0);
  });

  it('takes one request larger than the limit when nothing else is held, rather than refusing it forever', () => {
    storage = new GatewayStorage(options, 10);
    expect(() => storage!.reserve(50)()).not.toThrow();
  });
});
