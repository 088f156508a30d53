import { ACCESS_REQUESTED_V1 } from '@roomkey/contracts';
import { qrAppOptions } from '../../apps/qr/src/app';
import { loadQrConfig } from '../../apps/qr/src/config';
import { startTestApp, testKeyring, unique } from './apps';
import type { StartedAuth } from './auth';
import { freshMongo } from './auth';
import { groupAtEnd } from './kafka';

/** Seals the door secrets and pass keys of test qr apps (random per run). */
const TEST_KEYRING = testKeyring();

/**
 * The qr app trusting `auth`'s keys, on a fresh database unless given one (two instances on
 * one database behave like two replicas). It answers access requests made from now on.
 */
export async function startQr(
  auth: StartedAuth,
  opts: { mongoUrl?: string; groupId?: string; env?: Record<string, string> } = {},
) {
  const mongo = opts.mongoUrl ? undefined : freshMongo('roomkey_qr');
  const groupId = opts.groupId ?? unique('roomkey.qr.it');
  if (!opts.groupId) await groupAtEnd(groupId, ACCESS_REQUESTED_V1);
  const mongoUrl = opts.mongoUrl ?? mongo!.url;
  const started = await startTestApp(
    qrAppOptions(
      loadQrConfig({
        MONGO_URL: mongoUrl,
        KAFKA_GROUP_ID: groupId,
        JWKS_URL: auth.jwksUrl,
        QR_KEYRING: TEST_KEYRING,
        LOG_LEVEL: 'warn',
        ...opts.env,
      }),
    ),
  );
  return {
    ...started,
    mongoUrl,
    groupId,
    stop: async () => {
      await started.app.close();
      await mongo?.drop();
    },
  };
}
export type StartedQr = Awaited<ReturnType<typeof startQr>>;
