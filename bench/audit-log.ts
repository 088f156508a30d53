import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACCESS_REQUESTED_V1 } from '@roomkey/contracts';
import { freshDatabase } from '../test/support/postgres';

// The built app (`npm run build`), as it runs: its classes carry the metadata Nest injects by.
const load = createRequire(__filename);
const built = (file: string): unknown => load(path.resolve(__dirname, '..', 'dist', file));
const { createApp } = built('libs/common/src') as typeof import('../libs/common/src');
const { auditAppOptions } = built('apps/audit/src/app') as typeof import('../apps/audit/src/app');
const { loadAuditConfig } = built(
  'apps/audit/src/config',
) as typeof import('../apps/audit/src/config');
const { EventLogService } = built(
  'apps/audit/src/services/event-log.service',
) as typeof import('../apps/audit/src/services/event-log.service');

/**
 * `npm run bench:audit`: how fast the audit app logs records, one at a time (a quiet system)
 * and several at once (a consumer catching up on a backlog reads 8 partitions at once).
 * The app runs in this process on a fresh database of the local stack, without its consumer;
 * records are appended as the consumer appends them. Prints records per second and the
 * process's CPU per record (the database's own CPU is not counted).
 */
const RECORDS = Number(process.env.BENCH_RECORDS ?? 2000);

async function main(): Promise<void> {
  const db = await freshDatabase('roomkey_audit');
  const { consumer: _consumer, ...options } = auditAppOptions(
    loadAuditConfig({
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: `roomkey.audit.bench.${Date.now()}`,
      // The cost of logging itself: no wait at rest for the rest of a request's records.
      AUDIT_GROUP_WAIT_MS: '0',
      AUDIT_CHAIN_KEYRING: `bench:${randomBytes(32).toString('base64')}`,
      AUDIT_CHECKPOINT_SIGNING_KEY: `bench:${randomBytes(32).toString('base64')}`,
      WEBHOOK_KEYRING: `bench:${randomBytes(32).toString('base64')}`,
    }),
  );
  const app = await createApp(options);
  await app.init();
  const log = app.get(EventLogService);
  let offset = 0;
  const appendOne = () => {
    const requestId = randomUUID();
    return log.append(
      {
        eventId: randomUUID(),
        type: 'access.requested',
        occurredAt: new Date().toISOString(),
        correlationId: requestId,
        causationId: null,
        producer: 'bench',
        payload: { requestId, channel: 'kiosk', doorId: randomUUID(), qr: 'RK1.R.x' },
      },
      {
        topic: ACCESS_REQUESTED_V1,
        partition: 0,
        offset: String(offset++),
        key: requestId,
        timestamp: String(Date.now()),
      },
    );
  };
  const measure = async (atOnce: number) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let done = 0; done < RECORDS; done += atOnce) {
      await Promise.all(Array.from({ length: atOnce }, appendOne));
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      atOnce,
      recordsPerSecond: Math.round(RECORDS / seconds),
      cpuMsPerRecord: Number(((used.user + used.system) / 1000 / RECORDS).toFixed(2)),
    };
  };
  try {
    await measure(8); // warm-up
    const results = [];
    for (const atOnce of [1, 8, 32]) results.push(await measure(atOnce));
    console.log(`audit log, ${RECORDS} records each:`);
    for (const r of results) {
      console.log(
        `  ${String(r.atOnce).padStart(2)} at a time: ${r.recordsPerSecond} records/s, ${r.cpuMsPerRecord} ms of app CPU per record`,
      );
    }
  } finally {
    await app.close();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
