import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { unwrap, type Schemas, type Session } from '@roomkey/sdk';
import type { Context } from '../context';
import { parseInstant } from '../duration';
import { CliError, explain, usage } from '../errors';
import { EXIT } from '../exit-codes';
import type { Run } from './run';

type Entry = Schemas['AccessLogPage']['items'][number];

const describe = (e: Entry) =>
  `${e.decidedAt} ${e.decision.toUpperCase().padEnd(7)} door ${e.doorId ?? '-'} user ${e.userId ?? '-'} via ${e.channel ?? '-'}` +
  (e.reasons.length > 0 ? ` (${e.reasons.join(', ')})` : '') +
  (e.latencyMs !== null ? ` ${e.latencyMs} ms` : '');

/** One page of the log, newest first, decided in [from, to). */
const page = async (
  session: Session,
  query: { from?: string; to?: string; after?: string },
): Promise<Schemas['AccessLogPage']> =>
  (await unwrap(
    session.api.GET('/v1/access-log', { params: { query: { limit: 200, ...query } } }),
  )) as Schemas['AccessLogPage'];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** How far back each look reaches: a decision logged this late is still printed. */
const LOOKBACK_MS = 30_000;

/**
 * Decisions as they are made: the log read every `interval` for what was decided since a little
 * before the newest one seen, oldest first, each printed once. Ends on Ctrl-C.
 */
export async function logTail(
  ctx: Context,
  opts: { since?: string; interval?: string },
): Promise<number> {
  const session = ctx.session();
  const intervalMs = opts.interval ? Number(opts.interval) * 1000 : 1000;
  if (!Number.isFinite(intervalMs) || intervalMs < 200)
    throw usage('--interval: seconds, at least 0.2');
  const start = (opts.since ? parseInstant(opts.since, '--since') : new Date()).getTime();
  let since = start;
  /** Printed entries by request id, with when they were decided, within the lookback. */
  const seen = new Map<string, number>();
  ctx.out.note(`decisions since ${new Date(start).toISOString()} (Ctrl-C ends)`);
  let failing = false;
  while (!ctx.signal.aborted) {
    const fresh: Entry[] = [];
    let after: string | undefined;
    try {
      do {
        const p = await page(session, {
          from: new Date(since).toISOString(),
          ...(after ? { after } : {}),
        });
        fresh.push(...p.items.filter((e) => !seen.has(e.requestId)));
        after = p.next ?? undefined;
      } while (after && !ctx.signal.aborted);
      if (failing) ctx.out.note('the log answers again');
      failing = false;
    } catch (err) {
      // Through an outage it goes on looking; anything else (signed out, a role) ends it.
      const e = explain(err);
      if (e.exitCode !== EXIT.UNAVAILABLE) throw e;
      if (!failing) ctx.out.note(`${e.message}; trying again every ${intervalMs / 1000} s`);
      failing = true;
    }
    fresh.sort((a, b) => Date.parse(a.decidedAt) - Date.parse(b.decidedAt));
    for (const e of fresh) {
      ctx.out.record(e, describe);
      seen.set(e.requestId, Date.parse(e.decidedAt));
    }
    const newest = Math.max(since, ...seen.values());
    since = Math.max(start, newest - LOOKBACK_MS);
    for (const [id, at] of seen) if (at < since) seen.delete(id);
    await sleep(intervalMs, ctx.signal);
  }
  return EXIT.OK;
}

interface ExportOptions {
  from: string;
  to?: string;
  output?: string;
  decision?: string;
  door?: string;
  user?: string;
}

/**
 * The decisions of a period, newest first: the API's own CSV export streamed to the file (or
 * JSON lines with --json, a page at a time). Progress is the share of the period covered so far,
 * read from each row's decision time.
 */
export async function logExport(ctx: Context, opts: ExportOptions): Promise<number> {
  const from = parseInstant(opts.from, '--from');
  const to = opts.to ? parseInstant(opts.to, '--to') : new Date();
  if (from >= to) throw usage('--from must be before --to');
  if (opts.decision && opts.decision !== 'granted' && opts.decision !== 'denied')
    throw usage('--decision: granted or denied');
  const query = {
    from: from.toISOString(),
    to: to.toISOString(),
    ...(opts.decision ? { decision: opts.decision as 'granted' | 'denied' } : {}),
    ...(opts.door ? { doorId: opts.door } : {}),
    ...(opts.user ? { userId: opts.user } : {}),
  };
  const session = ctx.session();
  const file = opts.output ? createWriteStream(opts.output) : undefined;
  const write = (data: string | Uint8Array) => (file ? file.write(data) : ctx.out.write(data));
  if (file) {
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (err: Error) =>
        reject(new CliError(`cannot write ${opts.output}: ${err.message}`, EXIT.USAGE)),
      );
    });
  }
  const span = to.getTime() - from.getTime();
  const bar = ctx.out.progress('exporting', 1000, { records: !file });
  /** Newest first: the period is covered from its end down to this decision. */
  const reached = (decidedAt: string) =>
    bar.update(Math.round(((to.getTime() - Date.parse(decidedAt)) / span) * 1000));
  let rows = 0;
  try {
    if (ctx.out.json) {
      let after: string | undefined;
      do {
        const p = await page(session, { ...query, ...(after ? { after } : {}) });
        for (const e of p.items) write(`${JSON.stringify(e)}\n`);
        rows += p.items.length;
        const oldest = p.items[p.items.length - 1];
        if (oldest) reached(oldest.decidedAt);
        after = p.next ?? undefined;
      } while (after && !ctx.signal.aborted);
    } else {
      const res = await session.fetch(
        `/v1/access-log?${new URLSearchParams({ ...query, format: 'csv' })}`,
        { signal: ctx.signal },
      );
      if (!res.ok || !res.body) {
        // The refusal as the SDK reports it, with the API's code.
        await unwrap(Promise.resolve({ error: await res.json().catch(() => ({})), response: res }));
      }
      // The bytes go out as the API wrote them; a parser reads along for the progress.
      const reader = parse({ columns: true });
      reader.on('data', (row: { decidedAt?: string }) => {
        rows++;
        if (row.decidedAt) reached(row.decidedAt);
      });
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (!write(chunk)) await once(file ?? process.stdout, 'drain');
        reader.write(chunk);
      }
      reader.end();
      await once(reader, 'end');
    }
    bar.update(1000);
  } finally {
    bar.stop();
  }
  if (file) {
    file.end();
    await once(file, 'finish');
  }
  ctx.out.note(
    `${rows} decisions from ${from.toISOString()} to ${to.toISOString()}${opts.output ? ` written to ${opts.output}` : ''}`,
  );
  return EXIT.OK;
}

export function registerLog(program: Command, run: Run): void {
  const log = program
    .command('log')
    .description('the access log: every decision (admin or security)');
  log
    .command('tail')
    .description(
      'print decisions as they are made, until Ctrl-C (--json: one JSON object per line)',
    )
    .option('--since <when>', 'start from this instant instead of now (ISO date-time or -10m)')
    .option('--interval <seconds>', 'how often to look (default 1)')
    .action(run((ctx, opts: { since?: string; interval?: string }) => logTail(ctx, opts)));
  log
    .command('export')
    .description(
      'the decisions of a period as CSV, as the admin web downloads it (--json: one JSON object per line), newest first, with progress when written to a file',
    )
    .requiredOption('--from <when>', 'decided at or after (ISO date-time, or -7d)')
    .option('--to <when>', 'decided before (default now)')
    .option('--decision <granted|denied>', 'only these')
    .option('--door <id>', 'only this door')
    .option('--user <id>', 'only this person')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(run((ctx, opts: ExportOptions) => logExport(ctx, opts)));
}
