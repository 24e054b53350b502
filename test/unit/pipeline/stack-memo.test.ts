import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { fingerprint } from '../../../src/pipeline/fingerprint';
import { parseJsStack } from '../../../src/pipeline/js-stack';
import { parsePythonTraceback } from '../../../src/pipeline/python-traceback';
import { topFrame } from '../../../src/pipeline/stack-frame';
import { StackMemo } from '../../../src/pipeline/stack-memo';
import { type MappingContext, newStackFactsMemo, toErrorDocument } from '../../../src/pipeline/transform';
import { captureRecords } from '../../support/records';
import { DEFAULT_SANITIZE_LIMITS, SanitizeReport } from '../../../src/document/sanitize-report';

describe('StackMemo', () => {
  it('returns what was kept for the same text from the same offset, and undefined for another', () => {
    const memo = new StackMemo<number>();
    memo.set('Error: 1\nat a (x.js:1:1)', 1, 8);
    expect(memo.get(`Error: 22\nat a (x.js:${1}:1)`, 9)).toBe(1);
    expect(memo.get('Error: 1\nat a (x.js:1:1)', 0)).toBeUndefined();
    expect(memo.get('Error: 1\nat b (x.js:1:1)', 8)).toBeUndefined();
    expect(memo.get('Error: 1\nat a (x.js:1:1) ', 8)).toBeUndefined();
  });

  it('finds the matching entry among kept texts of the same length', () => {
    const memo = new StackMemo<string>();
    memo.set('Error: a\nat a (x.js:1:1)', 'a', 8);
    memo.set('Error: a\nat b (x.js:1:1)', 'b', 8);
    memo.set('Error: a\nat c (x.js:1:1)', 'c', 8);
    expect(memo.get('Error: long id\nat b (x.js:1:1)', 14)).toBe('b');
    expect(memo.get('Error: long id\nat c (x.js:1:1)', 14)).toBe('c');
    expect(memo.get('Error: long id\nat d (x.js:1:1)', 14)).toBeUndefined();
  });

  it('keeps the most recent stacks up to its capacity, replacing the oldest', () => {
    const memo = new StackMemo<number>(2);
    memo.set('one', 1);
    memo.set('two', 2);
    memo.set('two', 22); // the same text is replaced, not added
    expect([memo.get('one'), memo.get('two')]).toEqual([1, 22]);
    memo.set('three', 3);
    expect([memo.get('one'), memo.get('two'), memo.get('three')]).toEqual([undefined, 22, 3]);
    memo.set('four', 4);
    expect([memo.get('two'), memo.get('three'), memo.get('four')]).toEqual([undefined, 3, 4]);
  });
});

describe('toErrorDocument with a stack seen before', () => {
  const stack = 'TypeError: x\n    at salvar (/app/src/repo.js:17:11)\n    at main (/app/src/main.js:3:1)';
  const stacks = newStackFactsMemo();

  function erro(attributes: Record<string, string>, appRoots?: readonly string[]) {
    const [record] = captureRecords((logger) =>
      logger('app').emit({
        severityNumber: 17,
        attributes: { 'exception.stacktrace': stack, ...attributes },
      }),
    );
    const context: MappingContext = {
      id: 'id',
      fields: resourceFields(record!.resource),
      report: new SanitizeReport(),
      limits: DEFAULT_SANITIZE_LIMITS,
      stacks,
      ...(appRoots ? { appRoots } : {}),
    };
    return toErrorDocument(record!, context).erro;
  }
  const expected = (type: string, message: string, appRoots: readonly string[] = []) =>
    fingerprint({ type, message, frames: parseJsStack(stack) }, appRoots);

  it('computes the fingerprint again when the type, message or app roots differ', () => {
    const roots = ['/app'];
    expect(erro({ 'exception.type': 'TypeError', 'exception.message': 'a' }).fingerprint).toBe(
      expected('TypeError', 'a'),
    );
    expect(erro({ 'exception.type': 'RangeError', 'exception.message': 'a' }).fingerprint).toBe(
      expected('RangeError', 'a'),
    );
    expect(erro({ 'exception.type': 'RangeError', 'exception.message': 'a' }, roots).fingerprint).toBe(
      expected('RangeError', 'a', roots),
    );
    expect(expected('RangeError', 'a', roots)).not.toBe(expected('RangeError', 'a'));
  });

  it('gives the same erro fields with the memo as without one', () => {
    const [record] = captureRecords((logger) =>
      logger('app').emit({
        severityNumber: 17,
        attributes: { 'exception.stacktrace': stack, 'exception.type': 'TypeError' },
      }),
    );
    const base = { id: 'id', fields: resourceFields(record!.resource), limits: DEFAULT_SANITIZE_LIMITS };
    const memo = newStackFactsMemo();
    const withMemo = () =>
      toErrorDocument(record!, { ...base, report: new SanitizeReport(), stacks: memo }).erro;
    const without = toErrorDocument(record!, { ...base, report: new SanitizeReport() }).erro;
    expect(withMemo()).toEqual(without);
    expect(withMemo()).toEqual(without); // the second read comes from the memo
  });

  it('gives the same top frame for the same stack every time', () => {
    const first = erro({ 'exception.type': 'TypeError' });
    const again = erro({ 'exception.type': 'TypeError' });
    expect([again.arquivo, again.linha, again.funcao]).toEqual(['/app/src/repo.js', 17, 'salvar']);
    expect([first.arquivo, first.linha, first.funcao]).toEqual([again.arquivo, again.linha, again.funcao]);
  });
});

describe('toErrorDocument with stacks that differ only in their first line', () => {
  const frames = '\n    at salvar (/app/src/repo.js:17:11)\n    at main (/app/src/main.js:3:1)';
  const stacks = [
    `TypeError: id 1${frames}`,
    `TypeError: id 2${frames}`,
    `    at first (/app/src/first.js:1:1)${frames}`, // a first line that is itself a frame
    `Traceback (most recent call last):${frames}`, // a first line that makes it a Python traceback
    `TypeError: id 3${frames}`,
    'Traceback (most recent call last):\n  File "/app/main.py", line 3, in salvar\nValueError: x',
  ];

  it('gives each stack the top frame and fingerprint computed from that stack alone', () => {
    const memo = newStackFactsMemo();
    for (const stack of stacks) {
      const [record] = captureRecords((logger) =>
        logger('app').emit({
          severityNumber: 17,
          attributes: {
            'exception.type': 'TypeError',
            'exception.message': 'm',
            'exception.stacktrace': stack,
          },
        }),
      );
      const erro = toErrorDocument(record!, {
        id: 'id',
        fields: resourceFields(record!.resource),
        report: new SanitizeReport(),
        limits: DEFAULT_SANITIZE_LIMITS,
        stacks: memo,
      }).erro;
      const python = stack.includes('Traceback (most recent call last):');
      const top = topFrame(stack);
      expect({ stack, arquivo: erro.arquivo, linha: erro.linha, fingerprint: erro.fingerprint }).toEqual({
        stack,
        arquivo: top?.file ?? null,
        linha: top?.line ?? null,
        fingerprint: fingerprint({
          type: 'TypeError',
          message: 'm',
          frames: python ? parsePythonTraceback(stack) : parseJsStack(stack),
        }),
      });
    }
  });
});
