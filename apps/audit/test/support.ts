import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { auditAppOptions } from '../src/app';
import { loadAuditConfig } from '../src/config';
import { EventLogService } from '../src/services/event-log.service';
import { startTestApp, unique } from '../../../test/support/apps';
import {
  ADMIN,
  AppHandle,
  login,
  startAuth,
  startGatewayFor,
  StartedAuth,
} from '../../../test/support/auth';
import { freshDatabase } from '../../../test/support/postgres';

export interface AuditUnderTest {
  db: Awaited<ReturnType<typeof freshDatabase>>;
  auth: StartedAuth;
  audit: { app: INestApplication; url: string };
  gw: AppHandle;
  admin: string;
  /**
   * Logs an event as the consumer would (the app runs without its consumer, so nothing else
   * reaches the log); returns its eventId.
   */
  log(
    topic: string,
    payload: Record<string, unknown>,
    opts?: { at?: Date; correlationId?: string },
  ): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A record as the consumer hands it to the log: an envelope of the topic's type and where it
 * was read.
 */
export function consumedRecord(
  topic: string,
  payload: Record<string, unknown>,
  where: {
    partition?: number;
    offset: number;
    correlationId?: string;
    at?: Date;
    key?: string | null;
  },
) {
  const correlationId = where.correlationId ?? randomUUID();
  return {
    event: {
      eventId: randomUUID(),
      type: topic.replace(/\.v\d+$/, ''),
      occurredAt: (where.at ?? new Date()).toISOString(),
      correlationId,
      causationId: null,
      producer: 'integration-test',
      payload,
    },
    meta: {
      topic,
      partition: where.partition ?? 0,
      offset: String(where.offset),
      key: where.key === undefined ? correlationId : where.key,
      timestamp: String(Date.now()),
    },
  };
}

/**
 * The audit app on a database of its own, without its consumer: nothing reaches the log but
 * what a test appends through `EventLogService`, as the consumer would.
 */
export async function startAuditApp(env: Record<string, string> = {}) {
  const db = await freshDatabase('roomkey_audit');
  const { consumer: _consumer, ...options } = auditAppOptions(
    loadAuditConfig({ DATABASE_URL: db.url, KAFKA_GROUP_ID: unique('roomkey.audit.it'), ...env }),
  );
  const audit = await startTestApp(options);
  return {
    db,
    audit,
    log: audit.app.get(EventLogService),
    async stop() {
      await audit.app.close();
      await db.drop();
    },
  };
}

export type AuditApp = Awaited<ReturnType<typeof startAuditApp>>;

/** The audit app on a database of its own, with auth and a gateway in front, signed in as admin. */
export async function startAuditUnderTest(
  env: Record<string, string> = {},
): Promise<AuditUnderTest> {
  const auth = await startAuth();
  const app = await startAuditApp({ JWKS_URL: auth.jwksUrl, ...env });
  const { db, audit } = app;
  const gw = await startGatewayFor(auth, { AUDIT_URL: audit.url });
  const admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
  let offset = 0;
  return {
    db,
    auth,
    audit,
    gw,
    admin,
    async log(topic, payload, opts = {}) {
      const { event, meta } = consumedRecord(topic, payload, {
        offset: offset++,
        key: null,
        ...opts,
      });
      await app.log.append(event, meta);
      return event.eventId;
    },
    async stop() {
      await gw?.app.close();
      await app.stop();
      await auth?.stop();
    },
  };
}
