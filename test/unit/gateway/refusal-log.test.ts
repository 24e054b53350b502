import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RefusalLog } from '../../../src/gateway/refusal-log';
import { captureDiag } from '../../support/diag';

const diag = captureDiag(DiagLogLevel.WARN);
const PREFIX = 'warn opentelemetry-exporter-mongodb/gateway ';

describe('RefusalLog', () => {
  it('logs one WARN line per key per window, and the count it did not log on the next line', () => {
    let now = 0;
    const refusals = new RefusalLog(60_000, () => now);
    refusals.refused('token desktop', 'refused desktop');
    refusals.refused('token desktop', 'refused desktop');
    refusals.refused('token desktop', 'refused desktop');
    refusals.refused('401 invalid bearer token', 'refused unknown');
    expect(diag.lines).toEqual([
      `${PREFIX}refused desktop (logged at most once every 60 s)`,
      `${PREFIX}refused unknown (logged at most once every 60 s)`,
    ]);
    now += 59_999;
    refusals.refused('token desktop', 'refused desktop');
    expect(diag.lines).toHaveLength(2);
    now += 1;
    refusals.refused('token desktop', 'refused desktop');
    expect(diag.lines[2]).toBe(
      `${PREFIX}refused desktop; 3 more since the last such line, not logged (logged at most once every 60 s)`,
    );
    now += 60_000;
    refusals.refused('token desktop', 'refused desktop');
    expect(diag.lines[3]).toBe(`${PREFIX}refused desktop (logged at most once every 60 s)`);
  });
});
