import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { APP_NAMES } from '@roomkey/contracts';
import {
  credentialsFile,
  KAFKA_ADMIN_USER,
  MONGO_ADMIN_USER,
  MONGO_APPS,
  MQTT_ADMIN_USER,
  POSTGRES_DATABASES,
  StackCredentials,
  stackCredentials,
  StackSettings,
} from '@roomkey/common/config/stack';

const secret = () => randomBytes(24).toString('base64url');

/** The Kafka principals of the local stack: its own, and one per app. */
export const KAFKA_USERS = [KAFKA_ADMIN_USER, ...APP_NAMES.map((a) => `roomkey-${a}`)];

/** The MQTT clients the stack makes: its own, and the access app's (the one app on MQTT). */
export const MQTT_USERS = [MQTT_ADMIN_USER, 'roomkey-access'];

/** The MongoDB API's users: the stack's own, and one per app that keeps its data there. */
export const MONGO_USERS = [MONGO_ADMIN_USER, ...MONGO_APPS.map((a) => `roomkey-${a}`)];

/**
 * The stack's credentials, made once at random and kept in its folder (mode 600); a principal
 * added later gets its password the next time the stack comes up.
 */
export function ensureCredentials(s: StackSettings): StackCredentials {
  const have = stackCredentials(s) ?? { kafka: {} };
  have.postgres ??= {};
  have.mqtt ??= {};
  have.mongo ??= {};
  let changed = false;
  const ensure = (store: Record<string, string>, name: string, made: () => string) => {
    if (!store[name]) {
      store[name] = made();
      changed = true;
    }
  };
  for (const user of KAFKA_USERS) ensure(have.kafka, user, secret);
  for (const role of POSTGRES_DATABASES) ensure(have.postgres, role, secret);
  for (const user of MQTT_USERS) ensure(have.mqtt, user, secret);
  for (const user of MONGO_USERS) ensure(have.mongo, user, secret);
  // A cluster made before the stack kept passwords keeps the one it was made with.
  const made = existsSync(path.join(s.dir, 'postgres', 'data', 'PG_VERSION'));
  ensure(have.postgres, s.postgres.user, () =>
    made ? (process.env.ROOMKEY_PG_PASSWORD ?? 'roomkey') : secret(),
  );
  if (changed) {
    mkdirSync(path.dirname(credentialsFile(s)), { recursive: true });
    writeFileSync(credentialsFile(s), `${JSON.stringify(have, null, 2)}\n`, { mode: 0o600 });
  }
  return have;
}
