import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { stackSettings, stackUrls } from '@roomkey/common';

/** A database of its own for one test file, dropped afterwards: migrations run from scratch. */
export async function freshDatabase(
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_t${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: stackUrls(stackSettings()).postgres('postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: stackUrls(stackSettings()).postgres(name),
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
