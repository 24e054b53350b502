import type { Command } from 'commander';
import { InvalidOptionError } from '../foundation/errors';
import { DEFAULT_TRIAGE_COLLECTIONS, type TriageCollections } from '../triage/collections';
import { CliError } from './cli-error';

/** The collection options of the triage commands (written only by the CLI, never by clients). */
export interface TriageCollectionFlags {
  groupsCollection: string;
  alertsCollection: string;
}

/** Adds `--groups-collection` and `--alerts-collection`, with their defaults. */
export function addTriageCollectionOptions(command: Command): Command {
  return command
    .option(
      '--groups-collection <name>',
      "collection of the groups' states (resolved, ignored), written only by the CLI",
      DEFAULT_TRIAGE_COLLECTIONS.groups,
    )
    .option(
      '--alerts-collection <name>',
      'collection where watch records what it sent, written only by the CLI',
      DEFAULT_TRIAGE_COLLECTIONS.alerts,
    );
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
