import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  POSTGRES_DATABASES,
  postgresSocketFolder,
  stackCredentials,
  StackSettings,
} from '@roomkey/common/config/stack';
import { ensureCredentials } from './credentials';
import { Daemon, portOpen, run, waitFor } from './proc';

/**
 * PostgreSQL 15 from Debian, in a cluster of the stack's own. initdb and postgres refuse to
 * run as root, so as root the cluster belongs to the `postgres` system user.
 */
export class PostgresServer {
  private readonly home: string;
  private readonly data: string;
  readonly daemon: Daemon;

  constructor(private readonly s: StackSettings) {
    this.home = path.join(s.dir, 'postgres');
    this.data = path.join(this.home, 'data');
    this.daemon = new Daemon('postgres', this.home);
  }

  private asOwner(cmd: string, args: string[]): Promise<string> {
    const bin = path.join(this.s.postgres.binDir, cmd);
    return process.getuid?.() === 0
      ? run('runuser', ['-u', 'postgres', '--', bin, ...args])
      : run(bin, args);
  }

  async start(log?: (m: string) => void): Promise<void> {
    const socketDir = postgresSocketFolder(this.s);
    mkdirSync(socketDir, { recursive: true });
    if (process.getuid?.() === 0) {
      const uid = Number((await run('id', ['-u', 'postgres'])).trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).trim());
      for (const d of [this.home, socketDir]) chownSync(d, uid, gid);
    }
    ensureCredentials(this.s);
    if (!existsSync(path.join(this.data, 'PG_VERSION'))) {
      const pwfile = path.join(this.home, 'pwfile');
      writeFileSync(pwfile, this.superPassword(), { mode: 0o644 });
      await this.asOwner('initdb', [
        '-D',
        this.data,
        '-U',
        this.s.postgres.user,
        `--pwfile=${pwfile}`,
        '--auth-local=scram-sha-256',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
      ]);
      rmSync(pwfile, { force: true });
    }
    // Every client gives a password, over the socket too (a cluster made before kept `trust`).
    const hba = path.join(this.data, 'pg_hba.conf');
    writeFileSync(hba, PG_HBA, { mode: 0o600 });
    if (process.getuid?.() === 0) {
      const uid = Number((await run('id', ['-u', 'postgres'])).trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).trim());
      chownSync(hba, uid, gid);
    }
    const options = [
      `-p ${this.s.postgres.port}`,
      `-c listen_addresses=${this.s.host}`,
      `-k ${socketDir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await this.asOwner('pg_ctl', [
      'start',
      '-D',
      this.data,
      '-l',
      this.daemon.logFile,
      '-o',
      options,
      '-w',
      '-t',
      '60',
    ]);
    const pid = Number(readFileSync(path.join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    this.daemon.adopt(pid);
    await waitFor(
      `PostgreSQL to answer a query at ${this.s.host}:${this.s.postgres.port}`,
      () => this.ready(),
      { daemon: this.daemon, log },
    );
    await this.createDatabases();
  }

  async ready(): Promise<boolean> {
    if (!(await portOpen(this.s.host, this.s.postgres.port))) return false;
    const client = this.client('postgres');
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private client(database: string): Client {
    return new Client({
      host: this.s.host,
      port: this.s.postgres.port,
      user: this.s.postgres.user,
      password: this.superPassword(),
      database,
    });
  }

  /** The superuser's password: as set in the environment, else the one the stack made. */
  private superPassword(): string {
    return (
      process.env.ROOMKEY_PG_PASSWORD ??
      stackCredentials(this.s)?.postgres?.[this.s.postgres.user] ??
      this.s.postgres.password
    );
  }

  /**
   * A role per app, named as its database, which owns that database and nothing else: not a
   * superuser, no other database, no roles. Its password is the one in the credentials.
   */
  private async createDatabases(): Promise<void> {
    const passwords = stackCredentials(this.s)!.postgres!;
    const client = this.client('postgres');
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string; owner: string }>(
        'select datname, pg_get_userbyid(datdba) as owner from pg_database',
      );
      const owners = new Map(rows.map((r) => [r.datname, r.owner]));
      const { rows: roles } = await client.query<{ rolname: string }>(
        'select rolname from pg_roles',
      );
      const existing = new Set(roles.map((r) => r.rolname));
      for (const db of POSTGRES_DATABASES) {
        const verb = existing.has(db) ? 'alter' : 'create';
        await client.query(
          `${verb} role ${db} login nosuperuser nocreatedb nocreaterole password '${passwords[db]}'`,
        );
        if (!owners.has(db)) {
          await client.query(`create database ${db} owner ${db}`);
        } else if (owners.get(db) !== db) {
          await client.query(`alter database ${db} owner to ${db}`);
          await this.handOver(db);
        }
        // Only its owner (and the superuser) may connect, not every role as by default.
        await client.query(`revoke connect, temporary on database ${db} from public`);
      }
    } finally {
      await client.end();
    }
  }

  /** The tables, sequences and functions a database's earlier owner made, given to its role. */
  private async handOver(db: string): Promise<void> {
    const client = this.client(db);
    await client.connect();
    try {
      await client.query(`
        do $$ declare r record; begin
          for r in select format('alter %s %s owner to ${db}',
              case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end,
              c.oid::regclass) as stmt
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v')
              and pg_get_userbyid(c.relowner) <> '${db}'
          loop execute r.stmt; end loop;
          for r in select format('alter function %s owner to ${db}', p.oid::regprocedure) as stmt
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> '${db}'
          loop execute r.stmt; end loop;
        end $$`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<boolean> {
    if (this.daemon.pid() === undefined) return false;
    await this.asOwner('pg_ctl', ['stop', '-D', this.data, '-m', 'fast', '-w']);
    return this.daemon.stop();
  }
}

/** Who may connect how: with a password, always. */
const PG_HBA = [
  'local all all scram-sha-256',
  'host all all 127.0.0.1/32 scram-sha-256',
  'host all all ::1/128 scram-sha-256',
  '',
].join('\n');
