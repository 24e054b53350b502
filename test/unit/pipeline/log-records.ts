import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AuditLogger } from '../../../src/index';
import { captureRecords } from '../../support/records';

const STACK = 'TypeError: boom\n    at salvar (/app/src/repo.js:17:11)\n    at main (/app/src/main.js:3:1)';

/** `count` ERROR records of one stack, `erro 0`, `erro 1`...: one fingerprint (digits aside). */
export function errorRecords(count: number, attributes: Record<string, unknown> = {}): ReadableLogRecord[] {
  return captureRecords((logger) => {
    for (let i = 0; i < count; i++) {
      logger('app').emit({
        severityNumber: 17,
        severityText: 'ERROR',
        body: `erro ${i}`,
        attributes: { 'exception.type': 'TypeError', 'exception.stacktrace': STACK, ...attributes },
      });
    }
  });
}

/** One audit event (`questao.criada`), as the AuditLogger emits it. */
export function auditRecord(): ReadableLogRecord {
  const [record] = captureRecords((logger) => {
    const provider = { getLogger: (name: string) => logger(name) } as never;
    new AuditLogger({ loggerProvider: provider }).forUser('u-1').questaoCriada(7, 'Q', 'aberta', []);
  });
  return record!;
}
