import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  POSTGRES_DATABASES,
  postgresSocketFolder,
  StackSettings,
} from '@roomkey/common/config/stack';
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
    if (!existsSync(path.join(this.data, 'PG_VERSION'))) {
      const pwfile = path.join(this.home, 'pwfile');
      writeFileSync(pwfile, this.s.postgres.password, { mode: 0o644 });
      await this.asOwner('initdb', [
        '-D',
        this.data,
        '-U',
        this.s.postgres.user,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
      ]);
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
      password: this.s.postgres.password,
      database,
    });
  }

  private async createDatabases(): Promise<void> {
    const client = this.client('postgres');
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>('select datname from pg_database');
      const existing = new Set(rows.map((r) => r.datname));
      for (const db of POSTGRES_DATABASES) {
        if (!existing.has(db)) await client.query(`create database ${db}`);
      }
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
