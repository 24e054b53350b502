import { InvalidOptionError } from '../foundation/errors';

/**
 * A bad value, key or section in a configuration file. The message names the file, the
 * section, the key and the value (connection-string passwords redacted).
 */
export class ConfigFileError extends InvalidOptionError {
  override name = 'ConfigFileError';

  /** Absolute path of the file. */
  readonly file: string;
  /** The section as written in the file; undefined for a key outside any section or a .env file. */
  readonly section: string | undefined;
  /** The key as written in the file; undefined when the section itself is wrong. */
  readonly key: string | undefined;

  constructor(
    location: { file: string; section?: string | undefined; key?: string | undefined },
    value: unknown,
    expectation: string,
    options?: ErrorOptions,
  ) {
    super(describeLocation(location), value, expectation, options);
    this.file = location.file;
    this.section = location.section;
    this.key = location.key;
  }
}

/** `<file> [SECTION] key`, the way errors and sources name a place in a file. */
export function describeLocation(location: {
  file: string;
  section?: string | undefined;
  key?: string | undefined;
}): string {
  const section = location.section === undefined ? '' : ` [${location.section}]`;
  const key = location.key === undefined ? '' : ` ${location.key}`;
  return `${location.file}${section}${key}`;
}
