import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LockSimulator } from '../../apps/access/src/sim/lock-simulator';
import { startDemoLock } from '../../clients/cli/src/demo/lock';
import { readDemo } from '../../clients/cli/src/demo/state';
import { eventually } from '../support/apps';
import { ADMIN } from '../support/auth';
import { PHOTO_DIR } from '../support/face';
import { RunningSystem, startSystem } from './system';

/**
 * The `roomkey` CLI against the whole system, run as a person runs it (`npx roomkey`, a process
 * of its own): signing in, a people file imported twice, and the demo in a minute: the demo
 * site seeded, its lock simulated as `npm start` runs it, and the door opened with a photo.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'clients/cli/bin/roomkey.js');

let sys: RunningSystem;
let dir: string;
let lock: LockSimulator | undefined;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `roomkey --json <args>`, its output and exit code. */
function roomkey(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--json', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        ROOMKEY_GATEWAY_URL: sys.gateway,
        ROOMKEY_CONFIG_DIR: path.join(dir, 'config'),
        ROOMKEY_DEMO_FILE: path.join(dir, 'demo.json'),
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const json = <T = Record<string, unknown>>(r: Ran): T => {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'roomkey-cli-e2e-'));
  // The decisions here are about faces, not the deadline: a slow, shared machine must not turn
  // a face check into a timeout.
  sys = await startSystem({ env: { access: { ACCESS_DEADLINE_MS: '30000' } } });
}, 180_000);

afterAll(async () => {
  lock?.crash();
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the roomkey CLI', () => {
  it('signs the admin in and keeps the tokens readable by the owner only', async () => {
    const wrong = await roomkey(['login', '-e', ADMIN.email, '--password-stdin'], 'not it');
    expect(wrong.code).toBe(3);
    const r = await roomkey(['login', '-e', ADMIN.email, '--password-stdin'], ADMIN.password);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ gateway: sys.gateway, email: ADMIN.email });
    expect(statSync(path.join(dir, 'config', 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  it('imports a people file, reports the refused rows, and changes nothing the second time', async () => {
    const file = path.join(dir, 'people.csv');
    writeFileSync(
      file,
      'email,name,roles\n' +
        'ada.cli@example.com,Ada Lovelace,member;security\n' +
        'grace.cli@example.com,"Hopper, Grace",\n' +
        'not-an-email,Nobody,\n' +
        'alan.cli@example.com,Alan Turing,wizard\n',
    );
    const first = await roomkey([
      'users',
      'import',
      file,
      '--reset-links',
      'http://127.0.0.1:3100',
    ]);
    expect(first.code).toBe(1);
    expect(json(first)).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
      refused: [
        { line: 4, reason: 'not an email address: not-an-email' },
        { line: 5, reason: expect.stringContaining('unknown role wizard') },
      ],
    });

    // Each new account has a reset link, with which its person sets a password and signs in.
    const links = json<{ resetLinks: { email: string; link: string }[] }>(first).resetLinks;
    expect(links.map((l) => l.email).sort()).toEqual([
      'ada.cli@example.com',
      'grace.cli@example.com',
    ]);
    const ada = links.find((l) => l.email === 'ada.cli@example.com')!;
    expect(ada.link).toMatch(/^http:\/\/127\.0\.0\.1:3100\/reset-password#token=rkp_/);
    const reset = await fetch(`${sys.gateway}/v1/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: ada.link.split('#token=')[1],
        newPassword: 'a long passphrase of Ada',
      }),
    });
    expect(reset.status).toBe(204);
    const signIn = await fetch(`${sys.gateway}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada.cli@example.com', password: 'a long passphrase of Ada' }),
    });
    expect(signIn.status).toBe(200);

    writeFileSync(
      file,
      'email,name,roles\nADA.cli@example.com,Ada Lovelace,security member\ngrace.cli@example.com,Grace Hopper,\n',
    );
    const second = await roomkey(['users', 'import', file]);
    expect(second.code).toBe(0);
    expect(json(second)).toMatchObject({ created: 0, updated: 1, unchanged: 1, refused: [] });

    const exported = json<{ email: string; name: string; roles: string }[]>(
      await roomkey(['users', 'export']),
    );
    const mine = exported.filter((u) => u.email.endsWith('.cli@example.com'));
    expect(mine.map((u) => [u.email, u.name, u.roles]).sort()).toEqual([
      ['ada.cli@example.com', 'Ada Lovelace', 'member;security'],
      ['grace.cli@example.com', 'Grace Hopper', 'member'],
    ]);
  }, 180_000);

  it('seeds the demo site, whose door opens for the member with a photo', async () => {
    // The quick start: npm start (ROOMKEY_DEMO=1) seeds the empty system as its admin, then the
    // person enrols the member's face and opens the door with another photo.
    const seeded = await roomkey(['demo', 'seed', '--as', ADMIN.email, '--if-empty'], undefined, {
      ROOMKEY_PASSWORD: ADMIN.password,
    });
    expect(seeded.code).toBe(0);
    const shown = json<{
      seeded: boolean;
      kiosk: { setupLink: string };
      member: { password: string };
    }>(seeded);
    expect(shown.seeded).toBe(true);
    expect(shown.kiosk.setupLink).toMatch(/^http:\/\/127\.0\.0\.1:3101\/#setup=[A-Za-z0-9_-]+$/);
    expect(statSync(path.join(dir, 'demo.json')).mode & 0o777).toBe(0o600);
    const site = readDemo({ ...process.env, ROOMKEY_DEMO_FILE: path.join(dir, 'demo.json') });
    expect(site.member.password).toBe(shown.member.password);

    // As npm start does: the demo lock runs in the process that started the system.
    lock = await startDemoLock(site, () => undefined);

    const enrolled = await roomkey([
      'demo',
      'enrol',
      path.join(PHOTO_DIR, 'person_a_obama_1.jpg'),
      path.join(PHOTO_DIR, 'person_a_obama_2.jpg'),
    ]);
    expect(enrolled.code).toBe(0);
    expect(json(enrolled)).toMatchObject({ memberId: site.member.id, photos: 2 });

    const doors = json<{ name: string; lock: { online: boolean } }[]>(
      await roomkey(['doors', 'ls']),
    );
    expect(doors).toEqual([expect.objectContaining({ name: 'Demo door', kioskId: site.kiosk.id })]);

    const atTheDoor = (photo: string) =>
      roomkey(['demo', 'open', '--photo', path.join(PHOTO_DIR, photo)]);
    const opened = await atTheDoor('person_a_obama_3.jpg');
    expect(opened.code).toBe(0);
    const granted = json<{ requestId: string; status: string; reasons: string[] }>(opened);
    expect(granted).toMatchObject({ status: 'granted', reasons: [] });
    const unlocked = Date.now() + 10_000;
    while (!lock.unlocks.some((c) => c.requestId === granted.requestId) && Date.now() < unlocked)
      await new Promise((r) => setTimeout(r, 200));
    expect(lock.unlocks.filter((c) => c.requestId === granted.requestId)).toHaveLength(1);

    const stranger = await atTheDoor('person_c_rudd_1.jpg');
    expect(stranger.code).toBe(1);
    const denied = json<{ status: string; reasons: string[] }>(stranger);
    expect(denied.status).toBe('denied');
    expect(denied.reasons).toContain('face-not-verified');

    // Seeding again makes nothing new; the offer of npm start leaves a system with rooms alone.
    const again = await roomkey(['demo', 'seed']);
    expect(json(again)).toMatchObject({ seeded: false, door: { id: site.door.id } });
    rmSync(path.join(dir, 'demo.json'));
    const offered = await roomkey(['demo', 'seed', '--if-empty']);
    expect(offered.code).toBe(0);
    expect(json(offered)).toEqual({ seeded: false, reason: 'the system has rooms' });
  }, 180_000);

  it('exports the decisions of the last minutes from the access log', async () => {
    const decisions = async () => {
      const r = await roomkey(['log', 'export', '--from', '-10m']);
      expect(r.code).toBe(0);
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { decision: string }).decision)
        .sort();
    };
    // The log is the audit app's projection of the decisions, a moment behind them.
    const found = await eventually(async () => {
      const seen = await decisions();
      return seen.length === 2 ? seen : undefined;
    }, 20_000);
    expect(found).toEqual(['denied', 'granted']);
  });
});
