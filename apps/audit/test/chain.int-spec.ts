import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_REQUESTED_V1 } from '@roomkey/contracts';
import { auditAppOptions } from '../src/app';
import { loadAuditConfig } from '../src/config';
import { verifyChain } from '../src/verify';
import { startTestApp, unique } from '../../../test/support/apps';
import { EventLogService } from '../src/services/event-log.service';
import { freshDatabase, query } from '../../../test/support/postgres';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

/** `npm run audit:verify` against a database: its exit code and what it printed. */
async function auditVerify(databaseUrl: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run('npx', ['tsx', 'scripts/audit-verify.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

describe('the hash-chained audit log', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let audit: { app: INestApplication };
  const ids: string[] = [];

  beforeAll(async () => {
    db = await freshDatabase('roomkey_audit');
    // The app without its consumer: records are appended as the consumer would append them.
    const { consumer: _consumer, ...options } = auditAppOptions(
      loadAuditConfig({ DATABASE_URL: db.url, KAFKA_GROUP_ID: unique('roomkey.audit.chain') }),
    );
    audit = await startTestApp(options);
    const log = audit.app.get(EventLogService);
    for (let i = 0; i < 6; i++) {
      const requestId = randomUUID();
      const event = {
        eventId: randomUUID(),
        type: 'access.requested',
        occurredAt: new Date().toISOString(),
        correlationId: requestId,
        causationId: null,
        producer: 'integration-test',
        payload: { requestId, channel: 'mobile', qr: `RK1.R.${i}`, nested: { b: 1, a: [i] } },
      };
      const meta = {
        topic: ACCESS_REQUESTED_V1,
        partition: 0,
        offset: String(1000 + i),
        key: requestId,
        timestamp: String(Date.now()),
      };
      await log.append(event, meta);
      // A redelivered record adds no row and leaves the chain whole.
      if (i === 2) await log.append(event, meta);
    }
    ids.push(
      ...(await query<{ id: string }>(db.url, 'select id::text from event_log order by id')).map(
        (r) => r.id,
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await audit?.app.close();
    await db?.drop();
  });

  it('holds: every row follows from the one before; the command says so', async () => {
    expect(ids).toHaveLength(6);
    expect(await verifyChain(db.url)).toEqual({ rows: 6 });
    const cli = await auditVerify(db.url);
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.out).toContain('6 chained rows verified');
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    await expect(query(db.url, 'update event_log set type = $1', ['x'])).rejects.toThrow(
      'append-only',
    );
    await expect(query(db.url, 'delete from event_log')).rejects.toThrow('append-only');
  });

  it('names an edited row, and a row after a deleted one', async () => {
    // Someone with the power to switch the trigger off edits the fourth row's payload.
    const asOwner = async (sql: string, params: unknown[] = []) => {
      await query(
        db.url,
        `do $$ begin
           alter table event_log disable trigger event_log_append_only;
         end $$`,
      );
      await query(db.url, sql, params);
      await query(db.url, 'alter table event_log enable trigger event_log_append_only');
    };
    const [original] = await query<{ payload: unknown }>(
      db.url,
      'select payload from event_log where id = $1',
      [ids[3]],
    );
    await asOwner(
      `update event_log set payload = jsonb_set(payload, '{qr}', '"edited"') where id = $1`,
      [ids[3]],
    );
    expect(await verifyChain(db.url)).toMatchObject({ broken: { id: ids[3], problem: 'edited' } });
    const cli = await auditVerify(db.url);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`row ${ids[3]}`);

    await asOwner('update event_log set payload = $2 where id = $1', [ids[3], original!.payload]);
    expect(await verifyChain(db.url)).toEqual({ rows: 6 });

    await asOwner('delete from event_log where id = $1', [ids[1]]);
    expect(await verifyChain(db.url)).toMatchObject({
      broken: { id: ids[2], problem: 'missing-before' },
    });
  });
});
