import {
  ACCESS_REQUESTED_V1,
  AUTH_EVENTS_V1,
  FACE_CHECKED_V1,
  QR_CHECKED_V1,
} from '@roomkey/contracts';
import { accessAppOptions } from '../../apps/access/src/app';
import { loadAccessConfig } from '../../apps/access/src/config';
import { startTestApp, testKeyring, unique } from './apps';
import type { StartedAuth } from './auth';
import { groupAtEnd } from './kafka';
import { forgetLockClients } from './locks';
import { freshDatabase } from './postgres';

/**
 * The access app trusting `auth`'s keys, on a fresh database unless given one. With the same
 * database and group id it is the same app started again (after a crash, say).
 */
export async function startAccess(
  auth: StartedAuth,
  opts: { databaseUrl?: string; groupId?: string; env?: Record<string, string> } = {},
) {
  const db = opts.databaseUrl ? undefined : await freshDatabase('roomkey_access');
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const groupId = opts.groupId ?? unique('roomkey.access.it');
  const lockKeyring = opts.env?.LOCK_KEYRING ?? testKeyring();
  if (!opts.groupId) {
    await groupAtEnd(groupId, [
      ACCESS_REQUESTED_V1,
      QR_CHECKED_V1,
      FACE_CHECKED_V1,
      AUTH_EVENTS_V1,
    ]);
  }
  const started = await startTestApp(
    accessAppOptions(
      loadAccessConfig({
        DATABASE_URL: databaseUrl,
        KAFKA_GROUP_ID: groupId,
        JWKS_URL: auth.jwksUrl,
        LOCK_KEYRING: lockKeyring,
        LOG_LEVEL: 'warn',
        ...opts.env,
      }),
    ),
  );
  return {
    ...started,
    databaseUrl,
    groupId,
    lockKeyring,
    stop: async () => {
      await started.app.close();
      if (db) await forgetLockClients(db.url);
      await db?.drop();
    },
  };
}
export type StartedAccess = Awaited<ReturnType<typeof startAccess>>;
