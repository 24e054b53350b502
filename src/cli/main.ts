#!/usr/bin/env node
import packageJson from '../../package.json' with { type: 'json' };
import { runCli } from './program';

/** The package `bin`: `npx opentelemetry-exporter-mongodb <command> --help`. */
process.exitCode = await runCli(process.argv.slice(2), process, packageJson.version);
