import type { Command } from 'commander';
import { unwrap } from '@roomkey/sdk';
import type { Context } from '../context';
import { CliError, usage } from '../errors';
import { EXIT } from '../exit-codes';
import type { Run } from './run';

/** The password: from standard input when asked, else typed at a hidden prompt. */
async function readPassword(ctx: Context, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const text = ctx.readStdin().replace(/\r?\n$/, '');
    if (!text) throw usage('no password on standard input');
    return text;
  }
  if (!process.stdin.isTTY) {
    throw usage('no terminal to ask for the password: pipe it with --password-stdin');
  }
  const { default: password } = await import('@inquirer/password');
  return password({ message: 'Password', mask: false }, { signal: ctx.signal }).catch(() => {
    throw usage('no password given');
  });
}

export async function login(
  ctx: Context,
  opts: { email: string; passwordStdin?: boolean },
): Promise<number> {
  const password = await readPassword(ctx, opts.passwordStdin === true);
  const pair = await unwrap(
    ctx.anonymous().api.POST('/v1/auth/login', { body: { email: opts.email, password } }),
  ).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'INVALID_CREDENTIALS')
      throw new CliError('wrong email or password', EXIT.AUTH, 'INVALID_CREDENTIALS');
    throw err;
  });
  ctx.credentials.save(ctx.gateway, {
    email: opts.email,
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
  });
  ctx.out.result({ gateway: ctx.gateway, email: opts.email, saved: ctx.credentials.file }, (r) =>
    ctx.out.line(`signed in to ${r.gateway} as ${r.email} (kept in ${r.saved})`),
  );
  return EXIT.OK;
}

export async function logout(ctx: Context): Promise<number> {
  const stored = ctx.credentials.get(ctx.gateway);
  if (stored?.refreshToken) {
    // Ends the session on the server too; a session already over is fine.
    await ctx
      .session()
      .api.POST('/v1/auth/logout', { body: { refreshToken: stored.refreshToken } })
      .catch(() => undefined);
  }
  const had = ctx.credentials.remove(ctx.gateway);
  ctx.out.result({ gateway: ctx.gateway, signedOut: had }, (r) =>
    ctx.out.line(r.signedOut ? `signed out of ${r.gateway}` : `not signed in to ${r.gateway}`),
  );
  return EXIT.OK;
}

export function registerLogin(program: Command, run: Run): void {
  program
    .command('login')
    .description(
      "sign in to the gateway and keep the tokens for the next commands (credentials.json in the config folder, mode 600); the session renews itself until it is revoked or unused for the refresh token's lifetime",
    )
    .requiredOption('-e, --email <email>', 'the account')
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .action(run((ctx, opts: { email: string; passwordStdin?: boolean }) => login(ctx, opts)));
  program
    .command('logout')
    .description('end the session and forget its tokens')
    .action(run((ctx) => logout(ctx)));
}
