import { randomUUID } from 'node:crypto';
import { parseUsersCsv } from './csv';
import { type Account, type Directory, importUsers } from './import';

/** The API's refusal, as the SDK throws it. */
class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Accounts in memory, with the rules of the auth app an import meets. */
class MemoryDirectory implements Directory {
  readonly accounts: Account[] = [];
  readonly calls: string[] = [];
  /** Creating this account fails as if the gateway were down. */
  unreachableAt?: string;

  async all() {
    return this.accounts.map((a) => ({ ...a }));
  }
  async create(user: Parameters<Directory['create']>[0]) {
    this.calls.push(`create ${user.email}`);
    if (this.unreachableAt === user.email) throw new TypeError('fetch failed');
    if (this.accounts.some((a) => a.email.toLowerCase() === user.email.toLowerCase()))
      throw new Refused(409, 'EMAIL_TAKEN', 'that email has an account');
    if (user.email.endsWith('@blocked.example'))
      throw new Refused(422, 'WEAK_PASSWORD', 'refused for the test');
    const made: Account = {
      id: randomUUID(),
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      status: 'active',
    };
    this.accounts.push(made);
    return { ...made };
  }
  async update(id: string, changes: Parameters<Directory['update']>[1]) {
    this.calls.push(`update ${id} ${Object.keys(changes).join(',')}`);
    const a = this.accounts.find((x) => x.id === id)!;
    Object.assign(a, changes);
    return { ...a };
  }
}

const csv = (text: string) => parseUsersCsv(text).rows;

describe('importUsers', () => {
  const FILE =
    'email,name,roles,status\n' +
    'ada@example.com,Ada,admin;member,\n' +
    'grace@example.com,Grace,,disabled\n' +
    'eve@blocked.example,Eve,,\n';

  it('creates the accounts, reports the ones the API refuses, and a second run changes nothing', async () => {
    const dir = new MemoryDirectory();
    const progress: number[] = [];
    const first = await importUsers(csv(FILE), dir, { onProgress: (n) => progress.push(n) });
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(first.refused).toEqual([
      { line: 4, email: 'eve@blocked.example', reason: 'WEAK_PASSWORD: refused for the test' },
    ]);
    expect(progress).toEqual([1, 2, 3]);
    expect(dir.accounts.map((a) => [a.email, a.roles, a.status])).toEqual([
      ['ada@example.com', ['admin', 'member'], 'active'],
      ['grace@example.com', ['member'], 'disabled'],
    ]);

    dir.calls.length = 0;
    const again = await importUsers(csv(FILE), dir);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(dir.calls).toEqual(['create eve@blocked.example']);
    expect(dir.accounts).toHaveLength(2);
  });

  it('matches an existing account by email in any case and brings it in line with the file', async () => {
    const dir = new MemoryDirectory();
    await importUsers(csv('email,name,roles\nAda@Example.com,Ada,member\n'), dir);
    const report = await importUsers(
      csv('email,name,roles,status\nada@example.com,Ada King,member;security,disabled\n'),
      dir,
    );
    expect(report.rows).toEqual([
      {
        line: 2,
        email: 'ada@example.com',
        outcome: 'updated',
        id: dir.accounts[0]!.id,
        changed: ['displayName', 'roles', 'status'],
      },
    ]);
    expect(dir.accounts).toHaveLength(1);
    expect(dir.accounts[0]).toMatchObject({
      displayName: 'Ada King',
      roles: ['member', 'security'],
      status: 'disabled',
    });
  });

  it('leaves existing accounts as they are with skipExisting', async () => {
    const dir = new MemoryDirectory();
    await importUsers(csv('email,name\nada@example.com,Ada\n'), dir);
    const report = await importUsers(csv('email,name\nada@example.com,Someone else\n'), dir, {
      skipExisting: true,
    });
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(dir.accounts[0]!.displayName).toBe('Ada');
  });

  it('the same roles in another order are no change', async () => {
    const dir = new MemoryDirectory();
    await importUsers(csv('email,name,roles\nada@example.com,Ada,admin;member\n'), dir);
    const report = await importUsers(
      csv('email,name,roles\nada@example.com,Ada,member admin\n'),
      dir,
    );
    expect(report.unchanged).toBe(1);
  });

  it('stops when the API cannot be reached; what was done stays, and a second run finishes', async () => {
    const dir = new MemoryDirectory();
    const rows = csv('email,name\na@example.com,A\nb@example.com,B\n');
    dir.unreachableAt = 'b@example.com';
    await expect(importUsers(rows, dir)).rejects.toThrow('fetch failed');
    expect(dir.accounts.map((a) => a.email)).toEqual(['a@example.com']);
    dir.unreachableAt = undefined;
    const report = await importUsers(rows, dir);
    expect(report).toMatchObject({ created: 1, unchanged: 1 });
    expect(dir.accounts.map((a) => a.email)).toEqual(['a@example.com', 'b@example.com']);
  });
});
