import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  ACCESS_REQUESTED_V1,
  AccessRequestedV1,
  DeadLetterV1,
  dlqTopicName,
} from '@roomkey/contracts';
import { auditAppOptions } from '../src/app';
import { loadAuditConfig } from '../src/config';
import { LOGGED_TOPICS } from '../src/consumers/event-log.consumer';
import { TEST_AUDIT_KEYS } from './support';
import { EventLogService } from '../src/services/event-log.service';
import { eventually, startTestApp, unique } from '../../../test/support/apps';
import { findRecord, groupAtEnd, produceRaw } from '../../../test/support/kafka';
import { freshDatabase, query } from '../../../test/support/postgres';

const goodEvent = (requestId: string): AccessRequestedV1 => ({
  eventId: randomUUID(),
  type: 'access.requested',
  occurredAt: new Date().toISOString(),
  correlationId: requestId,
  causationId: null,
  producer: 'integration-test',
  payload: {
    requestId,
    at: new Date().toISOString(),
    channel: 'kiosk',
    mode: 'pass',
    qr: 'RK1.pass',
  },
});

describe('a poison message on a real topic', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let audit: { app: INestApplication; url: string };
  const group = unique('roomkey.audit.it');

  beforeAll(async () => {
    db = await freshDatabase('roomkey_audit');
    // From the topics' ends: the test waits for its own records only.
    await groupAtEnd(group, LOGGED_TOPICS);
    audit = await startTestApp(
      auditAppOptions(
        loadAuditConfig({
          DATABASE_URL: db.url,
          KAFKA_GROUP_ID: group,
          LOG_LEVEL: 'fatal',
          ...TEST_AUDIT_KEYS,
        }),
      ),
    );
  });

  afterAll(async () => {
    await audit?.app.close();
    await db?.drop();
  });

  it('lands in <topic>.dlq with the error, and the next good message on the partition is still processed', async () => {
    // One key for all three: the same partition, in this order.
    const key = randomUUID();
    const notJson = await produceRaw(ACCESS_REQUESTED_V1, key, 'this is not JSON');
    const wrongShape = await produceRaw(
      ACCESS_REQUESTED_V1,
      key,
      JSON.stringify({ eventId: 'x', type: 'access.requested' }),
    );
    const good = goodEvent(randomUUID());
    const goodAt = await produceRaw(ACCESS_REQUESTED_V1, key, JSON.stringify(good));
    expect(new Set([notJson.partition, wrongShape.partition, goodAt.partition]).size).toBe(1);

    await eventually(
      async () => {
        const rows = await query(db.url, 'select 1 from event_log where event_id = $1', [
          good.eventId,
        ]);
        return rows.length === 1 ? rows : undefined;
      },
      30000,
      'the good message after the poison ones',
    );

    const letters = [];
    for (const poison of [notJson, wrongShape]) {
      const record = await findRecord(dlqTopicName(ACCESS_REQUESTED_V1), (m) => {
        const letter = DeadLetterV1.safeParse(JSON.parse(m.value?.toString() ?? 'null'));
        return (
          letter.success &&
          letter.data.payload.offset === poison.offset &&
          letter.data.payload.partition === poison.partition
        );
      });
      expect(record).toBeDefined();
      letters.push(DeadLetterV1.parse(JSON.parse(record!.value!.toString())).payload);
    }
    expect(letters[0]).toMatchObject({
      sourceTopic: ACCESS_REQUESTED_V1,
      key,
      consumer: group,
      attempts: 1,
      error: 'record value is not JSON',
    });
    expect(Buffer.from(letters[0].value!, 'base64').toString()).toBe('this is not JSON');
    expect(letters[1].error).toMatch(/^record does not match its contract: eventId: /);

    // Dead letters are events too: the log records them from the DLQ topic.
    await eventually(
      async () => {
        const rows = await query(
          db.url,
          'select 1 from event_log where topic = $1 and correlation_id = $2',
          [dlqTopicName(ACCESS_REQUESTED_V1), key],
        );
        return rows.length === 2 ? rows : undefined;
      },
      30000,
      'the logged dead letters',
    );
  });

  it('keeps exactly one row per record when a record is delivered again', async () => {
    const event = goodEvent(randomUUID());
    const meta = {
      topic: ACCESS_REQUESTED_V1,
      partition: 0,
      offset: '999999999',
      key: event.correlationId,
      timestamp: '0',
    };
    const log = audit.app.get(EventLogService);
    await log.append(event, meta);
    await log.append(event, meta);
    await log.append({ ...event }, { ...meta, offset: '1000000000' });
    const rows = await query(db.url, 'select 1 from event_log where event_id = $1', [
      event.eventId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('logs a poison record on a dead-letter topic, once, and goes on with the partition', async () => {
    const dlq = dlqTopicName(ACCESS_REQUESTED_V1);
    const key = randomUUID();
    const poison = await produceRaw(dlq, key, 'a dead letter that is not JSON');
    const letter = DeadLetterV1.parse({
      eventId: randomUUID(),
      type: 'dead-letter',
      occurredAt: new Date().toISOString(),
      correlationId: key,
      causationId: null,
      producer: 'integration-test',
      payload: {
        sourceTopic: ACCESS_REQUESTED_V1,
        partition: 0,
        offset: '1',
        key,
        value: null,
        error: 'record value is not JSON',
        consumer: 'someone',
        attempts: 1,
      },
    });
    const after = await produceRaw(dlq, key, JSON.stringify(letter));
    expect(after.partition).toBe(poison.partition);
    const rows = await eventually(
      async () => {
        const r = await query<{ type: string; offset: string; payload: unknown; hash: string }>(
          db.url,
          `select type, "offset", payload, hash from event_log
           where topic = $1 and correlation_id = $2 order by id`,
          [dlq, key],
        );
        return r.length === 2 ? r : undefined;
      },
      30000,
      'the poison dead letter and the one after it',
    );
    expect(rows[0]).toMatchObject({
      type: 'unreadable-record',
      offset: poison.offset,
      payload: { error: 'record value is not JSON' },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(rows[1]).toMatchObject({ type: 'dead-letter', offset: after.offset });
    // Nothing of the poison's bytes is kept, and there is no dead letter of a dead letter.
    expect(JSON.stringify(rows[0]!.payload)).not.toContain('a dead letter that is not JSON');
  });
});
