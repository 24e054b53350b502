import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../../src/config/config-error';
import { parseEnvFile, readEnvironment } from '../../../src/config/environment';
import { InvalidOptionError } from '../../../src/foundation/errors';

const ENV_FILE = '/app/.env';

function read(env: NodeJS.ProcessEnv, envText?: string) {
  const envFile = envText === undefined ? undefined : parseEnvFile(ENV_FILE, envText);
  const { values, envFileHoldsConnectionString } = readEnvironment(env, envFile);
  return {
    values: Object.fromEntries([...values].map(([key, { value }]) => [key, value])),
    origins: Object.fromEntries([...values].map(([key, { origin }]) => [key, origin])),
    envFileHoldsConnectionString,
  };
}

describe('readEnvironment', () => {
  it("prefers the plan's MONGODB_CONNECTION_STRING to MONGODB_URI", () => {
    const result = read({
      MONGODB_CONNECTION_STRING: 'mongodb://plan.example/',
      MONGODB_URI: 'mongodb://uri.example/',
      MONGODB_DATABASE: 'app_logs',
    });
    expect(result.values).toEqual({ connectionString: 'mongodb://plan.example/', database: 'app_logs' });
    expect(result.origins).toEqual({
      connectionString: 'environment MONGODB_CONNECTION_STRING',
      database: 'environment MONGODB_DATABASE',
    });
    expect(read({ MONGODB_URI: ' mongodb://uri.example/ ' }).values).toEqual({
      connectionString: 'mongodb://uri.example/',
    });
  });

  it('reads nothing from an empty environment, and counts empty values as unset', () => {
    expect(read({}).values).toEqual({});
    expect(read({ MONGODB_CONNECTION_STRING: '  ', MONGODB_URI: 'mongodb://uri.example/' }).values).toEqual({
      connectionString: 'mongodb://uri.example/',
    });
  });

  it('lets the .env file fill in only what the environment does not set, as dotenv does', () => {
    const text =
      '# local settings\nMONGODB_CONNECTION_STRING="mongodb://file.example/"\nMONGODB_DATABASE=file_db\n';
    const fromFile = read({}, text);
    expect(fromFile.values).toEqual({ connectionString: 'mongodb://file.example/', database: 'file_db' });
    expect(fromFile.origins.database).toBe('/app/.env MONGODB_DATABASE');
    expect(fromFile.envFileHoldsConnectionString).toBe(true);

    const mixed = read({ MONGODB_DATABASE: 'real_db' }, text);
    expect(mixed.values).toEqual({ connectionString: 'mongodb://file.example/', database: 'real_db' });
    expect(read({ MONGODB_CONNECTION_STRING: 'mongodb://real.example/' }, text).values.connectionString).toBe(
      'mongodb://real.example/',
    );
    expect(read({}, 'OTHER=1').envFileHoldsConnectionString).toBe(false);
  });

  it('never changes process.env', () => {
    const before = { ...process.env };
    read(process.env, 'MONGODB_DATABASE=from_file\nSOMETHING_ELSE_XYZ=1');
    expect(process.env).toEqual(before);
  });

  it('names the variable of a bad value, without its password', () => {
    let error: unknown;
    try {
      read({ MONGODB_URI: 'https://user:hunter22@db.example.net/' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toMatch(/^Invalid option MONGODB_URI \(environment variable\): /);
    expect((error as Error).message).not.toContain('hunter22');

    expect(() => read({ MONGODB_DATABASE: 'a/b' })).toThrow(/MONGODB_DATABASE \(environment variable\)/);
  });

  it('names the .env file and variable of a bad value', () => {
    let error: unknown;
    try {
      read({}, 'MONGODB_CONNECTION_STRING=mongodb:/user:hunter22@db.example.net/');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error).toMatchObject({ file: ENV_FILE, section: undefined, key: 'MONGODB_CONNECTION_STRING' });
    expect((error as Error).message).not.toContain('hunter22');
  });
});
