import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

// One instance per run, so that concurrent runs never stop each other's server.
const INSTANCE = `vitest-${process.pid}`;

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
  }
}

/**
 * Starts the project's FerretDB instance for the whole run, or uses MONGODB_URI when
 * it is set (a real mongod or Atlas). Child processes spawned by tests read
 * TEST_MONGODB_URI.
 */
export default function setup(project: TestProject): () => void {
  const external = process.env.MONGODB_URI || undefined;
  const uri =
    external ??
    execFileSync('bash', ['scripts/mongo-server.sh', 'start', INSTANCE], { encoding: 'utf8' }).trim();
  process.env.TEST_MONGODB_URI = uri;
  // Default spool folders of exporters made by tests land here, not in the user's state folder.
  const stateHome = mkdtempSync(join(tmpdir(), 'otel-mongodb-state-'));
  process.env.XDG_STATE_HOME = stateHome;
  project.provide('mongodbUri', uri);
  return () => {
    rmSync(stateHome, { recursive: true, force: true });
    if (!external)
      execFileSync('bash', ['scripts/mongo-server.sh', 'destroy', INSTANCE], { stdio: 'inherit' });
  };
}
