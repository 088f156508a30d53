import { DataSource } from 'typeorm';
import { migrate } from '@roomkey/common';
import { MIGRATIONS as AUDIT } from '../../../apps/audit/src/migrations';
import { MIGRATIONS as FACE } from '../../../apps/face/src/migrations';
import { freshDatabase, query } from '../../../test/support/postgres';

/**
 * Instances of an app that start together on a new database take turns at its migrations: each
 * starts, and each migration ran once.
 */
describe('migrations run by several instances at once', () => {
  it.each([
    ['roomkey_face', FACE],
    ['roomkey_audit', AUDIT],
  ] as const)('%s: three instances migrate one new database together', async (db, migrations) => {
    const fresh = await freshDatabase(db);
    const sources = [1, 2, 3].map(
      () => new DataSource({ type: 'postgres', url: fresh.url, migrations: [...migrations] }),
    );
    try {
      await Promise.all(sources.map((s) => s.initialize()));
      const outcomes = await Promise.allSettled(sources.map((s) => migrate(s)));
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
      ]);
      const ran = await query<{ name: string; n: string }>(
        fresh.url,
        'select name, count(*) as n from migrations group by name',
      );
      expect(ran).toHaveLength(migrations.length);
      expect(ran.every((r) => r.n === '1')).toBe(true);
    } finally {
      await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
      await fresh.drop();
    }
  });
});
