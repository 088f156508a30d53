import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { POSTGRES_DATABASES, stackSettings, stackUrls } from '@roomkey/common';

/**
 * A database of its own for one test file, dropped afterwards: migrations run from scratch. It
 * belongs to the app's role (`prefix`, as the app's own database does): `url` connects as that
 * role, `adminUrl` as the stack's superuser.
 */
export async function freshDatabase(
  prefix: (typeof POSTGRES_DATABASES)[number],
): Promise<{ url: string; adminUrl: string; drop: () => Promise<void> }> {
  const name = `${prefix}_t${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: stackUrls(stackSettings()).postgres('postgres') });
  await admin.connect();
  await admin.query(`create database ${name} owner ${prefix}`);
  await admin.query(`revoke connect, temporary on database ${name} from public`);
  await admin.end();
  return {
    url: stackUrls(stackSettings()).postgres(name, prefix),
    adminUrl: stackUrls(stackSettings()).postgres(name),
    drop: async () => {
      const c = new Client({ connectionString: stackUrls(stackSettings()).postgres('postgres') });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function query<T extends object>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
