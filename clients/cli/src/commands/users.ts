import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Command } from 'commander';
import { unwrap } from '@roomkey/sdk';
import type { Context } from '../context';
import { CliError, explain, usage } from '../errors';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import { parseUsersCsv, USER_COLUMNS } from '../users/csv';
import { importUsers } from '../users/import';
import { allAccounts, sdkDirectory } from '../users/sdk-directory';
import type { Run } from './run';

function readInput(ctx: Context, file: string): string {
  try {
    return file === '-' ? ctx.readStdin() : readFileSync(file, 'utf8');
  } catch (err) {
    throw usage(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

interface ImportFlags {
  skipExisting?: boolean;
  dryRun?: boolean;
  resetLinks?: string;
}

/**
 * A reset link for each new account, on the admin web at `adminUrl`: the way its person sets a
 * password. Each link is shown this once; one that cannot be issued is said, and the import
 * stands.
 */
async function resetLinks(
  ctx: Context,
  adminUrl: string,
  created: { email: string; id: string }[],
): Promise<{ email: string; link?: string; error?: string }[]> {
  const { api } = ctx.session();
  const out: { email: string; link?: string; error?: string }[] = [];
  for (const { email, id } of created) {
    try {
      const { token } = await unwrap(
        api.POST('/v1/users/{id}/password-reset', { params: { path: { id } } }),
      );
      out.push({ email, link: `${adminUrl.replace(/\/+$/, '')}/reset-password#token=${token}` });
    } catch (err) {
      out.push({ email, error: explain(err).message });
    }
  }
  return out;
}

export async function usersImport(ctx: Context, file: string, opts: ImportFlags): Promise<number> {
  if (opts.resetLinks && !/^https?:\/\//.test(opts.resetLinks))
    throw usage(`--reset-links: the admin web's URL (http:// or https://), not ${opts.resetLinks}`);
  const { rows, refused, ignoredColumns } = parseUsersCsv(readInput(ctx, file));
  if (ignoredColumns.length > 0)
    ctx.out.note(
      `ignored columns: ${ignoredColumns.join(', ')} (read: ${USER_COLUMNS.join(', ')})`,
    );
  let report;
  if (opts.dryRun) {
    report = { created: 0, updated: 0, unchanged: 0, refused: [], rows: [], toImport: rows.length };
  } else {
    const bar = ctx.out.progress('importing', rows.length);
    try {
      report = await importUsers(rows, sdkDirectory(ctx.session()), {
        skipExisting: opts.skipExisting,
        onProgress: (n) => bar.update(n),
      });
    } finally {
      bar.stop();
    }
  }
  const all = [...refused, ...report.refused].sort((a, b) => a.line - b.line);
  const created = report.rows.filter((r) => r.outcome === 'created');
  const links =
    opts.resetLinks && created.length > 0
      ? await resetLinks(ctx, opts.resetLinks, created)
      : undefined;
  ctx.out.result({ ...report, refused: all, ...(links ? { resetLinks: links } : {}) }, (r) => {
    ctx.out.line(
      opts.dryRun
        ? `${rows.length} rows would be imported, ${all.length} refused`
        : `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${all.length} refused`,
    );
    for (const x of all)
      ctx.out.line(`  line ${x.line}${x.email ? ` (${x.email})` : ''}: ${x.reason}`);
    if (links) {
      ctx.out.line('Reset links for the new accounts (each works once, for 30 minutes):');
      for (const l of links) ctx.out.line(`  ${l.email}: ${l.link ?? `none (${l.error})`}`);
    } else if (r.created > 0)
      ctx.out.line(
        'New accounts have a random password: issue each a reset link (--reset-links <admin web URL>, or the admin web).',
      );
  });
  return all.length > 0 ? EXIT.NEGATIVE : EXIT.OK;
}

export async function usersExport(ctx: Context, opts: { output?: string }): Promise<number> {
  const session = ctx.session();
  const bar = ctx.out.progress('exporting', 0);
  let users;
  try {
    users = await allAccounts(session, (n) => bar.update(n, n));
  } finally {
    bar.stop();
  }
  const rows = users.map((u) => ({
    email: u.email,
    name: u.displayName,
    roles: u.roles.join(';'),
    status: u.status,
    id: u.id,
    createdAt: u.createdAt,
  }));
  const text = ctx.out.json
    ? `${JSON.stringify(rows, null, 2)}\n`
    : stringify(rows, { header: true, columns: [...USER_COLUMNS, 'id', 'createdAt'] });
  if (opts.output) {
    try {
      writeFileSync(opts.output, text);
    } catch (err) {
      throw new CliError(`cannot write ${opts.output}: ${(err as Error).message}`, EXIT.USAGE);
    }
    ctx.out.note(`${rows.length} accounts written to ${opts.output}`);
  } else ctx.out.write(text);
  return EXIT.OK;
}

export async function usersList(ctx: Context): Promise<number> {
  const users = await allAccounts(ctx.session());
  ctx.out.result(users, (list) =>
    ctx.out.line(
      table([
        ['EMAIL', 'NAME', 'ROLES', 'STATUS'],
        ...list.map((u) => [u.email, u.displayName, u.roles.join(';'), u.status]),
      ]),
    ),
  );
  return EXIT.OK;
}

export function registerUsers(program: Command, run: Run): void {
  const users = program
    .command('users')
    .description('people: import, export and list accounts (admin)');
  users
    .command('import')
    .description(
      'create or update accounts from a CSV file: a header naming the columns email, name, ' +
        'roles (separated by ; | or spaces; default member) and status (active or disabled), ' +
        'then one person per line. Safe to run again: an email that has an account updates it ' +
        '(or, with --skip-existing, leaves it), never makes a second one. Rows that cannot be ' +
        'imported are listed with the reason; the exit code is then 1.',
    )
    .argument('<csv>', 'the file, or - for standard input')
    .option('--skip-existing', 'leave existing accounts as they are')
    .option('--dry-run', 'check the file and report what is refused, change nothing')
    .option(
      '--reset-links <admin-web-url>',
      'issue a password reset link on this admin web for each new account, and print them (shown once)',
    )
    .action(run((ctx, file: string, opts: ImportFlags) => usersImport(ctx, file, opts)));
  users
    .command('export')
    .description(
      'every account as CSV (the columns import reads, plus id and createdAt), or JSON with --json',
    )
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(run((ctx, opts: { output?: string }) => usersExport(ctx, opts)));
  users
    .command('ls')
    .description('list the accounts')
    .action(run((ctx) => usersList(ctx)));
}
