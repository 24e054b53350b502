import { describe, expect, it } from 'vitest';
import { MongoLogRecordExporter } from '../../../src/logs/exporter';
import {
  describeError,
  hostsOf,
  passwordOf,
  redactConnectionString,
  redactConnectionStringValue,
  redactText,
} from '../../../src/foundation/redact';

describe('redactConnectionString', () => {
  it.each([
    [
      'raw @ in the password',
      'mongodb://logger:S3cr@tPassw0rd@db.example.net/',
      'mongodb://logger:****@db.example.net/',
    ],
    ['several raw @', 'mongodb://u:a@b@c@h/db', 'mongodb://u:****@h/db'],
    ['raw : in the password', 'mongodb://u:pa:ss:wd@h:27017/', 'mongodb://u:****@h:27017/'],
    ['raw / in the password', 'mongodb://u:pa/ss/wd@h/db', 'mongodb://u:****@h/db'],
    ['escaped % in the password', 'mongodb://u:p%40ss%2Fw@h/', 'mongodb://u:****@h/'],
    ['malformed % escape', 'mongodb://u:p%zz@h/', 'mongodb://u:****@h/'],
    ['every special character at once', 'mongodb://u:@:/%?#@h/', 'mongodb://u:****@h/'],
    [
      'mongodb+srv',
      'mongodb+srv://logger:s3cr%40t@cluster0.example.net/?retryWrites=true',
      'mongodb+srv://logger:****@cluster0.example.net/?retryWrites=true',
    ],
    [
      'several hosts',
      'mongodb://u:pw@h1.example.net:27017,h2.example.net:27018,h3/db?replicaSet=rs0',
      'mongodb://u:****@h1.example.net:27017,h2.example.net:27018,h3/db?replicaSet=rs0',
    ],
    ['an empty password', 'mongodb://u:@h/', 'mongodb://u:****@h/'],
    ['another scheme', 'https://user:tok3n@example.com/x', 'https://user:****@example.com/x'],
    [
      'URIs inside a longer text',
      'connect to mongodb://a:pw1@h/ failed; then mongodb+srv://b:p@w2@c.example.net: timeout',
      'connect to mongodb://a:****@h/ failed; then mongodb+srv://b:****@c.example.net: timeout',
    ],
    ['a URI in JSON', '{"uri":"mongodb://u:pw@h/db","n":1}', '{"uri":"mongodb://u:****@h/db","n":1}'],
    ['a URI in parentheses', 'server (mongodb://u:pw@h/) down', 'server (mongodb://u:****@h/) down'],
    [
      'secret URI options',
      'mongodb://h/?tls=true&tlsCertificateKeyFilePassword=pem-pw&proxyPassword=px-pw&proxyHost=p',
      'mongodb://h/?tls=true&tlsCertificateKeyFilePassword=****&proxyPassword=****&proxyHost=p',
    ],
    [
      'an AWS session token',
      'mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok,X:y',
      'mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:****,X:y',
    ],
  ])('hides the password: %s', (_case, input, expected) => {
    expect(redactConnectionString(input)).toBe(expected);
  });

  it.each([
    ['no credentials', 'mongodb://h1:27017,h2/db?w=majority'],
    ['a user name alone', 'mongodb://alice@h/?authMechanism=MONGODB-X509'],
    ['an ESM stack frame', 'at f (file:///app/node_modules/@opentelemetry/core/index.js:10:5)'],
    ['a Windows file URL', 'at f (file:///C:/app/node_modules/@scope/pkg/x.js:1:2)'],
    ['an e-mail address', 'write to admin@example.com: 12:30'],
    ['text without a URI', 'password: hunter2'],
  ])('keeps text without a URI password as it is: %s', (_case, input) => {
    expect(redactConnectionString(input)).toBe(input);
  });
});

describe('redactConnectionStringValue', () => {
  it.each([
    ['a URI', 'mongodb://u:S3cr@t@h/', 'mongodb://u:****@h/'],
    ['a space in the password', 'mongodb://u:pass word@h/', 'mongodb://u:****@h/'],
    ['a quote in the password', `mongodb://u:it's"x@h/`, 'mongodb://u:****@h/'],
    ['a wrong scheme', 'mongo://user:hunter2@host/', 'mongo://user:****@host/'],
    ['no scheme', 'user:hunter2@host:27017', '****@host:27017'],
    ['no @', 'localhost:27017', 'localhost:27017'],
  ])('hides everything that may be a password in a value meant as a URI: %s', (_case, input, expected) => {
    expect(redactConnectionStringValue(input)).toBe(expected);
  });
});

describe('hostsOf', () => {
  it.each([
    ['mongodb://u:S3cr@t/x@h1:27017,h2/db?replicaSet=r', 'h1:27017,h2'],
    ['mongodb+srv://c.example.net/?retryWrites=true', 'c.example.net'],
    ['mongodb://h', 'h'],
    ['not a uri', undefined],
  ])('the host list of %s', (input, expected) => {
    expect(hostsOf(input)).toBe(expected);
  });
});

describe('secrets in driver error messages', () => {
  it('finds the password as written and decoded, whatever it holds', () => {
    expect(passwordOf('mongodb://u:p%40ssw0rd@h/')).toEqual(['p%40ssw0rd', 'p@ssw0rd']);
    expect(passwordOf('mongodb://logger:S3cr@tPassw0rd@db/')).toEqual(['S3cr@tPassw0rd']);
    expect(passwordOf('mongodb+srv://u:a:b/c@h/')).toEqual(['a:b/c']);
    expect(passwordOf('mongodb://u:p%zz@h/')).toEqual(['p%zz']);
    expect(passwordOf('mongodb://alice@h/')).toEqual([]);
    expect(passwordOf('mongodb://h/')).toEqual([]);
    expect(passwordOf(undefined)).toEqual([]);
  });

  it('removes the password alone from an error message, and URIs in it', () => {
    const secrets = passwordOf('mongodb://logger:S3cr%40tPw@db.example.net/');
    const error = new Error(
      'Authentication failed for logger with S3cr@tPw (mongodb://logger:S3cr%40tPw@db/)',
    );
    const text = describeError(error, secrets);
    expect(text).toBe('Error: Authentication failed for logger with **** (mongodb://logger:****@db/)');
    expect(redactText('echo S3cr%40tPw', secrets)).toBe('echo ****');
    expect(describeError('a string S3cr@tPw', secrets)).toBe('a string ****');
  });

  it('leaves secrets shorter than 3 characters in text, which would hide too much', () => {
    expect(redactText('a b c', ['a'])).toBe('a b c');
  });
});

describe('an exporter given a password with a raw @', () => {
  it('refuses the URI without showing any part of the password', () => {
    const connectionString = 'mongodb://logger:S3cr@tPassw0rd@db.example.net/';
    let message = '';
    try {
      new MongoLogRecordExporter({ connectionString, spoolDir: false });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/Invalid option connectionString/);
    expect(message).toContain('mongodb://logger:****@db.example.net/');
    expect(message).not.toMatch(/S3cr|tPassw0rd/);
  });
});
