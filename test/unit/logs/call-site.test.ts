import { readFileSync } from 'node:fs';
import { type Logger, SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { callSiteIn, captureCallSite } from '../../../src/logs/call-site';
import { ANONYMOUS_FUNCTION, type JsStackFrame, MODULE_LEVEL } from '../../../src/pipeline/js-stack';
import { EmitCapture, type EmitCaptureSettings } from '../../../src/logs/emit-capture';
import { trailOf } from '../../../src/pipeline/trail';

const THIS_FILE = new URL(import.meta.url).pathname;

function frame(file: string, fn: string | null = 'f', line = 1): JsStackFrame {
  return { file, function: fn, line, inApp: !file.includes('node_modules') && !file.startsWith('node:') };
}

describe('callSiteIn', () => {
  const own = '/opt/app/node_modules/opentelemetry-exporter-mongodb/dist/';
  it.each([
    [
      'skips this package, the SDK, a logging library bridge and Node internals',
      [
        frame(`${own}index.mjs`, 'EmitCapture.onEmit'),
        frame('/opt/app/node_modules/@opentelemetry/sdk-logs/dist/Logger.mjs', 'Logger.emit'),
        frame('/opt/app/node_modules/@opentelemetry/winston-transport/build/src/index.js', 'emit'),
        frame('/opt/app/node_modules/winston/lib/winston/logger.js', 'DerivedLogger.log'),
        frame('/opt/app/node_modules/pino/lib/proto.js', 'LOG'),
        frame('node:internal/streams/writable', 'write'),
        frame('/opt/app/src/repo.js', 'salvar', 42),
        frame('/opt/app/src/main.js', 'main', 3),
      ],
      { file: '/opt/app/src/repo.js', line: 42, function: 'salvar' },
    ],
    [
      'keeps a frame of another dependency (the application called the logger from there)',
      [frame(`${own}index.mjs`), frame('/opt/app/node_modules/express/lib/router.js', 'handle', 7)],
      { file: '/opt/app/node_modules/express/lib/router.js', line: 7, function: 'handle' },
    ],
    [
      'names module-level CommonJS code <module>',
      [frame('/opt/app/boot.js', null, 5), frame('node:internal/modules/cjs/loader', 'Module._compile')],
      { file: '/opt/app/boot.js', line: 5, function: MODULE_LEVEL },
    ],
    [
      'names module-level code at the bottom of the stack <module>',
      [frame('/opt/app/boot.mjs', null, 5)],
      { file: '/opt/app/boot.mjs', line: 5, function: MODULE_LEVEL },
    ],
    [
      'names an anonymous callback <anonymous>',
      [frame('/opt/app/ui.js', null, 9), frame('/opt/app/ui.js', 'render', 20)],
      { file: '/opt/app/ui.js', line: 9, function: ANONYMOUS_FUNCTION },
    ],
  ])('%s', (_case, frames, expected) => {
    expect(callSiteIn(frames, own)).toEqual(expected);
  });

  it('is undefined when only library frames are left', () => {
    expect(callSiteIn([frame('/x/node_modules/@opentelemetry/api/a.js')], undefined)).toBeUndefined();
  });
});

const KNOWN_LINE = readFileSync(THIS_FILE, 'utf8')
  .split('\n')
  .findIndex((line) => line.endsWith('// KNOWN LINE'));

describe('captureCallSite', () => {
  it('points at the line of this file that called it, in the calling function', () => {
    let site: ReturnType<typeof captureCallSite>;
    function salvarQuestao() {
      site = captureCallSite(); // KNOWN LINE
    }
    salvarQuestao();
    expect(site!).toEqual({ file: THIS_FILE, line: KNOWN_LINE + 1, function: 'salvarQuestao' });
  });
});

describe('captureCallSite with V8 call sites or the stack text', () => {
  // V8's own text format, as Node.js's default `Error.prepareStackTrace` gives without source maps.
  const v8Text = (error: Error, sites: NodeJS.CallSite[]) =>
    [`${error.name}: ${error.message}`, ...sites.map((site) => `    at ${String(site)}`)].join('\n');
  /** `call` run once with each stack source installed, and which ones were asked to format. */
  function withEach(call: () => unknown): { structured: unknown; text: unknown; formatted: string[] } {
    const saved = Error.prepareStackTrace;
    const formatted: string[] = [];
    try {
      // Node.js's default (its name) and no function at all: both read as V8 call sites.
      Error.prepareStackTrace = Object.defineProperty(
        (error: Error, sites: NodeJS.CallSite[]) => (formatted.push('node default'), v8Text(error, sites)),
        'name',
        { value: 'ErrorPrepareStackTrace' },
      );
      const structured = call();
      (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
      expect(call()).toEqual(structured);
      // A library's override (source-map-support): the text it formats is read.
      Error.prepareStackTrace = (error, sites) => (formatted.push('library'), v8Text(error, sites));
      return { structured, text: call(), formatted };
    } finally {
      Error.prepareStackTrace = saved;
    }
  }

  class Repositorio {
    salvar() {
      return captureCallSite();
    }
    get atual() {
      return captureCallSite();
    }
  }
  it.each([
    [
      'a named function',
      () =>
        (function salvarQuestao() {
          return captureCallSite();
        })(),
    ],
    ['a class method', () => new Repositorio().salvar()],
    ['a getter', () => new Repositorio().atual],
    ['an object literal method', () => ({ metodo: () => captureCallSite() }).metodo()],
    ['an anonymous callback', () => [0].map(() => captureCallSite())[0]],
  ])('finds the same call site in %s, and formats no text unless a library asks for it', (_case, call) => {
    const { structured, text, formatted } = withEach(call);
    expect(structured).toBeDefined();
    expect(structured).toEqual(text);
    expect(formatted).toEqual(['library']);
  });
});

const SETTINGS: EmitCaptureSettings = {
  remoteSeverity: SeverityNumber.ERROR,
  trailSize: 3,
  trailMaxAgeMs: undefined,
  captureCallSite: true,
};

/** Records emitted through a provider whose first processor is an EmitCapture. */
function emitThrough(settings: EmitCaptureSettings, emit: (logger: Logger) => void): ReadableLogRecord[] {
  const records: ReadableLogRecord[] = [];
  const provider = new LoggerProvider({
    processors: [
      new EmitCapture(settings),
      { onEmit: (record) => void records.push(record), forceFlush: async () => {}, shutdown: async () => {} },
    ],
  });
  emit(provider.getLogger('app'));
  return records;
}

describe('EmitCapture', () => {
  it('sets code.* on an error record without a location, and nothing on other records', () => {
    const records = emitThrough(SETTINGS, (logger) => {
      logger.emit({ severityNumber: SeverityNumber.INFO, body: 'below' });
      logger.emit({
        severityNumber: SeverityNumber.ERROR,
        body: 'with code',
        attributes: { 'code.function.name': 'f' },
      });
      logger.emit({ severityNumber: SeverityNumber.ERROR, exception: new Error('with exception') });
      logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'bare' });
    });
    const codeKeys = records.map((record) =>
      Object.keys(record.attributes).filter((key) => key.startsWith('code.')),
    );
    expect(codeKeys).toEqual([
      [],
      ['code.function.name'],
      [],
      ['code.file.path', 'code.line.number', 'code.function.name'],
    ]);
    expect(records[3]!.attributes['code.file.path']).toBe(THIS_FILE);
  });

  it('captures no call site when switched off', () => {
    const [record] = emitThrough({ ...SETTINGS, captureCallSite: false }, (logger) =>
      logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'bare' }),
    );
    expect(record!.attributes).toEqual({});
  });

  it('attaches the last trailSize records below the threshold, oldest first, and keeps errors out of it', () => {
    const records = emitThrough(SETTINGS, (logger) => {
      for (const body of ['a', 'b', 'c', 'd']) logger.emit({ severityNumber: SeverityNumber.INFO, body });
      logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'first error' });
      logger.emit({ severityNumber: SeverityNumber.WARN, body: 'e' });
      logger.emit({ severityNumber: SeverityNumber.FATAL, body: 'second error' });
    });
    const bodies = (record: ReadableLogRecord | undefined) => trailOf(record!)?.map((entry) => entry.body);
    expect(bodies(records[4])).toEqual(['b', 'c', 'd']);
    expect(bodies(records[6])).toEqual(['c', 'd', 'e']);
    expect(trailOf(records[0]!)).toBeUndefined();
  });

  it('leaves out trail records older than trailMaxAgeMs, and keeps no trail at trailSize 0', () => {
    const old = Date.now() - 60_000;
    const emitted = (settings: EmitCaptureSettings) =>
      emitThrough(settings, (logger) => {
        logger.emit({ severityNumber: SeverityNumber.INFO, body: 'old', timestamp: old });
        logger.emit({ severityNumber: SeverityNumber.INFO, body: 'recent' });
        logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'error' });
      })[2]!;
    expect(trailOf(emitted({ ...SETTINGS, trailMaxAgeMs: 30_000 }))?.map((r) => r.body)).toEqual(['recent']);
    expect(trailOf(emitted(SETTINGS))?.map((r) => r.body)).toEqual(['old', 'recent']);
    expect(trailOf(emitted({ ...SETTINGS, trailSize: 0 }))).toBeUndefined();
  });

  it('never throws into the application', () => {
    const capture = new EmitCapture(SETTINGS);
    const hostile = {
      get instrumentationScope(): never {
        throw new Error('hostile record');
      },
    };
    expect(() => capture.onEmit(hostile as never)).not.toThrow();
  });
});
