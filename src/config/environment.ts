import { parse } from 'dotenv';
import { ConfigFileError } from './config-error';
import type { ConfiguredValue } from './ini-file';
import type { ConfigKey } from './ini-schema';
import { shownValue, validateAsOption } from './values';
import { InvalidOptionError } from '../foundation/errors';
import { ENV } from '../shared-options/shared-options';

/** The variables of a .env file and where it is. */
export interface EnvFile {
  file: string;
  variables: Record<string, string>;
}

/** What the environment (and the .env file) sets. */
export interface EnvironmentValues {
  values: Map<ConfigKey, ConfiguredValue>;
  /** The .env file defines a connection-string variable (it must then not be tracked by git). */
  envFileHoldsConnectionString: boolean;
}

/** Parses the text of a .env file with dotenv, without touching `process.env`. */
export function parseEnvFile(file: string, text: string): EnvFile {
  return { file, variables: parse(text) };
}

/**
 * `MONGODB_CONNECTION_STRING` (else `MONGODB_URI`) and `MONGODB_DATABASE`. The .env file
 * fills in only variables the environment does not set, exactly as dotenv would; empty
 * values count as unset. Throws {@link InvalidOptionError} naming the variable for a bad value.
 */
export function readEnvironment(env: NodeJS.ProcessEnv, envFile: EnvFile | undefined): EnvironmentValues {
  const values = new Map<ConfigKey, ConfiguredValue>();
  const connectionString = ENV.connectionString.map((name) => lookup(name, env, envFile)).find(Boolean);
  if (connectionString) {
    check(connectionString, { connectionString: connectionString.value });
    values.set('connectionString', connectionString);
  }
  const database = lookup(ENV.database, env, envFile);
  if (database) {
    check(database, { database: database.value });
    values.set('database', database);
  }
  const envFileHoldsConnectionString =
    envFile !== undefined &&
    ENV.connectionString.some((name) => nonEmpty(envFile.variables[name]) !== undefined);
  return { values, envFileHoldsConnectionString };
}

interface Variable extends ConfiguredValue {
  value: string;
  name: string;
  /** Set when the value comes from the .env file. */
  file: string | undefined;
}

function lookup(name: string, env: NodeJS.ProcessEnv, envFile: EnvFile | undefined): Variable | undefined {
  const real = nonEmpty(env[name]);
  if (real !== undefined) return { value: real, name, file: undefined, origin: `environment ${name}` };
  const fromFile = envFile ? nonEmpty(envFile.variables[name]) : undefined;
  if (fromFile === undefined || !envFile) return undefined;
  return { value: fromFile, name, file: envFile.file, origin: `${envFile.file} ${name}` };
}

function check(variable: Variable, partial: { connectionString?: string; database?: string }): void {
  validateAsOption(partial, (expectation, cause) => {
    const shown = shownValue(variable.value);
    if (variable.file)
      return new ConfigFileError({ file: variable.file, key: variable.name }, shown, expectation, { cause });
    return new InvalidOptionError(`${variable.name} (environment variable)`, shown, expectation, { cause });
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
