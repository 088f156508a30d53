import { Option, type Command } from 'commander';
import { WebhookEventType } from '@roomkey/contracts';
import { unwrap, type Schemas } from '@roomkey/sdk';
import type { Context } from '../context';
import { parseCount } from '../duration';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import type { Run } from './run';

type EventType = Schemas['CreateWebhookBody']['events'][number];

/** The event types an endpoint can take, from the API's own contract. */
export const WEBHOOK_EVENTS: readonly EventType[] = WebhookEventType.options;

export async function webhooksList(ctx: Context): Promise<number> {
  const list = await unwrap(ctx.session().api.GET('/v1/webhooks'));
  ctx.out.result(list, (l) =>
    ctx.out.line(
      l.length === 0
        ? 'no webhooks yet (roomkey webhooks add registers one)'
        : table([
            ['ID', 'URL', 'EVENTS', 'STATE'],
            ...l.map((w) => [
              w.id,
              w.url,
              w.events.join(','),
              w.enabled ? 'enabled' : `disabled (${w.failures} failures in a row)`,
            ]),
          ]),
    ),
  );
  return EXIT.OK;
}

export async function webhooksAdd(
  ctx: Context,
  url: string,
  opts: { event: EventType[]; description?: string },
): Promise<number> {
  const created = await unwrap(
    ctx.session().api.POST('/v1/webhooks', {
      body: {
        url,
        events: [...new Set(opts.event)],
        ...(opts.description ? { description: opts.description } : {}),
      },
    }),
  );
  ctx.out.result(created, (w) => {
    ctx.out.line(`webhook ${w.id} to ${w.url} for ${w.events.join(', ')}`);
    // Shown this once: the receiver needs it to verify signatures.
    ctx.out.line(`signing secret (shown this once): ${w.secret}`);
  });
  return EXIT.OK;
}

export async function webhooksRemove(ctx: Context, id: string): Promise<number> {
  await unwrap(ctx.session().api.DELETE('/v1/webhooks/{id}', { params: { path: { id } } }));
  ctx.out.result({ id, removed: true }, () => ctx.out.line(`webhook ${id} removed`));
  return EXIT.OK;
}

export async function webhooksDeliveries(
  ctx: Context,
  id: string,
  opts: { limit?: string; state?: 'pending' | 'delivered' | 'failed' },
): Promise<number> {
  const limit = opts.limit ? parseCount(opts.limit, '--limit', 1, 200) : 20;
  const page = await unwrap(
    ctx.session().api.GET('/v1/webhooks/{id}/deliveries', {
      params: { path: { id }, query: { limit, ...(opts.state ? { state: opts.state } : {}) } },
    }),
  );
  ctx.out.result(page.items, (items) =>
    ctx.out.line(
      items.length === 0
        ? 'nothing delivered yet'
        : table([
            ['QUEUED', 'TYPE', 'STATE', 'ATTEMPTS', 'LAST ANSWER'],
            ...items.map((d) => {
              const last = d.attempts[d.attempts.length - 1];
              return [
                d.createdAt,
                d.type,
                d.state,
                String(d.attempts.length),
                last ? (last.status !== null ? `HTTP ${last.status}` : (last.error ?? '-')) : '-',
              ];
            }),
          ]),
    ),
  );
  return EXIT.OK;
}

export function registerWebhooks(program: Command, run: Run): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook endpoints that receive events, signed (admin; docs/integrations.md)');
  webhooks
    .command('ls')
    .description('list the endpoints, their event types and whether they are enabled')
    .action(run((ctx) => webhooksList(ctx)));
  webhooks
    .command('add <url>')
    .description(
      'register an https endpoint; prints its signing secret, shown this once (the receiver verifies with it)',
    )
    .addOption(
      new Option('--event <type...>', 'the event types it receives (repeat for more)')
        .choices(WEBHOOK_EVENTS)
        .makeOptionMandatory(),
    )
    .option('--description <text>', 'what it is for')
    .action(
      run((ctx, url: string, opts: { event: EventType[]; description?: string }) =>
        webhooksAdd(ctx, url, opts),
      ),
    );
  webhooks
    .command('rm <id>')
    .description('remove an endpoint and its deliveries')
    .action(run((ctx, id: string) => webhooksRemove(ctx, id)));
  webhooks
    .command('deliveries <id>')
    .description("an endpoint's deliveries, newest first, with their attempts and last answer")
    .option('--limit <n>', 'how many, 1 to 200 (default 20)')
    .addOption(
      new Option('--state <state>', 'only those in this state').choices([
        'pending',
        'delivered',
        'failed',
      ]),
    )
    .action(
      run((ctx, id: string, opts: { limit?: string; state?: 'pending' | 'delivered' | 'failed' }) =>
        webhooksDeliveries(ctx, id, opts),
      ),
    );
}
