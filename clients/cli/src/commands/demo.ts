import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { unwrap, type Session } from '@roomkey/sdk';
import type { Context } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { enrolFace, openDoor, seedDemo, signIn } from '../demo/seed';
import { demoFile, demoSummary, findDemo, readDemo, writeDemo } from '../demo/state';
import type { Run } from './run';

export const DEFAULT_KIOSK_URL = 'http://127.0.0.1:3101';

interface SeedOptions {
  kioskUrl?: string;
  face?: string[];
  timeZone?: string;
  as?: string;
  ifEmpty?: boolean;
  ask?: boolean;
}

/** The admin's session: the stored login, or `--as` with ROOMKEY_PASSWORD for this command only. */
async function adminSession(ctx: Context, as: string | undefined): Promise<Session> {
  if (!as) return ctx.session();
  const password = ctx.env.ROOMKEY_PASSWORD;
  if (!password) throw new CliError('--as needs the password in ROOMKEY_PASSWORD', EXIT.USAGE);
  return signIn((t) => ctx.anonymous(t), as, password);
}

/** Whether to go on: asked on a terminal (Enter means yes); elsewhere the hint is printed. */
async function confirmed(ctx: Context): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    ctx.out.line(
      'no rooms yet: ROOMKEY_DEMO=1 npm start, or npx roomkey demo seed, makes a demo site to try',
    );
    return false;
  }
  const { default: confirm } = await import('@inquirer/confirm');
  // Ctrl-C at the question is a no.
  return confirm(
    {
      message:
        'This system has no rooms yet. Make a demo site (a room, a door with a simulated lock, a kiosk and a member)?',
      default: true,
    },
    { signal: ctx.signal },
  ).catch(() => false);
}

export async function demoSeed(ctx: Context, opts: SeedOptions): Promise<number> {
  const admin = await adminSession(ctx, opts.as);
  let site = findDemo(ctx.env);
  const existed = site !== null;
  if (!site) {
    if (opts.ifEmpty || opts.ask) {
      const rooms = await unwrap(admin.api.GET('/v1/rooms'));
      if (rooms.length > 0) {
        ctx.out.result({ seeded: false, reason: 'the system has rooms' }, () =>
          ctx.out.note('not seeding a demo site: the system has rooms already'),
        );
        return EXIT.OK;
      }
      if (opts.ask && !(await confirmed(ctx))) {
        if (ctx.out.json) ctx.out.result({ seeded: false, reason: 'not confirmed' });
        return EXIT.OK;
      }
    }
    site = await seedDemo(admin, {
      gateway: ctx.gateway,
      kioskUrl: opts.kioskUrl ?? ctx.env.ROOMKEY_KIOSK_URL ?? DEFAULT_KIOSK_URL,
      ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    });
    writeDemo(site, ctx.env);
  }
  if (opts.face?.length) {
    const member = await signIn((t) => ctx.anonymous(t), site.member.email, site.member.password);
    await enrolFace(admin, member, site.member.id, opts.face);
  }
  const file = demoFile(ctx.env);
  ctx.out.result(
    { seeded: !existed, ...site, faceEnrolled: Boolean(opts.face?.length), file },
    () => {
      if (existed) ctx.out.line('the demo site exists already:');
      for (const l of demoSummary(site, file)) ctx.out.line(l);
      if (opts.face?.length)
        ctx.out.line(`  the member's face is enrolled from ${opts.face.length} photo(s)`);
    },
  );
  return EXIT.OK;
}

export async function demoEnrol(ctx: Context, photos: string[]): Promise<number> {
  const site = readDemo(ctx.env);
  const member = await signIn((t) => ctx.anonymous(t), site.member.email, site.member.password);
  await enrolFace(ctx.session(), member, site.member.id, photos);
  ctx.out.result({ memberId: site.member.id, photos: photos.length, enrolled: true }, (r) =>
    ctx.out.line(`${site.member.email}: face enrolled from ${r.photos} photo(s)`),
  );
  return EXIT.OK;
}

export async function demoOpen(ctx: Context, opts: { photo: string }): Promise<number> {
  const site = readDemo(ctx.env);
  // The demo site's own gateway, whichever the last login was for.
  const attempt = await openDoor(site, (t) => ctx.anonymous(t, site.gateway), opts.photo);
  ctx.out.result(attempt, (a) =>
    ctx.out.line(
      a.status === 'granted'
        ? `granted: ${site.door.name} opens (request ${a.requestId})`
        : a.status === 'denied'
          ? `denied: ${a.reasons.join(', ')} (request ${a.requestId})`
          : `no decision yet (request ${a.requestId})`,
    ),
  );
  return attempt.status === 'granted' ? EXIT.OK : EXIT.NEGATIVE;
}

export async function demoPass(ctx: Context, opts: { png?: string }): Promise<number> {
  const site = readDemo(ctx.env);
  const member = await signIn(
    (t) => ctx.anonymous(t, site.gateway),
    site.member.email,
    site.member.password,
  );
  const pass = await unwrap(member.api.GET('/v1/me/pass'));
  if (opts.png) writeFileSync(opts.png, Buffer.from(pass.png, 'base64'));
  if (ctx.out.json) ctx.out.result({ payload: pass.payload, expiresAt: pass.expiresAt });
  else {
    ctx.out.line(await QRCode.toString(pass.payload, { type: 'terminal', small: true }));
    ctx.out.line(`${site.member.email}'s pass, good once until ${pass.expiresAt}`);
    if (opts.png) ctx.out.line(`also written to ${opts.png}`);
  }
  return EXIT.OK;
}

export function registerDemo(program: Command, run: Run): void {
  const demo = program
    .command('demo')
    .description(
      'a demo site to try roomkey with: a room, a door with a simulated lock, a kiosk and a member',
    );
  demo
    .command('seed')
    .description(
      "make the demo site as the signed-in admin (once: run again, it prints it); its secrets are kept in the local stack's demo.json (ROOMKEY_DEMO_FILE), which npm start reads to run the demo lock",
    )
    .option('--face <photo...>', "enrol the member's face from these photos (1 to 5, one person)")
    .option(
      '--kiosk-url <url>',
      `where the kiosk page is served (default ${DEFAULT_KIOSK_URL}, or ROOMKEY_KIOSK_URL)`,
    )
    .option('--time-zone <zone>', "the site's IANA time zone (default this machine's)")
    .option(
      '--as <email>',
      'sign in as this admin for this command only, the password in ROOMKEY_PASSWORD',
    )
    .option('--if-empty', 'only when the system has no rooms yet')
    .option('--ask', 'only when the system has no rooms yet, and after asking (on a terminal)')
    .action(run((ctx, opts: SeedOptions) => demoSeed(ctx, opts)));
  demo
    .command('enrol')
    .description(
      "enrol the demo member's face from 1 to 5 photos of one person (the signed-in admin approves it)",
    )
    .argument('<photo...>', 'JPEG, PNG or WebP files')
    .action(run((ctx, photos: string[]) => demoEnrol(ctx, photos)));
  demo
    .command('pass')
    .description(
      "show the demo member's one-time pass as a QR code, for the kiosk's camera (good once, for a minute)",
    )
    .option('--png <file>', 'also write it as a PNG file')
    .action(run((ctx, opts: { png?: string }) => demoPass(ctx, opts)));
  demo
    .command('open')
    .description(
      "open the demo door as the member at the kiosk: their pass and a photo of the face, as the kiosk's camera would send it, then the decision (exit 0 granted, 1 denied)",
    )
    .requiredOption('--photo <file>', 'a photo of the face (JPEG, PNG or WebP, up to 700 KB)')
    .action(run((ctx, opts: { photo: string }) => demoOpen(ctx, opts)));
}
