import { describe, expect, it } from 'vitest';
import {
  customFingerprint,
  fingerprint,
  type FingerprintFrame,
  normalizeMessage,
  relativeFile,
} from '../../../src/pipeline/fingerprint';
import { parseJsStack } from '../../../src/pipeline/js-stack';

const APP_A = '/home/ana/apps/mathbank';
const APP_B = 'C:\\Program Files\\MathBank\\resources\\app';

function stack(root: string, sep: string, lines: { fn?: string; file: string; line: number }[]): string {
  const frames = lines.map(({ fn, file, line }) => {
    const path = file.startsWith('node:') ? file : `${root}${sep}${file.replaceAll('/', sep)}`;
    return fn ? `    at ${fn} (${path}:${line}:7)` : `    at ${path}:${line}:7`;
  });
  return ['TypeError: questão 42 inválida', ...frames].join('\n');
}

function fromStack(type: string, text: string, roots: string[], message = 'x'): string {
  return fingerprint({ type, message, frames: parseJsStack(text) }, roots);
}

const PATH = [
  { fn: 'salvarQuestao', file: 'src/repo/questoes.js', line: 40 },
  { fn: 'Editor.onSave', file: 'src/ui/editor.js', line: 12 },
  { fn: 'Module._compile', file: 'node:internal/modules/cjs/loader', line: 1 },
];

describe('fingerprint', () => {
  it('is 16 lowercase hex digits', () => {
    expect(fromStack('TypeError', stack(APP_A, '/', PATH), [APP_A])).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['another install folder and OS', stack(APP_B, '\\', PATH), [APP_B]],
    [
      'other line and column numbers',
      stack(
        APP_A,
        '/',
        PATH.map((frame) => ({ ...frame, line: frame.line + 7 })),
      ),
      [APP_A],
    ],
    [
      'other dependency frames',
      stack(APP_A, '/', [
        PATH[0]!,
        { fn: 'Query.run', file: 'node_modules/sqlite/lib/q.js', line: 3 },
        ...PATH.slice(1),
      ]),
      [APP_A],
    ],
    [
      'a recursion repeated more times',
      stack(APP_A, '/', [PATH[0]!, PATH[0]!, PATH[0]!, ...PATH.slice(1)]),
      [APP_A],
    ],
  ])('is the same with %s', (_case, other, roots) => {
    expect(fromStack('TypeError', other, roots)).toBe(
      fromStack('TypeError', stack(APP_A, '/', PATH), [APP_A]),
    );
  });

  it.each([
    ['another exception type', 'RangeError', stack(APP_A, '/', PATH)],
    ['another in-app function', 'TypeError', stack(APP_A, '/', [{ ...PATH[0]!, fn: 'apagarQuestao' }])],
    ['another in-app file', 'TypeError', stack(APP_A, '/', [{ ...PATH[0]!, file: 'src/repo/listas.js' }])],
    [
      'another caller',
      'TypeError',
      stack(APP_A, '/', [PATH[0]!, { fn: 'importar', file: 'src/io.js', line: 1 }]),
    ],
  ])('differs with %s', (_case, type, other) => {
    expect(fromStack(type, other, [APP_A])).not.toBe(
      fromStack('TypeError', stack(APP_A, '/', PATH), [APP_A]),
    );
  });

  it('ignores the message when there are in-app frames', () => {
    const text = stack(APP_A, '/', PATH);
    expect(fromStack('TypeError', text, [APP_A], 'a')).toBe(fromStack('TypeError', text, [APP_A], 'b'));
  });

  it('falls back to the type and normalised message without in-app frames', () => {
    const onlyDependencies: FingerprintFrame[] = [
      { file: '/x/node_modules/mongodb/lib/a.js', function: 'f', inApp: false },
    ];
    const of = (type: string, message: string) => fingerprint({ type, message, frames: onlyDependencies });
    expect(of('Error', 'user 123 not found')).toBe(of('Error', 'user 456 not found'));
    expect(of('Error', 'user 123 not found')).toBe(
      fingerprint({ type: 'Error', message: 'user 9 not found', frames: [] }),
    );
    expect(of('Error', 'user 123 not found')).not.toBe(of('TypeError', 'user 123 not found'));
    expect(of('Error', 'user 123 not found')).not.toBe(of('Error', 'list 123 not found'));
  });

  it('treats a record without a type like an empty type', () => {
    expect(fingerprint({ type: null, message: 'falha', frames: [] })).toBe(
      fingerprint({ type: '', message: 'falha', frames: [] }),
    );
  });

  it('an application key replaces the computed one, hashed, and arrays are joined in order', () => {
    expect(customFingerprint('db-down')).toMatch(/^[0-9a-f]{16}$/);
    expect(customFingerprint('db-down')).toBe(customFingerprint(['db-down']));
    expect(customFingerprint(['a', 'b'])).not.toBe(customFingerprint(['b', 'a']));
    expect(customFingerprint('db-down')).not.toBe(
      fingerprint({ type: null, message: 'db-down', frames: [] }),
    );
  });
});

describe('normalizeMessage', () => {
  it.each([
    ['user 123 not found', 'user <num> not found'],
    ['took 12.5 s, retry -3', 'took <num> s, retry <num>'],
    ['id 3f2504e0-4f89-11d3-9a0c-0305e82c3301 gone', 'id <uuid> gone'],
    ['object 65a1f0c2e4b0a1b2c3d4e5f6 missing', 'object <hex> missing'],
    ['at address 0x7ffee3b0', 'at address <hex>'],
    ['mail to ana.silva+x@example.com.br failed', 'mail to <email> failed'],
    ['GET https://api.example.com/v1/users/42?x=1 failed', 'GET <url> failed'],
    ['connect ECONNREFUSED 10.0.0.12:27017', 'connect ECONNREFUSED <ip>'],
    ['host fe80::1ff:fe23:4567:890a down', 'host <ip> down'],
    ['due 2024-03-01T12:34:56.789Z', 'due <date>'],
    ['due 01/03/2024 at 12:34', 'due <date> at <time>'],
    ['no key "questao_42" in \'lista\'', 'no key <quoted> in <quoted>'],
    ['  spaces\n and\tlines ', 'spaces and lines'],
    ['word deadbeef stays', 'word deadbeef stays'],
  ])('%s → %s', (message, normalised) => {
    expect(normalizeMessage(message)).toBe(normalised);
  });
});

describe('relativeFile', () => {
  it.each([
    ['/home/ana/apps/mathbank/src/a.js', [APP_A], 'src/a.js'],
    ['C:\\Program Files\\MathBank\\resources\\app\\src\\a.js', [APP_B], 'src/a.js'],
    ['c:\\program files\\mathbank\\resources\\app\\src\\a.js', [APP_B], 'src/a.js'],
    ['/elsewhere/tool/a.js', [APP_A], 'a.js'],
    ['/home/ana/apps/mathbank-old/a.js', [APP_A], 'a.js'],
    ['/home/ana/apps/mathbank/dist/app.js?v=123', [APP_A], 'dist/app.js'],
  ])('%s in %j → %s', (file, roots, relative) => {
    expect(relativeFile(file, roots)).toBe(relative);
  });
});

describe('parseJsStack', () => {
  it('reads functions, files, lines and the in-app flag, innermost first', () => {
    const frames = parseJsStack(
      [
        'Error: boom',
        '    at new Questao (file:///app/src/questao.mjs:10:5)',
        '    at Repo.salvar [as save] (/app/src/repo.js:20:3)',
        '    at async Promise.all (index 0)',
        '    at /app/src/main.js:3:1',
        '    at Object.<anonymous> (/app/src/boot.js:1:1)',
        '    at Array.map (<anonymous>)',
        '    at eval (eval at run (/app/src/x.js:1:1), <anonymous>:1:1)',
        '    at Query.run (/app/node_modules/sqlite/q.js:5:5)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
        '    [cause]: Error: inner',
        '        at inner (/app/src/inner.js:1:1)',
      ].join('\n'),
    );
    expect(frames).toEqual([
      { file: '/app/src/questao.mjs', line: 10, function: 'Questao', inApp: true },
      { file: '/app/src/repo.js', line: 20, function: 'Repo.salvar', inApp: true },
      { file: null, line: null, function: 'Promise.all', inApp: false },
      { file: '/app/src/main.js', line: 3, function: null, inApp: true },
      { file: '/app/src/boot.js', line: 1, function: null, inApp: true },
      { file: null, line: null, function: 'Array.map', inApp: false },
      { file: null, line: null, function: 'eval', inApp: false },
      { file: '/app/node_modules/sqlite/q.js', line: 5, function: 'Query.run', inApp: false },
      {
        file: 'node:internal/process/task_queues',
        line: 95,
        function: 'process.processTicksAndRejections',
        inApp: false,
      },
    ]);
  });
});

describe('normalizeMessage on long input', () => {
  it('reads only the first 1024 characters', () => {
    const head = 'x'.repeat(1024);
    expect(normalizeMessage(`${head} tail 1`)).toBe(normalizeMessage(`${head} other tail 2`));
    expect(normalizeMessage('a.'.repeat(50_000))).toHaveLength(1024);
  });
});
