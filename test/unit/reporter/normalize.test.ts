import { describe, expect, it } from 'vitest';
import { normalizeThrown } from '../../../src/reporter/normalize';

describe('normalizeThrown', () => {
  it('keeps an error subclass by its class name, its message and its stack', () => {
    class FalhaDeRede extends Error {}
    const error = new FalhaDeRede('rede caiu');
    expect(normalizeThrown(error)).toEqual({
      type: 'FalhaDeRede',
      message: 'rede caiu',
      stacktrace: error.stack,
    });
  });

  it('prefers a specific name set on a plain Error', () => {
    const error = Object.assign(new Error('campo inválido'), { name: 'ValidationError' });
    expect(normalizeThrown(error).type).toBe('ValidationError');
    expect(normalizeThrown(new TypeError('x')).type).toBe('TypeError');
  });

  it('appends the cause chain after the own stack, so the top frame stays the thrower', () => {
    const root = new RangeError('raiz');
    const middle = new Error('meio', { cause: root });
    const top = new Error('topo', { cause: middle });
    const { stacktrace } = normalizeThrown(top);
    expect(stacktrace!.startsWith(top.stack!)).toBe(true);
    expect(stacktrace).toMatch(/\n {4}\[cause\]: Error: meio\n[^]*\n {8}\[cause\]: RangeError: raiz/);
  });

  it('lists AggregateError members, and non-error causes by type', () => {
    const aggregate = new AggregateError([new Error('um'), 'dois'], 'várias', { cause: { codigo: 7 } });
    const { type, message, stacktrace } = normalizeThrown(aggregate);
    expect([type, message]).toEqual(['AggregateError', 'várias']);
    expect(stacktrace).toContain('[errors][0]: Error: um');
    expect(stacktrace).toContain('[errors][1]: string: dois');
    expect(stacktrace).toContain('[cause]: Object: { codigo: 7 }');
  });

  it('stops at cycles and at a bounded number of members', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(normalizeThrown(a).stacktrace).toContain('[Circular]');
    const many = new AggregateError(
      Array.from({ length: 50 }, (_, i) => new Error(`m${i}`)),
      'muitas',
    );
    expect(normalizeThrown(many).stacktrace).toContain('... 30 more errors');
  });

  it('describes primitives, null and undefined by typeof, without a stack', () => {
    expect(normalizeThrown('texto')).toEqual({ type: 'string', message: 'texto', stacktrace: null });
    expect(normalizeThrown(42)).toEqual({ type: 'number', message: '42', stacktrace: null });
    expect(normalizeThrown(null)).toEqual({ type: 'null', message: 'null', stacktrace: null });
    expect(normalizeThrown(undefined)).toEqual({ type: 'undefined', message: 'undefined', stacktrace: null });
    expect(normalizeThrown(Symbol('s')).message).toBe('Symbol(s)');
  });

  it('describes plain objects by their message, else by inspection', () => {
    expect(normalizeThrown({ message: 'como erro', codigo: 1 })).toMatchObject({
      type: 'Object',
      message: 'como erro',
    });
    expect(normalizeThrown({ codigo: 1 }).message).toBe('{ codigo: 1 }');
    expect(normalizeThrown(Object.create(null)).type).toBe('Object');
  });

  it('never throws on getters that throw, broken stacks or revoked proxies', () => {
    const hostile = Object.defineProperty(new Error('original'), 'stack', {
      get() {
        throw new Error('no stack');
      },
    });
    expect(normalizeThrown(hostile)).toEqual({
      type: 'Error',
      message: 'original',
      stacktrace: 'Error: original',
    });
    const getters = {
      get message(): string {
        throw new Error('boom');
      },
      get name(): string {
        throw new Error('boom');
      },
    };
    expect(normalizeThrown(getters).type).toBe('Object');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => normalizeThrown(proxy)).not.toThrow();
    const nonStringStack = Object.assign(new Error('x'), { stack: 42 });
    expect(normalizeThrown(nonStringStack).stacktrace).toBe('Error: x');
  });

  it('treats objects with a string stack as errors (errors from other realms, deserialized errors)', () => {
    const foreign = {
      name: 'RemoteError',
      message: 'longe',
      stack: 'RemoteError: longe\n    at f (/a.js:1:1)',
    };
    expect(normalizeThrown(foreign)).toEqual({
      type: 'RemoteError',
      message: 'longe',
      stacktrace: foreign.stack,
    });
  });
});
