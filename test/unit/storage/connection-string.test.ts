import { MongoParseError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { connectionStringProblem } from '../../../src/storage/connection-string';

describe('connectionStringProblem', () => {
  it.each(['mongodb://127.0.0.1:27017/', 'mongodb://u:p@a:1,b:2/db?replicaSet=rs', 'mongodb://h/?tls=true'])(
    'finds no problem in %s',
    (uri) => {
      expect(connectionStringProblem(uri)).toBeUndefined();
    },
  );

  it("keeps the driver's own error as cause, with its message", () => {
    const problem = connectionStringProblem('mongodb://h/?tls=maybe');
    expect(problem?.cause).toBeInstanceOf(MongoParseError);
    expect(problem?.message).toBe((problem?.cause as Error).message);
    expect(problem?.message).toMatch(/tls\/ssl must be either "true" or "false"/);
  });

  it('removes the password from the message when the driver echoes it, keeping the rest', () => {
    // The driver's message repeats the bad value, which here is the password itself.
    const problem = connectionStringProblem('mongodb://u:s3cretpw@h/?authMechanism=s3cretpw');
    expect((problem?.cause as Error).message).toContain('s3cretpw');
    expect(problem?.message).not.toContain('s3cretpw');
    expect(problem?.message).toMatch(/^authMechanism one of .*, got \*\*\*\*$/);
  });
});

describe('connectionStringProblem: credentials with reserved characters', () => {
  it.each([
    ['an unencoded @ in the password', 'mongodb://ana:p@ss@cluster0.example.net/'],
    ['an unencoded : in the password', 'mongodb://ana:pa:ss@cluster0.example.net/'],
  ])('says to percent-encode them when the password holds %s, without echoing it', (_what, uri) => {
    const problem = connectionStringProblem(uri);
    expect(problem?.message).toContain(
      'percent-encode special characters in the user name and password (@ → %40',
    );
    expect(problem?.message).not.toMatch(/p@ss|pa:ss/);
  });

  it('gives no such hint when the credentials are encoded and the problem is elsewhere', () => {
    const problem = connectionStringProblem('mongodb://ana:p%40ss@h/?tls=maybe');
    expect(problem?.message).not.toContain('percent-encode');
  });
});
