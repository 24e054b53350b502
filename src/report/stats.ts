/** The nearest-rank percentile (0 < p <= 100) of sorted numbers; undefined for none. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Orders app versions as people read them: 1.9.0 before 1.10.0. */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

/** Rounds to two decimals, as the metrics documents store timings. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
