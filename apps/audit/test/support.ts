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

/** The audit app on a database of its own, with auth and a gateway in front, signed in as admin. */
export async function startAuditUnderTest(
  env: Record<string, string> = {},
): Promise<AuditUnderTest> {
  const db = await freshDatabase('roomkey_audit');
  const auth = await startAuth();
  const { consumer: _consumer, ...options } = auditAppOptions(
    loadAuditConfig({
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: unique('roomkey.audit.it'),
      JWKS_URL: auth.jwksUrl,
      ...env,
    }),
  );
  const audit = await startTestApp(options);
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
      const eventId = randomUUID();
      await audit.app.get(EventLogService).append(
        {
          eventId,
          type: topic.replace(/\.v\d+$/, ''),
          occurredAt: (opts.at ?? new Date()).toISOString(),
          correlationId: opts.correlationId ?? randomUUID(),
          causationId: null,
          producer: 'integration-test',
          payload,
        },
        { topic, partition: 0, offset: String(offset++), key: null, timestamp: String(Date.now()) },
      );
      return eventId;
    },
    async stop() {
      await gw?.app.close();
      await audit?.app.close();
      await auth?.stop();
      await db?.drop();
    },
  };
}
