import { parse } from 'csv-parse/sync';
import { DisplayName, Email, UserRole, UserStatus } from '@roomkey/contracts';
import { usage } from '../errors';

/** The columns of a people file, as `users export` writes them and `users import` reads them. */
export const USER_COLUMNS = ['email', 'name', 'roles', 'status'] as const;

/** One person to have, from one line of the file. */
export interface UserRow {
  /** The line in the file (the header is line 1). */
  line: number;
  email: string;
  displayName: string;
  roles: UserRole[];
  /** Left as it is when the file has no status column or the cell is empty. */
  status?: UserStatus;
}

/** A line that will not be imported, and why. */
export interface Refusal {
  line: number;
  email?: string;
  reason: string;
}

/** Column names as people write them: any case, spaces or underscores. */
const HEADER_NAMES: Record<string, (typeof USER_COLUMNS)[number]> = {
  email: 'email',
  mail: 'email',
  name: 'name',
  displayname: 'name',
  fullname: 'name',
  roles: 'roles',
  role: 'roles',
  status: 'status',
};

/** Roles in one cell, separated by `;`, `|` or spaces (a comma would need quoting). */
const splitRoles = (cell: string) =>
  cell
    .split(/[;|\s]+/)
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);

/**
 * Reads a people file: a header line naming the columns (email and name required, roles and
 * status optional, in any order), then one person per line. Each line is checked with the API's
 * own rules; a line that fails is refused with the reason, the others go on. A file that is not
 * CSV at all, or lacks a required column, is a usage error.
 */
export function parseUsersCsv(text: string): {
  rows: UserRow[];
  refused: Refusal[];
  /** Columns the file has that are not read. */
  ignoredColumns: string[];
} {
  let records: { record: Record<string, string>; info: { lines: number }; raw: string }[];
  let unknown: string[] = [];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
      columns: (header: string[]) => {
        const names = header.map((h) => HEADER_NAMES[h.toLowerCase().replace(/[\s_-]+/g, '')]);
        unknown = header.filter((_, i) => !names[i]);
        const missing = (['email', 'name'] as const).filter((c) => !names.includes(c));
        if (missing.length > 0) {
          throw usage(
            `the file's first line must name the columns; ${missing.join(' and ')} missing (columns: ${USER_COLUMNS.join(', ')})`,
          );
        }
        // An unknown column is read and ignored.
        return names.map((n, i) => n ?? `?${i}`);
      },
    }) as typeof records;
  } catch (err) {
    if ((err as Error).name === 'CliError') throw err;
    throw usage(`not a CSV file: ${(err as Error).message}`);
  }
  const rows: UserRow[] = [];
  const refused: Refusal[] = [];
  const seen = new Map<string, number>();
  for (const { record, info, raw } of records) {
    // Where the record starts: a quoted cell may hold line breaks.
    const inside = raw.replace(/^[\r\n]+|[\r\n]+$/g, '').match(/\r\n|\n|\r/g)?.length ?? 0;
    const line = info.lines - inside;
    const email = (record.email ?? '').trim();
    const problems: string[] = [];
    if (!email) problems.push('no email');
    else if (!Email.safeParse(email).success) problems.push(`not an email address: ${email}`);
    const displayName = (record.name ?? '').trim();
    if (!displayName) problems.push('no name');
    else if (!DisplayName.safeParse(displayName).success)
      problems.push('the name is too long (over 100 characters) or has control characters');
    const roleCells = splitRoles(record.roles ?? '');
    const badRoles = roleCells.filter((r) => !UserRole.safeParse(r).success);
    if (badRoles.length > 0)
      problems.push(`unknown role ${badRoles.join(', ')} (roles: ${UserRole.options.join(', ')})`);
    const statusCell = (record.status ?? '').trim().toLowerCase();
    if (statusCell && !UserStatus.safeParse(statusCell).success)
      problems.push(`unknown status ${statusCell} (${UserStatus.options.join(' or ')})`);
    const key = email.toLowerCase();
    const earlier = seen.get(key);
    if (email && earlier !== undefined) problems.push(`the same email as line ${earlier}`);
    if (problems.length > 0) {
      refused.push({ line, ...(email ? { email } : {}), reason: problems.join('; ') });
      continue;
    }
    seen.set(key, line);
    rows.push({
      line,
      email,
      displayName,
      roles: roleCells.length > 0 ? [...new Set(roleCells as UserRole[])] : ['member'],
      ...(statusCell ? { status: statusCell as UserStatus } : {}),
    });
  }
  return { rows, refused, ignoredColumns: unknown };
}
