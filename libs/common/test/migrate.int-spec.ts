import { migrateDatabase } from '@roomkey/common';
import { freshDatabase, query } from '../../../test/support/postgres';
import { MIGRATIONS } from '../../../apps/face/src/migrations';

/**
 * What the Helm chart's init container runs before each PostgreSQL app (`migrate.js`): pods
 * starting together on a new database must each succeed, and every migration must run once.
 */
describe('migrateDatabase', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    db = await freshDatabase('roomkey_face');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs the pending migrations once when three pods start together, and nothing the next time', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => migrateDatabase(db.url, MIGRATIONS)));
    // One pod ran them all; the others waited on the lock and found nothing pending.
    expect(runs.map((r) => r.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
    const rows = await query<{ count: string }>(db.url, 'select count(*) from migrations');
    expect(Number(rows[0]!.count)).toBe(MIGRATIONS.length);
    expect(await migrateDatabase(db.url, MIGRATIONS)).toEqual([]);
  });
});
