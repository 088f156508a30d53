import { randomBytes } from 'node:crypto';
import type { UserRole, UserStatus } from '@roomkey/contracts';
import type { Refusal, UserRow } from './csv';

/** An account as the API shows it, as far as an import cares. */
export interface Account {
  id: string;
  email: string;
  displayName: string;
  roles: UserRole[];
  status: UserStatus;
}

/** The accounts an import reads and writes: the API through the SDK, or a small one in tests. */
export interface Directory {
  all(): Promise<Account[]>;
  create(user: {
    email: string;
    displayName: string;
    roles: UserRole[];
    password: string;
  }): Promise<Account>;
  update(
    id: string,
    changes: { displayName?: string; roles?: UserRole[]; status?: UserStatus },
  ): Promise<Account>;
}

/** The API's refusal of one row; anything else (the gateway down) stops the import. */
export interface RowRefusedError {
  code: string;
  message: string;
}

export type RowOutcome =
  | { line: number; email: string; outcome: 'created'; id: string }
  | { line: number; email: string; outcome: 'updated'; id: string; changed: string[] }
  | { line: number; email: string; outcome: 'unchanged'; id: string };

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  refused: Refusal[];
  rows: RowOutcome[];
}

export interface ImportOptions {
  /** Leave existing accounts as they are instead of bringing them in line with the file. */
  skipExisting?: boolean;
  /** A new account's first password, which nobody is told: an admin issues a reset link. */
  password?: () => string;
  /** After each row, with how many are done. */
  onProgress?: (done: number) => void;
  /** Tells a refusal of the row by the API (4xx) from a failure that must stop the import. */
  isRefusal?: (err: unknown) => err is RowRefusedError;
}

const sameRoles = (a: UserRole[], b: UserRole[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** What must change for an account to match a row; empty when it already does. */
export function changesFor(
  account: Account,
  row: UserRow,
): { displayName?: string; roles?: UserRole[]; status?: UserStatus } {
  return {
    ...(account.displayName !== row.displayName ? { displayName: row.displayName } : {}),
    ...(!sameRoles(account.roles, row.roles) ? { roles: row.roles } : {}),
    ...(row.status && row.status !== account.status ? { status: row.status } : {}),
  };
}

const defaultIsRefusal = (err: unknown): err is RowRefusedError => {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 401;
};

/**
 * Brings the accounts in line with the rows, one at a time, so that running it again changes
 * nothing: an email that has an account (in any case) updates it or leaves it, never makes a
 * second one. A row the API refuses is reported with its code and the import goes on; a failure
 * to reach the API stops it (what was done stays done, and a second run finishes the rest).
 */
export async function importUsers(
  rows: UserRow[],
  directory: Directory,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const isRefusal = options.isRefusal ?? defaultIsRefusal;
  const password = options.password ?? (() => randomBytes(24).toString('base64url'));
  const byEmail = new Map((await directory.all()).map((a) => [a.email.toLowerCase(), a]));
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, refused: [], rows: [] };
  let done = 0;
  for (const row of rows) {
    try {
      const existing = byEmail.get(row.email.toLowerCase());
      if (!existing) {
        const made = await directory.create({
          email: row.email,
          displayName: row.displayName,
          roles: row.roles,
          password: password(),
        });
        // A new account with a status column saying disabled is made, then disabled.
        if (row.status === 'disabled') await directory.update(made.id, { status: 'disabled' });
        byEmail.set(row.email.toLowerCase(), made);
        report.created++;
        report.rows.push({ line: row.line, email: row.email, outcome: 'created', id: made.id });
      } else {
        const changes = options.skipExisting ? {} : changesFor(existing, row);
        const changed = Object.keys(changes);
        if (changed.length === 0) {
          report.unchanged++;
          report.rows.push({
            line: row.line,
            email: row.email,
            outcome: 'unchanged',
            id: existing.id,
          });
        } else {
          byEmail.set(row.email.toLowerCase(), await directory.update(existing.id, changes));
          report.updated++;
          report.rows.push({
            line: row.line,
            email: row.email,
            outcome: 'updated',
            id: existing.id,
            changed,
          });
        }
      }
    } catch (err) {
      if (!isRefusal(err)) throw err;
      report.refused.push({
        line: row.line,
        email: row.email,
        reason: `${err.code}: ${err.message}`,
      });
    }
    options.onProgress?.(++done);
  }
  return report;
}
