import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { unwrap } from '@roomkey/sdk';
import type { Context } from '../context';
import { parseCount, parseInstant } from '../duration';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import type { Run } from './run';

interface CreateOptions {
  name: string;
  door: string[];
  until: string;
  from?: string;
  uses?: string;
  user?: string;
  png?: string;
}

export async function passesCreate(ctx: Context, opts: CreateOptions): Promise<number> {
  const validUntil = parseInstant(opts.until, '--until');
  const validFrom = opts.from ? parseInstant(opts.from, '--from') : undefined;
  const maxUses = opts.uses ? parseCount(opts.uses, '--uses', 1, 1000) : undefined;
  const { api } = ctx.session();
  // Doors by id or by name, as `roomkey doors ls` shows them.
  const doors = await unwrap(api.GET('/v1/doors'));
  const doorIds = opts.door.map((d) => {
    const found = doors.filter((x) => x.id === d || x.name.toLowerCase() === d.toLowerCase());
    if (found.length !== 1)
      throw new CliError(
        found.length === 0
          ? `no door ${d} (roomkey doors ls lists them)`
          : `${found.length} doors are named ${d}: give its id`,
        EXIT.USAGE,
      );
    return found[0]!.id;
  });
  const pass = await unwrap(
    api.POST('/v1/visitor-passes', {
      body: {
        name: opts.name,
        doorIds,
        validUntil: validUntil.toISOString(),
        ...(validFrom ? { validFrom: validFrom.toISOString() } : {}),
        maxUses: maxUses ?? 1,
        ...(opts.user ? { userId: opts.user } : {}),
      },
    }),
  );
  if (opts.png) writeFileSync(opts.png, Buffer.from(pass.code.png, 'base64'));
  const { svg: _svg, png: _png, ...code } = pass.code;
  if (ctx.out.json) ctx.out.result({ ...pass, code });
  else {
    // The pass is a credential: shown here once, for printing or handing over.
    ctx.out.line(
      `visitor pass ${pass.id} for ${pass.name}, ${pass.maxUses} use(s), until ${pass.validUntil}`,
    );
    ctx.out.line(await QRCode.toString(code.payload, { type: 'terminal', small: true }));
    ctx.out.line(`code: ${code.payload}`);
    if (opts.png) ctx.out.line(`QR code written to ${opts.png}`);
  }
  return EXIT.OK;
}

export function registerPasses(program: Command, run: Run): void {
  const passes = program.command('passes').description('visitor passes (admin)');
  passes
    .command('create')
    .description(
      'issue a visitor pass for one or more doors; prints its QR code (shown this once: it opens the doors until it expires)',
    )
    .requiredOption('--name <name>', "the visitor's name")
    .requiredOption('--door <door...>', 'a door, by id or name (repeat for more)')
    .requiredOption(
      '--until <when>',
      'valid until: an ISO date-time or a duration from now (8h, 2d)',
    )
    .option('--from <when>', 'valid from (default now)')
    .option('--uses <n>', 'how many times it opens a door, 1 to 1000 (default 1)')
    .option('--user <id>', "the visitor's account, when they have one (their face is then checked)")
    .option('--png <file>', 'also write the QR code as a PNG file')
    .action(run((ctx, opts: CreateOptions) => passesCreate(ctx, opts)));
}
