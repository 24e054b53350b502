import { SeverityNumber } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AUDIT_LOGGER_NAME, routeOf } from '../../../src/pipeline/route';
import { captureRecords } from '../../support/records';

function route(emit: Parameters<typeof captureRecords>[0], threshold = SeverityNumber.ERROR) {
  return captureRecords(emit).map((record) => routeOf(record, threshold));
}

describe('routeOf', () => {
  it('sends records at the threshold to errors, and one step below it nowhere', () => {
    expect(
      route((logger) => {
        logger('app').emit({ severityNumber: SeverityNumber.ERROR, body: 'at' });
        logger('app').emit({ severityNumber: SeverityNumber.WARN4, body: 'just below' });
        logger('app').emit({ severityNumber: SeverityNumber.FATAL, body: 'above' });
      }),
    ).toEqual(['errors', 'filtered', 'errors']);
  });

  it('reads the severity text when the number is missing', () => {
    expect(
      route((logger) => {
        logger('app').emit({ severityText: 'error', body: 'x' });
        logger('app').emit({ severityText: 'warning', body: 'y' });
      }),
    ).toEqual(['errors', 'filtered']);
  });

  it("sends the audit logger's events to audit whatever their severity", () => {
    expect(
      route((logger) => {
        logger(AUDIT_LOGGER_NAME).emit({ eventName: 'tag.criada', severityNumber: SeverityNumber.INFO });
        logger(AUDIT_LOGGER_NAME).emit({ eventName: 'x', severityNumber: SeverityNumber.DEBUG });
      }),
    ).toEqual(['audit', 'audit']);
  });

  it('treats a record without an event name as an ordinary log, even from the audit logger', () => {
    expect(
      route((logger) => {
        logger(AUDIT_LOGGER_NAME).emit({ severityNumber: SeverityNumber.INFO, body: 'no event' });
        logger(AUDIT_LOGGER_NAME).emit({ severityNumber: SeverityNumber.ERROR, body: 'no event' });
        logger('other').emit({ eventName: 'tag.criada', severityNumber: SeverityNumber.INFO });
      }),
    ).toEqual(['filtered', 'errors', 'filtered']);
  });
});
