/** Formatting shared by the text and HTML reports. */

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `2026-11-29 19:55 UTC` */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A first or last seen time; `-` for a decided group whose documents are all gone. */
export function formatSeen(date: Date | null): string {
  return date === null ? '-' : formatTime(date);
}

/**
 * A group's triage state with its versions: `regressed in 1.2.0 (resolved in 1.1.0)`,
 * `resolved in 1.1.0`, `ongoing`; `''` for a group without one (no fingerprint).
 */
export function formatState(group: { state?: string; resolvedIn?: string; regressedIn?: string }): string {
  if (group.state === undefined) return '';
  if (group.state === 'regressed')
    return `regressed in ${group.regressedIn ?? '?'}${group.resolvedIn === undefined ? '' : ` (resolved in ${group.resolvedIn})`}`;
  if (group.state === 'resolved' && group.resolvedIn !== undefined) return `resolved in ${group.resolvedIn}`;
  return group.state;
}

/** `45 s`, `5 min 3 s`, `2 h 10 min` */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** `1.0.0, 1.1.0` or `1.0.0 … 2.3.1 (7)` when there are many. */
export function formatVersions(versions: readonly string[]): string {
  if (versions.length <= 3) return versions.join(', ') || '-';
  return `${versions[0]} … ${versions.at(-1)} (${versions.length})`;
}

export function formatLocation(sample: {
  arquivo: string | null;
  linha: number | null;
  funcao: string | null;
}): string {
  if (!sample.arquivo) return sample.funcao ? `in ${sample.funcao}` : '';
  const where = sample.linha === null ? sample.arquivo : `${sample.arquivo}:${sample.linha}`;
  return sample.funcao ? `${where} (${sample.funcao})` : where;
}

/**
 * A group named wherever the report lists it: app, type and start of the message, location and
 * fingerprint. Two groups can share a type and the first 60 characters of a message; they never
 * share app, location and fingerprint, so a list of names never shows two alike.
 */
export function groupName(
  label: string,
  group: {
    app: string;
    key: { fingerprint: string } | object;
    sample?: { arquivo: string | null; linha: number | null; funcao: string | null } | undefined;
  },
): string {
  const where = group.sample ? formatLocation(group.sample) : '';
  const fingerprint = 'fingerprint' in group.key ? ` [fingerprint ${String(group.key.fingerprint)}]` : '';
  return `${group.app}: ${label}${where ? ` at ${where}` : ''}${fingerprint}`;
}

/** `99.5%`, or `-` when there is nothing to divide by. */
export function formatPercent(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(1)}%`;
}

/** The change of a percentage since the previous window: `+1.5`, `-0.3`, `=`, or `new`. */
export function formatTrend(current: number | null, previous: number | null): string {
  if (current === null) return '-';
  if (previous === null) return 'new';
  const delta = Math.round((current - previous) * 10) / 10;
  return delta === 0 ? '=' : `${delta > 0 ? '+' : ''}${delta.toFixed(1)}`;
}
