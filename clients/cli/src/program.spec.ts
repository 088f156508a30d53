import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { EXIT } from './exit-codes';
import { runCli } from './program';

/** A stream that keeps what is written to it. */
class Captured extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let configDir: string;
beforeEach(() => {
  configDir = mkdtempSync(path.join(os.tmpdir(), 'roomkey-cli-'));
});
afterEach(() => rmSync(configDir, { recursive: true, force: true }));

async function cli(args: string, options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new Captured();
  const stderr = new Captured();
  const code = await runCli(args.split(' ').filter(Boolean), {
    streams: { stdout, stderr },
    env: { ROOMKEY_CONFIG_DIR: configDir, ...options.env },
    signal: new AbortController().signal,
    readStdin: () => options.stdin ?? '',
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('roomkey command line', () => {
  it('lists every command and the exit codes in its help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(EXIT.OK);
    for (const c of [
      'login',
      'users',
      'doors',
      'passes',
      'log',
      'alerts',
      'replay',
      'rebuild',
      'audit',
      'lock',
      'demo',
      'webhooks',
    ])
      expect(stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(stdout).toContain('Exit codes:');
  });

  it.each([
    'users import',
    'users export',
    'doors ls',
    'passes create',
    'log tail',
    'log export',
    'alerts tail',
    'replay',
    'rebuild',
    'audit verify',
    'lock sim',
    'demo seed',
    'demo open',
    'webhooks ls',
    'webhooks add',
    'webhooks rm',
    'webhooks deliveries',
  ])('has help for %s', async (command) => {
    const { code, stdout } = await cli(`${command} --help`);
    expect(code).toBe(EXIT.OK);
    expect(stdout).toContain(`Usage: roomkey ${command}`);
  });

  it.each([
    ['an unknown command', 'frobnicate', /unknown command 'frobnicate'/],
    ['a missing argument', 'users import', /missing required argument 'csv'/],
    [
      'a missing option',
      'passes create --name Ada --until 2h',
      /required option '--door <door...>'/,
    ],
    ['an unknown option', 'doors ls --colour', /unknown option '--colour'/],
    [
      'an unknown event type',
      'webhooks add https://hooks.example.com --event door.opened',
      /argument 'door.opened' is invalid. Allowed choices are access.decided/,
    ],
    [
      'a webhook without event types',
      'webhooks add https://hooks.example.com',
      /required option '--event <type...>'/,
    ],
    ['a bad gateway', '--gateway ftp://x doors ls', /not a gateway URL: ftp:\/\/x/],
    [
      'a bad instant',
      'passes create --name Ada --door D --until tomorrow',
      /--until: not a date or duration/,
    ],
    ['a period backwards', 'log export --from 1d --to -1d', /--from must be before --to/],
    [
      'a file that is not there',
      'users import /nonexistent.csv',
      /cannot read \/nonexistent.csv: ENOENT/,
    ],
    [
      'an unknown projection',
      'rebuild everything',
      /no projection named everything: access-log, alerts/,
    ],
    [
      'a lock without its secret',
      'lock sim --lock L',
      /--lock, ROOMKEY_LOCK_SECRET and ROOMKEY_LOCK_PASSWORD are needed/,
    ],
  ])('ends with a usage error (2) and one line on %s', async (_name, args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says when nobody is signed in (3), as JSON with --json', async () => {
    const human = await cli('doors ls');
    expect(human).toMatchObject({ code: EXIT.AUTH, stdout: '' });
    expect(human.stderr).toBe(
      'roomkey: not signed in to http://127.0.0.1:3000: run roomkey login\n',
    );
    const json = await cli('--json doors ls');
    expect(JSON.parse(json.stderr)).toEqual({
      error: { message: 'not signed in to http://127.0.0.1:3000: run roomkey login', exitCode: 3 },
    });
  });

  it('checks a people file without the API with --dry-run, and exits 1 when rows are refused', async () => {
    const csv = 'email,name\nada@example.com,Ada\nnope,\n';
    const { code, stdout } = await cli('--json users import - --dry-run', { stdin: csv });
    expect(code).toBe(EXIT.NEGATIVE);
    expect(JSON.parse(stdout)).toMatchObject({
      toImport: 1,
      refused: [{ line: 3, email: 'nope', reason: 'not an email address: nope; no name' }],
    });
  });

  describe('against a gateway', () => {
    let server: Server;
    let gateway: string;
    const seen: { method: string; url: string; auth?: string; body: string }[] = [];
    /** What the access log answers, call by call (the last one again after that). */
    let logPages: (Record<string, unknown>[] | 'down')[] = [];
    let logCalls = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
          const send = (status: number, value: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(value));
          };
          if (req.url === '/v1/auth/login') {
            const { password } = JSON.parse(body) as { password: string };
            return password === 'right passphrase'
              ? send(200, {
                  tokenType: 'Bearer',
                  accessToken: 'access-1',
                  expiresIn: 900,
                  refreshToken: `rkr_${'a'.repeat(43)}`,
                  refreshExpiresIn: 86400,
                })
              : send(401, {
                  code: 'INVALID_CREDENTIALS',
                  message: 'the email or the password is wrong',
                });
          }
          if (req.url === '/v1/auth/refresh') {
            const { refreshToken } = JSON.parse(body) as { refreshToken: string };
            return refreshToken === `rkr_${'a'.repeat(43)}`
              ? send(200, {
                  tokenType: 'Bearer',
                  accessToken: 'access-2',
                  expiresIn: 900,
                  refreshToken: `rkr_${'b'.repeat(43)}`,
                  refreshExpiresIn: 86400,
                })
              : send(401, { code: 'REFRESH_TOKEN_INVALID', message: 'used or unknown' });
          }
          if (req.url!.startsWith('/v1/users?')) {
            return req.headers.authorization === 'Bearer access-2'
              ? send(200, {
                  items: [
                    {
                      id: '8d7c6b5a-4f3e-4d2c-9b1a-0e9f8d7c6b5a',
                      email: 'ada@example.com',
                      displayName: 'Ada',
                      roles: ['admin'],
                      status: 'active',
                      createdAt: '2026-05-01T12:00:00.000Z',
                    },
                  ],
                  next: null,
                })
              : send(401, { code: 'TOKEN_INVALID', message: 'expired' });
          }
          if (req.url!.startsWith('/v1/access-log?')) {
            logCalls++;
            const items = logPages[Math.min(logCalls - 1, logPages.length - 1)];
            return items === 'down'
              ? send(503, { code: 'UPSTREAM_UNAVAILABLE', message: 'the audit service is down' })
              : send(200, { items, next: null });
          }
          if (req.url === '/v1/doors') {
            return send(403, { code: 'INSUFFICIENT_ROLE', message: 'admin or security only' });
          }
          send(404, { code: 'NOT_FOUND', message: 'no such route' });
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((r) => server.close(r)));

    it('keeps the tokens of a login for the gateway, readable by its owner only', async () => {
      const ok = await cli(`--gateway ${gateway} login -e ada@example.com --password-stdin`, {
        stdin: 'right passphrase\n',
      });
      expect(ok.code).toBe(EXIT.OK);
      expect(ok.stdout).toContain(`signed in to ${gateway} as ada@example.com`);
      expect(ok.stdout).not.toContain('access-1');
      const file = path.join(configDir, 'credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        current: gateway,
        logins: { [gateway]: { email: 'ada@example.com', accessToken: 'access-1' } },
      });

      // The next command goes to the same gateway with the token, and says what the API refused.
      const refused = await cli('doors ls');
      expect(refused.code).toBe(EXIT.FORBIDDEN);
      expect(refused.stderr).toBe('roomkey: INSUFFICIENT_ROLE: admin or security only\n');
      expect(seen.find((r) => r.url === '/v1/doors')?.auth).toBe('Bearer access-1');
    });

    it('tails the log: each decision once, oldest first, through an outage', async () => {
      await cli(`--gateway ${gateway} login -e ada@example.com --password-stdin`, {
        stdin: 'right passphrase',
      });
      const entry = (id: string, decidedAt: string, decision = 'granted') => ({
        requestId: id,
        decision,
        reasons: decision === 'denied' ? ['face-not-verified'] : [],
        requestedAt: decidedAt,
        decidedAt,
        userId: 'u',
        roomId: 'r',
        doorId: 'd',
        lockId: null,
        deviceId: null,
        channel: 'mobile',
        mode: 'room-code',
        latencyMs: 80,
      });
      const a = entry('a', '2026-05-01T12:00:01.000Z');
      const b = entry('b', '2026-05-01T12:00:02.000Z', 'denied');
      const c = entry('c', '2026-05-01T12:00:03.000Z');
      logPages = [[b, a], 'down', [c, b, a]];
      logCalls = 0;
      const stop = new AbortController();
      const stdout = new Captured();
      const stderr = new Captured();
      const running = runCli(
        ['--json', 'log', 'tail', '--since', '2026-05-01T12:00:00Z', '--interval', '0.2'],
        {
          streams: { stdout, stderr },
          env: { ROOMKEY_CONFIG_DIR: configDir },
          signal: stop.signal,
          readStdin: () => '',
        },
      );
      while (logCalls < 4) await new Promise((r) => setTimeout(r, 50));
      stop.abort();
      expect(await running).toBe(EXIT.OK);
      const printed = stdout.text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { requestId: string }).requestId);
      expect(printed).toEqual(['a', 'b', 'c']);
      expect(stderr.text).toContain(
        'UPSTREAM_UNAVAILABLE: the audit service is down; trying again',
      );
      expect(stderr.text).toContain('the log answers again');
    });

    it('renews an expired access token with the refresh token and keeps the new pair', async () => {
      await cli(`--gateway ${gateway} login -e ada@example.com --password-stdin`, {
        stdin: 'right passphrase',
      });
      const first = await cli('users export');
      expect(first.code).toBe(EXIT.OK);
      expect(first.stdout).toBe(
        'email,name,roles,status,id,createdAt\n' +
          'ada@example.com,Ada,admin,active,8d7c6b5a-4f3e-4d2c-9b1a-0e9f8d7c6b5a,2026-05-01T12:00:00.000Z\n',
      );
      const stored = JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8'));
      expect(stored.logins[gateway]).toMatchObject({
        accessToken: 'access-2',
        refreshToken: `rkr_${'b'.repeat(43)}`,
      });

      // The rotated refresh token is the one kept: once it is refused, the login is forgotten.
      const file = path.join(configDir, 'credentials.json');
      stored.logins[gateway].accessToken = 'stale';
      stored.logins[gateway].refreshToken = `rkr_${'c'.repeat(43)}`;
      writeFileSync(file, JSON.stringify(stored));
      const over = await cli('users ls');
      expect(over.code).toBe(EXIT.AUTH);
      expect(over.stderr).toContain('(sign in again: roomkey login)');
      expect((await cli('users ls')).stderr).toBe(
        `roomkey: not signed in to ${gateway}: run roomkey login\n`,
      );
    });

    it('refuses a wrong password with 3 and keeps nothing', async () => {
      const bad = await cli(`--gateway ${gateway} login -e ada@example.com --password-stdin`, {
        stdin: 'wrong',
      });
      expect(bad).toMatchObject({ code: EXIT.AUTH, stderr: 'roomkey: wrong email or password\n' });
      expect(() => statSync(path.join(configDir, 'credentials.json'))).toThrow();
    });

    it('says the gateway cannot be reached (6)', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const { port } = closed.address() as AddressInfo;
      await new Promise((r) => closed.close(r));
      const { code, stderr } = await cli(
        `--gateway http://127.0.0.1:${port} login -e a@example.com --password-stdin`,
        { stdin: 'x' },
      );
      expect(code).toBe(EXIT.UNAVAILABLE);
      expect(stderr).toMatch(/the gateway cannot be reached \(ECONNREFUSED\)/);
    });
  });
});
