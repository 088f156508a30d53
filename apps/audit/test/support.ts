import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { Keyring } from '@roomkey/common';
import { chainKeys } from '../src/adapters/chain-keys';
import { auditAppOptions } from '../src/app';
import { loadAuditConfig } from '../src/config';
import { EventLogService } from '../src/services/event-log.service';
import { verifyChain } from '../src/verify';
import { startTestApp, testKeyring, unique } from '../../../test/support/apps';
import {
  ADMIN,
  AppHandle,
  login,
  startAuth,
  startGatewayFor,
  StartedAuth,
} from '../../../test/support/auth';
import { groupAtEnd } from '../../../test/support/kafka';
import { freshDatabase } from '../../../test/support/postgres';
import { LOGGED_TOPICS } from '../src/consumers/event-log.consumer';

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
 * The audit app's keys for a test file: random per run, as a deployment's would be. The chain
 * keyring, the checkpoint signing key and the webhook secrets' keyring are each 32 random bytes
 * under an id.
 */
export const TEST_AUDIT_KEYS = {
  AUDIT_CHAIN_KEYRING: testKeyring(),
  AUDIT_CHECKPOINT_SIGNING_KEY: testKeyring(),
  WEBHOOK_KEYRING: testKeyring(),
};

/** The chain keys of a keyring, as the app and `audit:verify` make them. */
export const chainKeysOf = (spec = TEST_AUDIT_KEYS.AUDIT_CHAIN_KEYRING) =>
  chainKeys(new Keyring(spec));

/** The log's chain checked under the test keys (without checkpoints). */
export const verifyLog = (databaseUrl: string, spec?: string) =>
  verifyChain(databaseUrl, { keys: chainKeysOf(spec) });

const ROOT = path.resolve(__dirname, '../../..');

/**
 * `roomkey audit verify` (what `npm run audit:verify` runs) against a database, with the test keys unless `env` says otherwise:
 * its exit code and everything it printed.
 */
export async function auditVerify(
  databaseUrl: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['clients/cli/bin/roomkey.js', 'audit', 'verify', ...args],
      { cwd: ROOT, env: { ...process.env, ...TEST_AUDIT_KEYS, DATABASE_URL: databaseUrl, ...env } },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/**
 * The audit app on a database of its own (or the one given, which it then leaves), without its
 * consumer: nothing reaches the log but what a test appends through `EventLogService`, as the
 * consumer would.
 */
export async function startAuditApp(
  env: Record<string, string> = {},
  existing?: Awaited<ReturnType<typeof freshDatabase>>,
  opts: { consume?: boolean } = {},
) {
  const db = existing ?? (await freshDatabase('roomkey_audit'));
  const group = unique('roomkey.audit.it');
  // Consuming, it starts at the topics' ends: a test is about its own records.
  if (opts.consume) await groupAtEnd(group, LOGGED_TOPICS);
  const { consumer, ...options } = auditAppOptions(
    loadAuditConfig({
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: group,
      ...TEST_AUDIT_KEYS,
      ...env,
    }),
  );
  const audit = await startTestApp(opts.consume ? { ...options, consumer } : options);
  return {
    db,
    audit,
    log: audit.app.get(EventLogService),
    async stop() {
      await audit.app.close();
      if (!existing) await db.drop();
    },
  };
}

export type AuditApp = Awaited<ReturnType<typeof startAuditApp>>;

/**
 * The audit app on a database of its own, with auth and a gateway in front, signed in as admin;
 * `consume` runs its consumer too (from the topics' ends).
 */
export async function startAuditUnderTest(
  env: Record<string, string> = {},
  opts: { consume?: boolean } = {},
): Promise<AuditUnderTest> {
  const auth = await startAuth();
  const app = await startAuditApp({ JWKS_URL: auth.jwksUrl, ...env }, undefined, opts);
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
