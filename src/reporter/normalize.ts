import { inspect, types } from 'node:util';

/** Any thrown value, reduced to what the `exception.*` attributes carry. */
export interface NormalizedError {
  /** Class name for errors and objects (`TypeError`, `Object`), `typeof` for primitives, `null` for null. */
  type: string;
  message: string;
  /** The value's own stack, then its causes and AggregateError members; null when it has none. */
  stacktrace: string | null;
}

const MAX_NESTING = 8;
const MAX_MEMBERS = 20;
const INDENT = '    ';

/**
 * Turns anything that can be thrown into `{ type, message, stacktrace }`. Never throws:
 * getters that throw, broken `stack` properties and revoked proxies degrade to placeholders.
 */
export function normalizeThrown(value: unknown): NormalizedError {
  try {
    if (isErrorLike(value)) {
      const type = errorType(value);
      const message = textProperty(value, 'message') ?? '';
      return { type, message, stacktrace: errorStack(value, type, message, new Set(), 0) };
    }
    return { type: typeOfValue(value), message: describeValue(value), stacktrace: null };
  } catch {
    return { type: 'unknown', message: '[unreadable thrown value]', stacktrace: null };
  }
}

/** Native errors (from any realm), subclasses, and objects that carry a string `stack`. */
function isErrorLike(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (types.isNativeError(value) || safely(() => value instanceof Error, false)) return true;
  return typeof safeGet(value, 'stack') === 'string';
}

/** A specific `name` wins (`ValidationError` set on an Error); otherwise the class (`class MyError extends Error`). */
function errorType(error: object): string {
  const name = textProperty(error, 'name');
  if (name && name !== 'Error') return name;
  const constructorName = safely(() => {
    const ctor = safeGet(error, 'constructor');
    return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : undefined;
  }, undefined);
  if (constructorName && constructorName !== 'Object') return constructorName;
  return name || 'Error';
}

function errorStack(error: object, type: string, message: string, seen: Set<object>, depth: number): string {
  seen.add(error);
  const ownStack = textProperty(error, 'stack');
  let text = ownStack && ownStack.trim() !== '' ? ownStack : message ? `${type}: ${message}` : type;
  if (depth >= MAX_NESTING) return text;

  const errors = safeGet(error, 'errors');
  if (Array.isArray(errors)) {
    errors.slice(0, MAX_MEMBERS).forEach((member: unknown, index) => {
      text += `\n${INDENT}[errors][${index}]: ${indent(nestedText(member, seen, depth))}`;
    });
    if (errors.length > MAX_MEMBERS) text += `\n${INDENT}... ${errors.length - MAX_MEMBERS} more errors`;
  }
  const cause = safeGet(error, 'cause');
  if (cause !== undefined) {
    text += `\n${INDENT}[cause]: ${indent(nestedText(cause, seen, depth))}`;
  }
  return text;
}

function nestedText(value: unknown, seen: Set<object>, depth: number): string {
  if (value !== null && typeof value === 'object' && seen.has(value)) return '[Circular]';
  if (isErrorLike(value)) {
    const type = errorType(value);
    return errorStack(value, type, textProperty(value, 'message') ?? '', seen, depth + 1);
  }
  return `${typeOfValue(value)}: ${describeValue(value)}`;
}

function indent(text: string): string {
  return text.replaceAll('\n', `\n${INDENT}`);
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = safely(() => {
    const ctor = safeGet(value, 'constructor');
    return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : undefined;
  }, undefined);
  return name || 'Object';
}

/** Strings as they are; everything else through `util.inspect`, which does not run getters. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const message = textProperty(value, 'message');
    if (message) return message;
  }
  return safely(
    () => inspect(value, { depth: 3, breakLength: Infinity, customInspect: false, getters: false }),
    '[uninspectable value]',
  );
}

function textProperty(value: object, key: string): string | undefined {
  const property = safeGet(value, key);
  return typeof property === 'string' ? property : undefined;
}

function safeGet(value: object, key: string): unknown {
  return safely(() => (value as Record<string, unknown>)[key], undefined);
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    // A hostile getter or proxy trap: the caller's fallback describes the value instead.
    return fallback;
  }
}
