import type { GroupStateDocument } from './state-document';

/**
 * The state of an error group, computed when it is read (see docs/triage.md):
 *
 * - `ignored`: ignored by hand, and its condition (a count of further occurrences, a date) is
 *   not passed yet. Once passed, the group has the state it would have without the decision.
 * - `regressed`: resolved, and an occurrence came after the resolution from a version at least
 *   the resolved-in version. An occurrence from an older version does not count.
 * - `resolved`: resolved, and no such occurrence.
 * - `new`: first seen (ever) inside the window.
 * - `escalating`: see {@link isEscalating}.
 * - `ongoing`: anything else with occurrences.
 */
export type GroupState = 'new' | 'ongoing' | 'escalating' | 'resolved' | 'regressed' | 'ignored';

/** Every state, in the order `--state` lists them. */
export const GROUP_STATES: readonly GroupState[] = [
  'new',
  'ongoing',
  'escalating',
  'resolved',
  'regressed',
  'ignored',
];

export function isGroupState(value: string): value is GroupState {
  return (GROUP_STATES as readonly string[]).includes(value);
}

const HOUR = 3_600_000;

/**
 * Escalating: in the last hour before the window's end, at least `minimum` occurrences, and
 * that hour's count at least `factor` times the group's hourly rate over the 7 days before it
 * (occurrences in those 168 hours / 168). A group with no baseline (0 in the 7 days) escalates
 * as soon as it reaches `minimum` in an hour.
 */
export const ESCALATION = {
  factor: 5,
  minimum: 10,
  recentMs: HOUR,
  baselineMs: 7 * 24 * HOUR,
} as const;

/** Whether a group escalates: {@link ESCALATION}'s rule on its last hour and its 7 days before. */
export function isEscalating(lastHour: number, previousSevenDays: number): boolean {
  const baselineHours = ESCALATION.baselineMs / ESCALATION.recentMs;
  return lastHour >= ESCALATION.minimum && lastHour * baselineHours >= ESCALATION.factor * previousSevenDays;
}

/** What the state of one group is computed from; the reader gathers it. */
export interface StateInputs {
  decision: GroupStateDocument | undefined;
  /** Whether the ignore condition is passed (only read when the decision is `ignorado`). */
  ignorePassed: boolean;
  /** The first occurrence after the resolution at or above the resolved-in version, if any. */
  regression: { at: Date; version: string } | undefined;
  firstSeen: Date;
  since: Date;
  lastHour: number;
  previousSevenDays: number;
}

/** The state of one group; the order of the checks is the precedence of the states. */
export function computeState(inputs: StateInputs): GroupState {
  const estado = inputs.decision?.estado;
  if (estado === 'ignorado' && !inputs.ignorePassed) return 'ignored';
  if (estado === 'resolvido') return inputs.regression ? 'regressed' : 'resolved';
  if (inputs.firstSeen.getTime() >= inputs.since.getTime()) return 'new';
  if (isEscalating(inputs.lastHour, inputs.previousSevenDays)) return 'escalating';
  return 'ongoing';
}
