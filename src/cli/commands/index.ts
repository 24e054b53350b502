import type { RegisterCommand } from '../command';
import { registerDashboard } from './dashboard';
import { registerGateway } from './gateway';
import { registerIgnore, registerReopen, registerResolve } from './group-state';
import { registerIndexes } from './indexes';
import { registerReport } from './report';
import { registerWatch } from './watch';

/**
 * Every command of the CLI, in the order `--help` lists them.
 * Adding a command: one file in this folder exporting a `RegisterCommand`, and one line here.
 */
export const COMMANDS: readonly RegisterCommand[] = [
  registerReport,
  registerDashboard,
  registerIndexes,
  registerGateway,
  registerResolve,
  registerIgnore,
  registerReopen,
  registerWatch,
];
