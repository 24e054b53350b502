import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { OutageNotice } from '../../../src/delivery/outage-notice';
import { captureDiag } from '../../support/diag';

const captured = captureDiag(DiagLogLevel.DEBUG);
const diag = {
  lines: (severity: string) =>
    captured.lines.filter((line) => line.startsWith(`${severity} opentelemetry-exporter-mongodb/`)),
};

describe('OutageNotice', () => {
  it('warns once per outage with the cause, then only at debug, and says at info when the server answers', () => {
    const notice = new OutageNotice();
    notice.unreachable('connect ECONNREFUSED 127.0.0.1:1', 'spooling errors documents');
    notice.unreachable('connect ECONNREFUSED 127.0.0.1:1', 'spooling audit documents');
    expect(diag.lines('warn')).toEqual([
      expect.stringContaining(
        'cannot reach MongoDB (connect ECONNREFUSED 127.0.0.1:1); spooling errors documents',
      ),
    ]);
    expect(diag.lines('debug')).toEqual([expect.stringContaining('still unreachable')]);
    expect(notice.inOutage).toBe(true);
    notice.reachable();
    expect(notice.inOutage).toBe(false);
    expect(diag.lines('info')).toEqual([expect.stringContaining('MongoDB answers again')]);
  });

  it('warns again for the next outage, and says nothing when the server answers outside one', () => {
    const notice = new OutageNotice();
    notice.reachable();
    expect(diag.lines('info')).toEqual([]);
    notice.unreachable('first', 'x');
    notice.reachable();
    notice.unreachable('second', 'x');
    expect(diag.lines('warn')).toEqual([
      expect.stringContaining('(first)'),
      expect.stringContaining('(second)'),
    ]);
  });
});
