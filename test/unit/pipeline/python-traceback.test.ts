import { describe, expect, it } from 'vitest';
import { isPythonTraceback, parsePythonTraceback } from '../../../src/pipeline/python-traceback';
import { topFrame } from '../../../src/pipeline/stack-frame';
import { fingerprint } from '../../../src/pipeline/fingerprint';

const TRACEBACK = `Traceback (most recent call last):
  File "/app/main.py", line 40, in main
    importar(linhas)
  File "/app/importacao.py", line 12, in importar
    total += int(linha)
             ^^^^^^^^^
ValueError: invalid literal for int() with base 10: 'abc'
`;

const CHAINED = `Traceback (most recent call last):
  File "/app/db.py", line 5, in ler
    raise KeyError("x")
KeyError: 'x'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/main.py", line 9, in main
    ler()
  File "/app/main.py", line 3, in ler
    raise ValueError("y")
ValueError: y
`;

describe('parsePythonTraceback', () => {
  it('lists the frames innermost first', () => {
    expect(parsePythonTraceback(TRACEBACK)).toEqual([
      { file: '/app/importacao.py', line: 12, function: 'importar', inApp: true },
      { file: '/app/main.py', line: 40, function: 'main', inApp: true },
    ]);
  });

  it('reads the last raised exception of a chain', () => {
    expect(parsePythonTraceback(CHAINED)[0]).toMatchObject({
      file: '/app/main.py',
      line: 3,
      function: 'ler',
    });
  });

  it('reads a frame without a function name, and finds nothing in other text', () => {
    expect(parsePythonTraceback('Traceback (most recent call last):\n  File "<stdin>", line 1\n')).toEqual([
      { file: '<stdin>', line: 1, function: null, inApp: true },
    ]);
    expect(parsePythonTraceback('Error: x\n    at f (/a.js:1:2)')).toEqual([]);
    expect(isPythonTraceback('Error: x')).toBe(false);
  });
});

it('marks installed packages, the standard library and frozen modules as not in-app', () => {
  const text = `Traceback (most recent call last):
  File "/home/ana/app/main.py", line 3, in <module>
    run()
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads
  File "/venv/lib/python3.11/site-packages/requests/api.py", line 59, in get
ValueError: x`;
  expect(parsePythonTraceback(text).map((frame) => [frame.function, frame.inApp])).toEqual([
    ['get', false],
    ['loads', false],
    ['_run_code', false],
    [null, true],
  ]);
});

describe('topFrame', () => {
  it("gives a Python traceback's last frame: where the exception was raised", () => {
    expect(topFrame(TRACEBACK)).toEqual({ file: '/app/importacao.py', line: 12, func: 'importar' });
  });

  it('still reads V8 stacks', () => {
    expect(topFrame('Error: x\n    at salvar (/app/a.js:7:3)')).toEqual({
      file: '/app/a.js',
      line: 7,
      func: 'salvar',
    });
  });
});

describe('fingerprint of a Python traceback', () => {
  it('is the same wherever the app is installed and whatever the line numbers', () => {
    const at = (root: string, line: number) =>
      parsePythonTraceback(
        `Traceback (most recent call last):\n  File "${root}main.py", line ${line}, in importar\nValueError: x`,
      );
    const linux = fingerprint({ type: 'ValueError', message: 'x', frames: at('/home/ana/app/', 12) });
    const windows = fingerprint({
      type: 'ValueError',
      message: 'x',
      frames: at('C:\\Users\\bob\\app\\', 14),
    });
    expect(linux).toBe(windows);
    expect(fingerprint({ type: 'KeyError', message: 'x', frames: at('/home/ana/app/', 12) })).not.toBe(linux);
  });
});
