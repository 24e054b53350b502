import { parse } from 'ini';
import { ConfigFileError, describeLocation } from './config-error';
import { findDuplicateKey } from './ini-duplicates';
import { type ConfigKey, INI_SCHEMA, type KeySpec } from './ini-schema';
import {
  BOOLEAN_EXPECTATION,
  LEVEL_EXPECTATION,
  parseBooleanText,
  parseCountText,
  parseLevelText,
  parsePositiveIntegerText,
  POSITIVE_INTEGER_EXPECTATION,
  shownValue,
  validateAsOption,
} from './values';
import type { MongoExporterOptions } from '../shared-options/shared-options';

/** A value read from a source, with where it came from (for `sources` and error messages). */
export interface ConfiguredValue {
  value: unknown;
  origin: string;
}

/** What a config.ini file sets. */
export interface ConfigFileValues {
  file: string;
  values: Map<ConfigKey, ConfiguredValue>;
  /** `[MONGODB] connection_string` has a value (it must then not be tracked by git). */
  holdsConnectionString: boolean;
}

const KNOWN_SECTIONS = Object.keys(INI_SCHEMA)
  .map((s) => `[${s}]`)
  .join(', ');

/**
 * Parses and validates the text of a config.ini. Sections and keys are matched
 * case-insensitively; an empty value is the same as leaving the key out. Throws
 * {@link ConfigFileError} for an unknown section or key, a key given twice, or a bad value.
 */
export function parseConfigFile(file: string, text: string): ConfigFileValues {
  const values = new Map<ConfigKey, ConfiguredValue>();
  let holdsConnectionString = false;
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    throw new ConfigFileError(
      { file, section: duplicate.section, key: duplicate.key },
      `line ${duplicate.firstLine} and line ${duplicate.secondLine}`,
      'each key once per section',
    );
  }
  for (const [sectionName, content] of Object.entries(parse(text))) {
    if (content === null || typeof content !== 'object' || Array.isArray(content)) {
      throw new ConfigFileError(
        { file, key: sectionName },
        shownValue(content),
        'keys inside a section such as [MONGODB]',
      );
    }
    const section = sectionName.toUpperCase();
    const schema = Object.hasOwn(INI_SCHEMA, section) ? INI_SCHEMA[section] : undefined;
    if (!schema) {
      throw new ConfigFileError(
        { file, section: sectionName },
        `[${sectionName}]`,
        `one of the sections ${KNOWN_SECTIONS}`,
      );
    }
    for (const [keyName, raw] of Object.entries(content as Record<string, unknown>)) {
      const key = keyName.toLowerCase();
      const location = { file, section: sectionName, key: keyName };
      const spec = Object.hasOwn(schema, key) ? schema[key] : undefined;
      if (!spec) {
        throw new ConfigFileError(
          location,
          shownValue(raw),
          `one of the keys ${Object.keys(schema).join(', ')}`,
        );
      }
      if (values.has(spec.option)) throw new ConfigFileError(location, shownValue(raw), 'the key only once');
      if (raw === '') continue;
      if (spec.kind === 'connection-string') {
        checkNotCutByComment(text, keyName, raw, location);
        holdsConnectionString = true;
      }
      const value = readValue(spec, raw, location);
      values.set(spec.option, { value, origin: describeLocation({ file, section, key }) });
    }
  }
  return { file, values, holdsConnectionString };
}

function readValue(spec: KeySpec, raw: unknown, location: { file: string; section: string; key: string }) {
  const fail = (expectation: string, cause?: Error) =>
    new ConfigFileError(location, shownValue(raw), expectation, { cause });
  switch (spec.kind) {
    case 'boolean': {
      const value = parseBooleanText(raw);
      if (value === undefined) throw fail(BOOLEAN_EXPECTATION);
      return value;
    }
    case 'level': {
      const value = parseLevelText(raw);
      if (value === undefined) throw fail(`${LEVEL_EXPECTATION}, or an empty value`);
      return value;
    }
    case 'positive-integer': {
      const value = parsePositiveIntegerText(raw);
      if (value === undefined) throw fail(POSITIVE_INTEGER_EXPECTATION);
      return value;
    }
    case 'days': {
      const value = parsePositiveIntegerText(raw);
      if (value === undefined)
        throw fail('a positive whole number of days, or an empty value to keep documents forever');
      return value;
    }
    case 'count': {
      const value = parseCountText(raw);
      if (value === undefined) throw fail('a whole number (0 turns it off)');
      validateAsOption(asOptions(spec.option, value), fail);
      return value;
    }
    case 'path':
      if (typeof raw !== 'string' || raw.trim() === '') throw fail('a file path');
      return raw.trim();
    default: {
      if (typeof raw !== 'string') throw fail('text');
      const value = raw.trim();
      validateAsOption(asOptions(spec.option, value), fail);
      return value;
    }
  }
}

function asOptions(option: ConfigKey, value: string | number): MongoExporterOptions {
  if (option.startsWith('collections.'))
    return { collections: { [option.slice('collections.'.length)]: value } };
  return { [option]: value };
}

/**
 * The ini format starts a comment at an unquoted `;` or `#`, even inside a value. A
 * connection string whose password holds one would be silently cut; a comment is
 * only accepted after whitespace.
 */
function checkNotCutByComment(
  text: string,
  keyName: string,
  parsed: unknown,
  location: { file: string; section: string; key: string },
): void {
  if (typeof parsed !== 'string') return;
  const escapedKey = keyName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const match of text.matchAll(new RegExp(`^\\s*${escapedKey}\\s*=\\s*(.*)$`, 'gim'))) {
    const written = match[1] ?? '';
    const next = written.startsWith(parsed) ? written[parsed.length] : undefined;
    if (next === ';' || next === '#') {
      throw new ConfigFileError(
        location,
        `${parsed.split('//')[0]}//…`,
        `a value without an unquoted "${next}", which starts a comment in ini files: put the value in double quotes or percent-encode the character (%3B for ";", %23 for "#")`,
      );
    }
  }
}
