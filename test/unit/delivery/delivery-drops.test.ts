import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { spooledBytes } from '../../../src/delivery/spool';
import { captureDiag } from '../../support/diag';
import { counts, docs, setup, spooledIds } from './delivery-fixture';

// INFO too: the line that gives an episode's total is an INFO line.
const diagOutput = captureDiag(DiagLogLevel.INFO);

/** Room for two spooled batches of one document (labels of one letter), not three. */
const TWO_AND_A_HALF_LINES = Math.floor(
  spooledBytes({ kind: 'errors', operation: 'insert', documents: docs('a', 1) }) * 2.5,
);

const lines = (severity: string, pattern: RegExp) =>
  diagOutput.lines.filter((line) => line.startsWith(`${severity} `) && pattern.test(line));

describe('Delivery: documents dropped from a full spool, per episode', () => {
  it("warns once per episode with the first drop's count, and gives the whole episode's count when the spool drains", async () => {
    const { writer, stats, delivery, spoolDir } = setup({ spoolMaxBytes: TWO_AND_A_HALF_LINES });
    writer.isDown = true;
    writer.reachable = false;
    // Two batches fit: c drops a and b, e drops c and d, g drops e and f.
    for (const label of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) delivery.spill('errors', docs(label, 1), stats);
    expect(spooledIds(spoolDir)).toEqual(['g-0']);
    expect(counts(stats).dropped).toBe(6);
    expect(lines('warn', /dropping spooled data/)).toEqual([
      expect.stringMatching(/spool full .*; 2 document\(s\) lost \(later drops until the spool is empty/),
    ]);

    writer.recover();
    await vi.waitFor(() => expect(lines('info', /spool drained/)).toHaveLength(1), { interval: 5 });
    expect(lines('info', /spool drained/)[0]).toMatch(
      /spool drained; 6 spooled document\(s\) were dropped before it did/,
    );
  });

  it('counts the next episode from zero, and warns again, once the spool has drained', async () => {
    const { writer, stats, delivery } = setup({ spoolMaxBytes: TWO_AND_A_HALF_LINES });
    writer.isDown = true;
    writer.reachable = false;
    for (const label of ['a', 'b', 'c']) delivery.spill('errors', docs(label, 1), stats);
    writer.recover();
    await vi.waitFor(() => expect(lines('info', /spool drained/)).toHaveLength(1), { interval: 5 });

    writer.isDown = true;
    writer.reachable = false;
    for (const label of ['d', 'e', 'f', 'g', 'h']) delivery.spill('errors', docs(label, 1), stats);
    expect(lines('warn', /dropping spooled data/)).toHaveLength(2);
    writer.recover();
    await vi.waitFor(() => expect(lines('info', /spool drained/)).toHaveLength(2), { interval: 5 });
    expect(lines('info', /spool drained/)).toEqual([
      expect.stringMatching(/spool drained; 2 spooled document\(s\)/),
      expect.stringMatching(/spool drained; 4 spooled document\(s\)/),
    ]);
  });
});
