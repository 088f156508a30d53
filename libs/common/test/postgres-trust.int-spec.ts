import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { POSTGRES_DATABASES, postgresEnv, stackSettings, stackUrls } from '@roomkey/common';
import { MIGRATIONS } from '../../../apps/audit/src/migrations';
import { freshDatabase } from '../../../test/support/postgres';

/**
 * Each app reaches PostgreSQL as a role of its own that owns its database and nothing else; the
 * audit app's role cannot change or remove a logged row, as a privilege and not only a trigger.
 */
const s = stackSettings();
const appUrl = (db: (typeof POSTGRES_DATABASES)[number]) =>
  postgresEnv(db).DATABASE_URL.parse(undefined);

async function rows<T extends object>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

const failure = (url: string, sql = 'select 1') =>
  rows(url, sql).then(
    () => 'ok',
    (err: { code?: string; message: string }) => err.code ?? err.message,
  );

describe('PostgreSQL: who may do what', () => {
  it.each(POSTGRES_DATABASES)(
    '%s connects as its own role, which is not a superuser',
    async (db) => {
      const [me] = await rows<{
        user: string;
        rolsuper: boolean;
        rolcreatedb: boolean;
        rolcreaterole: boolean;
      }>(
        appUrl(db),
        `select current_user as user, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user`,
      );
      expect(me).toEqual({ user: db, rolsuper: false, rolcreatedb: false, rolcreaterole: false });
      const owned = await rows<{ datname: string }>(
        appUrl(db),
        `select datname from pg_database where pg_get_userbyid(datdba) = current_user`,
      );
      expect(owned.map((r) => r.datname)).toEqual([db]);
    },
  );

  it('keeps each app out of the others’ databases', async () => {
    const faceRole = new URL(appUrl('roomkey_face'));
    faceRole.pathname = '/roomkey_audit';
    expect(await failure(faceRole.toString())).toBe('42501');
  });

  it('refuses a client without the password, over TCP and over the socket', async () => {
    const url = new URL(stackUrls(s).postgres('roomkey_audit', 'roomkey_audit'));
    url.password = 'wrong';
    url.search = '';
    expect(await failure(url.toString())).toBe('28P01');
    const socket = stackUrls(s).postgres('roomkey_audit', 'roomkey_audit').split('?')[1];
    if (socket) {
      url.search = `?${socket}`;
      expect(await failure(url.toString())).toBe('28P01');
    }
  });

  it('gives the audit role no UPDATE, DELETE or TRUNCATE on the log', async () => {
    const db = await freshDatabase('roomkey_audit');
    try {
      const ds = new DataSource({ type: 'postgres', url: db.url, migrations: MIGRATIONS });
      await ds.initialize();
      await ds.runMigrations();
      await ds.destroy();
      const [grants] = await rows<Record<string, boolean>>(
        db.url,
        `select has_table_privilege('event_log', 'UPDATE') as update,
                has_table_privilege('event_log', 'DELETE') as delete,
                has_table_privilege('event_log', 'TRUNCATE') as truncate,
                has_table_privilege('event_log', 'INSERT') as insert`,
      );
      expect(grants).toEqual({ update: false, delete: false, truncate: false, insert: true });
      // Even with the append-only trigger out of the way, the privilege stops it.
      expect(await failure(db.url, `alter table event_log disable trigger user`)).toBe('ok');
      expect(await failure(db.url, `delete from event_log`)).toBe('42501');
      expect(await failure(db.url, `truncate event_log`)).toBe('42501');
    } finally {
      await db.drop();
    }
  });
});
