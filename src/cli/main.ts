#!/usr/bin/env node
import packageJson from '../../package.json' with { type: 'json' };
import { runCli } from './program';
import { relaunchWithBoundedYoungGeneration } from './young-generation';

// `gateway` restarts in place (same pid) with a bounded young generation before it starts anything.
relaunchWithBoundedYoungGeneration(process, (line) => process.stderr.write(`${line}\n`));

/** The package `bin`: `npx opentelemetry-exporter-mongodb <command> --help`. */
process.exitCode = await runCli(process.argv.slice(2), process, packageJson.version);
