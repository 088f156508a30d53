import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { parseUsersCsv } from './csv';

describe('parseUsersCsv', () => {
  it('reads the columns in any order and spelling, with roles separated by ; | or spaces', () => {
    const { rows, refused, ignoredColumns } = parseUsersCsv(
      '\uFEFFDisplay Name,E-mail,Roles,Status,Team\n' +
        'Ada Lovelace,ada@example.com,admin;security,active,R&D\n' +
        '"Hopper, Grace",grace@example.com,member | visitor,,Ops\n' +
        'Alan,alan@example.com,,disabled,\n',
    );
    expect(refused).toEqual([]);
    expect(ignoredColumns).toEqual(['Team']);
    expect(rows).toEqual([
      {
        line: 2,
        email: 'ada@example.com',
        displayName: 'Ada Lovelace',
        roles: ['admin', 'security'],
        status: 'active',
      },
      {
        line: 3,
        email: 'grace@example.com',
        displayName: 'Hopper, Grace',
        roles: ['member', 'visitor'],
      },
      {
        line: 4,
        email: 'alan@example.com',
        displayName: 'Alan',
        roles: ['member'],
        status: 'disabled',
      },
    ]);
  });

  it('refuses each bad line with every reason, and keeps the good ones', () => {
    const { rows, refused } = parseUsersCsv(
      'email,name,roles,status\n' +
        'not-an-email,,wizard,gone\n' +
        'ok@example.com,Ok,,\n' +
        'OK@Example.com,Again,,\n' +
        ',Nobody,,\n' +
        `long@example.com,${'x'.repeat(101)},,\n`,
    );
    expect(rows.map((r) => r.email)).toEqual(['ok@example.com']);
    expect(refused).toEqual([
      {
        line: 2,
        email: 'not-an-email',
        reason:
          'not an email address: not-an-email; no name; unknown role wizard (roles: admin, security, member, visitor); unknown status gone (active or disabled)',
      },
      { line: 4, email: 'OK@Example.com', reason: 'the same email as line 3' },
      { line: 5, reason: 'no email' },
      {
        line: 6,
        email: 'long@example.com',
        reason: 'the name is too long (over 100 characters) or has control characters',
      },
    ]);
  });

  it('names the line a row starts on, quoted line breaks and blank lines counted', () => {
    const { rows, refused } = parseUsersCsv(
      'email,name\n\n"a@example.com","Two\nLines"\nb@example.com,B\n"c@example.com","C"\n',
    );
    expect(refused).toEqual([
      {
        line: 3,
        email: 'a@example.com',
        reason: 'the name is too long (over 100 characters) or has control characters',
      },
    ]);
    expect(rows.map((r) => [r.line, r.email])).toEqual([
      [5, 'b@example.com'],
      [6, 'c@example.com'],
    ]);
  });

  it.each([
    [
      'without the required columns',
      'mail address,who\nx@example.com,X\n',
      /email and name missing/,
    ],
    ['that is not CSV', 'email,name\n"unclosed,quote\n', /not a CSV file/],
  ])('stops with a usage error on a file %s', (_name, text, message) => {
    let thrown: unknown;
    try {
      parseUsersCsv(text);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(EXIT.USAGE);
    expect((thrown as CliError).message).toMatch(message);
  });
});
