import type { ReportWindow } from './types';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--since`: a duration back from `now` (`30m`, `24h`, `7d`, `2w`) or a date (`2026-11-01`,
 * an ISO timestamp). The previous window has the same length and ends where this one starts.
 */
export function parseWindow(since: string, now: Date = new Date()): ReportWindow {
  const text = since.trim();
  const duration = /^(\d+)\s*([mhdw])$/i.exec(text);
  let from: Date;
  if (duration) {
    const length = Number(duration[1]) * UNITS[duration[2]!.toLowerCase()]!;
    if (length <= 0) throw new RangeError(`--since ${since}: expected a positive duration`);
    from = new Date(now.getTime() - length);
  } else if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    from = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(from.getTime())) throw new RangeError(`--since ${since}: not a valid date`);
    if (from >= now) throw new RangeError(`--since ${since}: the date is in the future`);
  } else {
    throw new RangeError(
      `--since ${JSON.stringify(since)}: expected a duration such as 24h, 7d, 30m, 2w, or a date such as 2026-11-01`,
    );
  }
  const length = now.getTime() - from.getTime();
  return { from, to: now, previousFrom: new Date(from.getTime() - length), label: text };
}
