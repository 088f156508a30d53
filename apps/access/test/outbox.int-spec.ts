import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LOCK_EVENTS_V1, lockEventsV1, type LockEventsV1 } from '@roomkey/contracts';
import { migrate } from '@roomkey/common';
import { collect, publisherAs } from '../../../test/support/kafka';
import { eventually } from '../../../test/support/apps';
import { freshDatabase } from '../../../test/support/postgres';
import { loadAccessConfig } from '../src/config';
import { MIGRATIONS } from '../src/migrations';
import { ACCESS_ENTITIES, OutboxRow } from '../src/repositories/entities';
import { Outbox, outboxInsert } from '../src/services/outbox';

/** The outbox relays of two access instances on one database. */
describe('access outbox: two instances relaying', () => {
  it('publish each event once, and each lock’s events in order', async () => {
    const db = await freshDatabase('roomkey_access');
    const ds = await new DataSource({
      type: 'postgres',
      url: db.url,
      entities: ACCESS_ENTITIES,
      migrations: MIGRATIONS,
    }).initialize();
    const publishers = [await publisherAs('access'), await publisherAs('access')];
    const events = await collect<LockEventsV1>(LOCK_EVENTS_V1);
    try {
      await migrate(ds);
      const config = loadAccessConfig({});
      const relays = publishers.map(
        (p) => new Outbox(ds.getRepository(OutboxRow), config, 'access', p),
      );
      const lockIds: string[] = [1, 2, 3, 4].map(() => randomUUID());
      const lockOf = new Map<string, string>();
      const written: string[] = [];
      // Events are added while both relays run, as two busy instances would.
      for (let round = 0; round < 20; round++) {
        for (const lockId of lockIds) {
          const [topic, key, event] = relays[0]!.params(lockEventsV1, {
            key: lockId,
            correlationId: lockId,
            payload: { lockId, kind: 'state', state: round % 2 ? 'locked' : 'unlocked' },
          });
          await ds.query(`with one as (select 1) ${outboxInsert('one', 1)}`, [topic, key, event]);
          const { eventId } = event as { eventId: string };
          written.push(eventId);
          lockOf.set(eventId, lockId);
        }
        await Promise.all(relays.flatMap((r) => [r.relay(), r.relay()]));
      }
      const ours = (e: LockEventsV1) => lockIds.includes(e.payload.lockId);
      await eventually(async () =>
        events.matching(ours).length >= written.length ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 1000));
      const seen = events.matching(ours).map((e) => e.eventId);
      expect(seen).toHaveLength(written.length);
      expect(new Set(seen).size).toBe(written.length);
      for (const lockId of lockIds) {
        const of = (ids: string[]) => ids.filter((id) => lockOf.get(id) === lockId);
        expect(of(seen)).toEqual(of(written));
      }
    } finally {
      await events.stop();
      await Promise.all(publishers.map((p) => p.onApplicationShutdown()));
      await ds.destroy();
      await db.drop();
    }
  });
});
