import type { Command } from 'commander';
import { openAlertFeed, unwrap, type Alert, type FeedState } from '@roomkey/sdk';
import type { Context } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import type { Run } from './run';

const describe = (a: Alert) =>
  `${a.lastAt} ${a.severity.toUpperCase().padEnd(8)} ${a.type} ${a.subject} (${a.count} in ${a.windowSeconds} s, ${a.state}) ${a.id}`;

/**
 * The live alert feed, as the admin web shows it: the open alerts first (with --open), then each
 * alert as it is raised or changes, until Ctrl-C. It reconnects by itself and resumes where it
 * was.
 */
export async function alertsTail(ctx: Context, opts: { open?: boolean }): Promise<number> {
  const session = ctx.session();
  if (opts.open) {
    const open = await unwrap(
      session.api.GET('/v1/alerts', { params: { query: { state: 'open' } } }),
    );
    for (const a of [...open].reverse()) ctx.out.record(a, describe);
  }
  const refused = await new Promise<boolean>((resolve) => {
    const feed = openAlertFeed({
      fetch: (path, init) => session.fetch(path, init),
      onAlert: (a) => ctx.out.record(a, describe),
      onState: (state: FeedState) => {
        if (state === 'live') ctx.out.note('live: alerts appear as they are raised (Ctrl-C ends)');
        if (state === 'reconnecting') ctx.out.note('the feed was cut; reconnecting…');
        if (state === 'refused') {
          feed.close();
          resolve(true);
        }
      },
    });
    ctx.signal.addEventListener('abort', () => (feed.close(), resolve(false)), { once: true });
  });
  if (refused)
    throw new CliError(
      'the alert feed is for admin and security staff, signed in (roomkey login)',
      EXIT.FORBIDDEN,
    );
  return EXIT.OK;
}

export function registerAlerts(program: Command, run: Run): void {
  const alerts = program.command('alerts').description('alerts for security staff');
  alerts
    .command('tail')
    .description(
      'print alerts live as they are raised, acknowledged or resolved, until Ctrl-C (--json: one JSON object per line)',
    )
    .option('--open', 'first print the alerts open now')
    .action(run((ctx, opts: { open?: boolean }) => alertsTail(ctx, opts)));
}
