import { describe, expect, it } from 'vitest';
import { topFrame } from '../../../src/pipeline/stack-frame';

describe('topFrame: code without a function name', () => {
  it('names module-level code <module>, as the plan does, when the module loader called it (ES module)', () => {
    const stack = [
      'SyntaxError: bad',
      '    at file:///app/main.mjs:3:6',
      '    at ModuleJob.run (node:internal/modules/esm/module_job:271:25)',
    ].join('\n');
    expect(topFrame(stack)?.func).toBe('<module>');
  });

  it('names CommonJS module code (Object.<anonymous>, called by the loader) <module>', () => {
    const stack = [
      'Error: x',
      '    at Object.<anonymous> (/app/main.js:4:1)',
      '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
    ].join('\n');
    expect(topFrame(stack)?.func).toBe('<module>');
  });

  it('names an anonymous function <anonymous>, as the call site of a log does', () => {
    const stack = [
      'Error: x',
      '    at /app/main.js:9:11',
      '    at Array.map (<anonymous>)',
      '    at run (/app/main.js:9:5)',
    ].join('\n');
    expect(topFrame(stack)?.func).toBe('<anonymous>');
  });

  it("names a Python traceback's module-level frame <module>", () => {
    const stack = [
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 3, in <module>',
      'ValueError: x',
    ].join('\n');
    expect(topFrame(stack)).toEqual({ file: '/app/main.py', line: 3, func: '<module>' });
  });
});

describe('topFrame', () => {
  it.each([
    ['    at fn (/a/b.js:10:5)', { file: '/a/b.js', line: 10, func: 'fn' }],
    // Called by another function (`other` below): an anonymous function.
    ['    at /a/b.js:10:5', { file: '/a/b.js', line: 10, func: '<anonymous>' }],
    [
      '    at async Repo.save (file:///srv/app/repo.mjs:7:3)',
      { file: '/srv/app/repo.mjs', line: 7, func: 'Repo.save' },
    ],
    ['    at new Questao (/a/q.js:2:9)', { file: '/a/q.js', line: 2, func: 'Questao' }],
    [
      '    at Object.<anonymous> (C:\\app\\main.js:4:1)',
      { file: 'C:\\app\\main.js', line: 4, func: '<anonymous>' },
    ],
  ])('reads %s', (line, expected) => {
    expect(topFrame(`Error: x\n${line}\n    at other (/z.js:1:1)`)).toEqual(expected);
  });

  it('skips lines that are not frames and returns undefined when there is none', () => {
    expect(topFrame('Error: multi\nline message\n    at f (/a.js:3:4)')).toEqual({
      file: '/a.js',
      line: 3,
      func: 'f',
    });
    expect(topFrame('just text')).toBeUndefined();
  });

  it('reads a frame on the last line, with no line break after it', () => {
    expect(topFrame('Error: x\n    at last (/a/z.js:9:1)')).toEqual({
      file: '/a/z.js',
      line: 9,
      func: 'last',
    });
  });

  it('skips eval frames, and keeps "new" inside a name', () => {
    expect(
      topFrame(
        'Error: x\n    at eval (eval at run (/a/e.js:1:1), <anonymous>:1:1)\n    at renew (/a/r.js:3:2)',
      ),
    ).toEqual({ file: '/a/r.js', line: 3, func: 'renew' });
    expect(topFrame('Error: x\n    at Foo.new (/a/n.js:5:5)')).toEqual({
      file: '/a/n.js',
      line: 5,
      func: 'Foo.new',
    });
  });

  it('keeps a location that is not a file URL as it is, and a malformed file URL too', () => {
    expect(topFrame('Error: x\n    at f (node:internal/x:1:1)')?.file).toBe('node:internal/x');
    expect(topFrame('Error: x\n    at f (file://host/share/x.js:1:1)')?.file).toBe('file://host/share/x.js');
  });
});
