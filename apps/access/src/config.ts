import { z } from 'zod';
import {
  devKeysEnv,
  httpEnv,
  kafkaEnv,
  keyringEnv,
  mqttEnv,
  parseConfig,
  postgresEnv,
  tokenEnv,
} from '@roomkey/common';

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const AccessConfigSchema = z.object({
  ...httpEnv(3004),
  ...kafkaEnv('access'),
  ...postgresEnv('roomkey_access'),
  ...mqttEnv('access'),
  ...tokenEnv(),
  ...devKeysEnv(),
  /** A request without every answer this long after it was made is denied with `timeout`. */
  ACCESS_DEADLINE_MS: int(500, 120_000, 5000),
  /** AES-256-GCM keys sealing the locks' secrets. Required in production. */
  LOCK_KEYRING: keyringEnv().optional(),
  /** How long a lock stays unlocked on a grant. */
  UNLOCK_SECONDS: int(1, 60, 5),
  /**
   * An unlock command is good for this long after the grant: a lock refuses it later, and one
   * that could not be sent by then (the MQTT broker unreachable) is a `command-timeout` and is
   * never sent.
   */
  LOCK_COMMAND_TTL_MS: int(1000, 120_000, 10_000),
  /**
   * No acknowledgement within this of being sent: a `command-timeout` lock event, the door did
   * not confirm, and the command is not sent again after a reconnect.
   */
  LOCK_ACK_TIMEOUT_MS: int(200, 60_000, 3000),
  /**
   * This many refused state reports of one lock (not signed, or replayed) within
   * LOCK_REPORT_ALERT_WINDOW_S make a `reports-refused` lock event, which raises an alert.
   */
  LOCK_REPORT_ALERT_COUNT: int(1, 1000, 5),
  LOCK_REPORT_ALERT_WINDOW_S: int(1, 86_400, 60),
  /**
   * How often the outbox relay and the unlock sender look for work left over (after a failed
   * publish, an outage or a restart): what a statement adds is sent as soon as it commits. The
   * deadline and acknowledgement sweeps run at the next deadline they know of, and this often
   * for deadlines made meanwhile by another instance.
   */
  ACCESS_RESCAN_MS: int(20, 60_000, 1000),
  /**
   * Decided requests and settled unlock commands are deleted after this; the audit log keeps
   * the lasting record.
   */
  ACCESS_RETENTION_DAYS: int(1, 3650, 35),
  /** Events are deleted from the outbox this long after they were sent (they are on Kafka). */
  OUTBOX_RETENTION_HOURS: int(1, 8760, 24),
  /** How often the retention sweep runs. */
  SWEEP_INTERVAL_S: int(1, 86_400, 3600),
});
export type AccessConfig = z.infer<typeof AccessConfigSchema>;

export const ACCESS_CONFIG = Symbol('ACCESS_CONFIG');
export const LOCK_KEYRING = Symbol('LOCK_KEYRING');

export const loadAccessConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('access', AccessConfigSchema, env);
