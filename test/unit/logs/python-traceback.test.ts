import { describe, expect, it } from 'vitest';
import { isPythonTraceback, parsePythonTraceback } from '../../../src/logs/python-traceback';
import { topFrame } from '../../../src/logs/stack-frame';

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
      { file: '/app/importacao.py', line: 12, func: 'importar' },
      { file: '/app/main.py', line: 40, func: 'main' },
    ]);
  });

  it('reads the last raised exception of a chain', () => {
    expect(parsePythonTraceback(CHAINED)[0]).toEqual({ file: '/app/main.py', line: 3, func: 'ler' });
  });

  it('reads a frame without a function name, and finds nothing in other text', () => {
    expect(parsePythonTraceback('Traceback (most recent call last):\n  File "<stdin>", line 1\n')).toEqual([
      { file: '<stdin>', line: 1, func: null },
    ]);
    expect(parsePythonTraceback('Error: x\n    at f (/a.js:1:2)')).toEqual([]);
    expect(isPythonTraceback('Error: x')).toBe(false);
  });
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
