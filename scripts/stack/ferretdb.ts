import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import mongoose from 'mongoose';
import {
  MONGO_ADMIN_USER,
  stackCredentials,
  StackSettings,
  stackUrls,
} from '@roomkey/common/config/stack';
import { ensureCredentials, MONGO_USERS } from './credentials';
import { Daemon, portOpen, run, waitFor } from './proc';

const MODULE = 'github.com/FerretDB/FerretDB';

/**
 * FerretDB 1.x speaks the MongoDB wire protocol over SQLite files. Its own command is built from
 * the Go module proxy, inside a copy of its module: built as a dependency of another module it
 * panics at start for want of the version file that its release tooling writes, so the copy gets
 * that file (the version we fetched) first.
 *
 * It runs with FerretDB's SCRAM authentication (`--test-enable-new-auth`): every command but the
 * handshake needs a signed-in user. The stack's own user is made when the server first sets up
 * its data, and that user makes one user per app. FerretDB 1.x has no roles, so any user may use
 * any database: a MongoDB deployment gives each app's user `readWrite` on its own database only
 * (docs/security.md).
 */
export class FerretDbServer {
  private readonly home: string;
  private readonly bin: string;
  readonly daemon: Daemon;

  constructor(private readonly s: StackSettings) {
    this.home = path.join(s.dir, 'ferretdb');
    // The folder's name carries the version and how it is built: a change to either rebuilds.
    this.bin = path.join(s.cacheDir, `ferretdb-${s.mongo.ferretdbVersion}-cmd`, 'ferretdb');
    this.daemon = new Daemon('ferretdb', this.home);
  }

  /** Whether the binary is in the cache. */
  installed(): boolean {
    return existsSync(this.bin);
  }

  /** Builds the binary into the cache: awaited `go` commands, the result renamed into place. */
  async install(): Promise<void> {
    if (this.installed()) return;
    const version = this.s.mongo.ferretdbVersion;
    const build = `${path.dirname(this.bin)}.partial-${process.pid}`;
    rmSync(build, { recursive: true, force: true });
    const env = { ...process.env, CGO_ENABLED: '0' };
    try {
      const downloaded = JSON.parse(
        await run('go', ['mod', 'download', '-json', `${MODULE}@${version}`], { env }),
      ) as { Dir?: string; Error?: string };
      if (!downloaded.Dir) throw new Error(`go mod download: ${downloaded.Error ?? 'no folder'}`);
      const source = path.join(build, 'src');
      cpSync(downloaded.Dir, source, { recursive: true });
      // The module cache is read-only; only the version file's folder needs to be writable.
      chmodSync(path.join(source, 'build', 'version'), 0o755);
      writeFileSync(path.join(source, 'build', 'version', 'version.txt'), `${version}\n`);
      const out = path.join(build, 'ferretdb');
      await run('go', ['build', '-trimpath', '-buildvcs=false', '-o', out, './cmd/ferretdb'], {
        cwd: source,
        env,
      });
      mkdirSync(path.dirname(this.bin), { recursive: true });
      renameSync(out, this.bin);
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  }

  async start(log?: (m: string) => void): Promise<void> {
    const data = path.join(this.home, 'data');
    mkdirSync(data, { recursive: true });
    const credentials = ensureCredentials(this.s);
    this.daemon.start(
      this.bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${data}/`,
        `--listen-addr=${this.s.host}:${this.s.mongo.port}`,
        `--state-dir=${this.home}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
        '--test-enable-new-auth',
        // The stack's own user, made once with the data; its password stays off the command line.
        '--setup-database=admin',
        `--setup-username=${MONGO_ADMIN_USER}`,
      ],
      { ...process.env, FERRETDB_SETUP_PASSWORD: credentials.mongo![MONGO_ADMIN_USER] },
    );
    await waitFor(
      `FerretDB to authenticate its clients at ${this.s.host}:${this.s.mongo.port}`,
      () => this.ready(),
      { daemon: this.daemon, log },
    );
  }

  /**
   * Ready when the stack's own user is let in and a client without credentials is refused: a
   * server still running from before it authenticated anyone is not ready, and is restarted.
   */
  async ready(): Promise<boolean> {
    if (!(await portOpen(this.s.host, this.s.mongo.port))) return false;
    if (!stackCredentials(this.s)?.mongo?.[MONGO_ADMIN_USER]) return false;
    const admin = await this.answers(stackUrls(this.s).mongo('admin'));
    const anonymous = await this.answers(`mongodb://${this.s.host}:${this.s.mongo.port}/admin`);
    return admin && !anonymous;
  }

  /** Makes each app's user, or sets its password to the one in the credentials. */
  async ensureUsers(): Promise<string[]> {
    const credentials = ensureCredentials(this.s);
    const conn = await this.connect(stackUrls(this.s).mongo('admin'));
    try {
      const admin = conn.db!.admin();
      const { users } = (await admin.command({ usersInfo: 1 })) as { users: { user: string }[] };
      const have = new Set(users.map((u) => u.user));
      const apps = MONGO_USERS.filter((u) => u !== MONGO_ADMIN_USER);
      for (const user of apps) {
        const pwd = credentials.mongo![user];
        await admin.command(
          have.has(user) ? { updateUser: user, pwd } : { createUser: user, pwd, roles: [] },
        );
      }
      return apps;
    } finally {
      await conn.close();
    }
  }

  private async answers(url: string): Promise<boolean> {
    try {
      const conn = await this.connect(url);
      try {
        // Any command but the handshake needs a signed-in user.
        await conn.db!.admin().command({ listDatabases: 1, nameOnly: true });
        return true;
      } finally {
        await conn.close();
      }
    } catch {
      return false;
    }
  }

  private connect(url: string) {
    return mongoose
      .createConnection(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 })
      .asPromise();
  }
}
