/** Milliseconds per unit of the UCUM time units OpenTelemetry uses; an empty unit means milliseconds. */
const MILLISECONDS_PER_UNIT: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['ms', 1],
  ['s', 1000],
  ['min', 60_000],
  ['h', 3_600_000],
  ['us', 0.001],
  ['\u00b5s', 0.001], // micro sign
  ['\u03bcs', 0.001], // Greek small mu
  ['ns', 0.000_001],
]);

/** How many milliseconds one `unit` is, or undefined when `unit` is not a time unit (`By`, `{request}`...). */
export function millisecondsPer(unit: string): number | undefined {
  return MILLISECONDS_PER_UNIT.get(unit.trim());
}
