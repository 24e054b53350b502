import { type Command, InvalidArgumentError } from 'commander';
import { InvalidOptionError } from '../foundation/errors';
import { DEFAULT_TRIAGE_COLLECTIONS, type TriageCollections } from '../triage/collections';
import { GROUP_STATES, type GroupState, isGroupState } from '../triage/group-state';
import { CliError } from './cli-error';

/** The collection options of the triage commands (written only by the CLI, never by clients). */
export interface TriageCollectionFlags {
  groupsCollection: string;
  alertsCollection: string;
}

/** Adds `--groups-collection` and `--alerts-collection`, with their defaults. */
export function addTriageCollectionOptions(command: Command): Command {
  return addGroupsCollectionOption(command).option(
    '--alerts-collection <name>',
    'collection where watch records what it sent, written only by the CLI',
    DEFAULT_TRIAGE_COLLECTIONS.alerts,
  );
}

/**
 * Adds `--groups-collection` alone: what `report` and `dashboard` read the groups' decisions
 * from (they record no alert, so they take no `--alerts-collection`).
 */
export function addGroupsCollectionOption(command: Command): Command {
  return command.option(
    '--groups-collection <name>',
    "collection of the groups' states (resolved, ignored), written only by the CLI",
    DEFAULT_TRIAGE_COLLECTIONS.groups,
  );
}

/**
 * Adds `--state <state>` (repeatable, or comma-separated): list only the error groups in these
 * states. An unknown state is refused with the list of the known ones.
 */
export function addStateFilterOption(command: Command): Command {
  return command.option(
    '--state <state>',
    `list only the error groups in this state: ${GROUP_STATES.join(', ')} (repeatable, or comma-separated)`,
    collectStates,
  );
}

/** `--state`'s parser: `regressed`, `new,escalating`; accumulates over repeated flags. */
export function collectStates(value: string, previous: GroupState[] | undefined): GroupState[] {
  const states = [...(previous ?? [])];
  for (const word of value.split(',').map((part) => part.trim())) {
    if (!isGroupState(word))
      throw new InvalidArgumentError(
        `unknown state ${JSON.stringify(word)}: expected ${GROUP_STATES.join(', ')} (comma-separated or repeated).`,
      );
    if (!states.includes(word)) states.push(word);
  }
  return states;
}

export function triageCollections(flags: TriageCollectionFlags): TriageCollections {
  return { groups: flags.groupsCollection, alerts: flags.alertsCollection };
}

/** Runs `action`, turning a bad input reported by triage (an InvalidOptionError) into a one-line CliError. */
export async function withInputErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new CliError(error.message);
    throw error;
  }
}
