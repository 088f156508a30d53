import { readFileSync } from 'node:fs';
import { Kafka, KafkaConfig as KafkaJsConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { Logger } from '@nestjs/common';
import type { KafkaConfig } from './kafka.tokens';
// kafkajs's request queue without its idle timer loop, for every client of the process.
import './request-queue-timer';
// kafkajs's consumers commit at their interval, not after every batch.
import './commit-interval';
// kafkajs's consumers fetch in incremental fetch sessions.
import './fetch-sessions';

const logger = new Logger('kafkajs');

/** kafkajs logs routed through Nest's logger, at warn and above. */
const logCreator = () => (entry: LogEntry) => {
  const { message, ...rest } = entry.log;
  const line = `${message} ${JSON.stringify({ broker: rest.broker, groupId: rest.groupId, error: rest.error })}`;
  if (entry.level <= logLevel.ERROR) logger.error(line);
  else logger.warn(line);
};

/** The settings that say how to reach the broker and who the client is. */
export type KafkaSecurity = Pick<
  KafkaConfig,
  | 'KAFKA_BROKERS'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_USERNAME'
  | 'KAFKA_PASSWORD'
  | 'KAFKA_TLS'
  | 'KAFKA_TLS_CA'
  | 'KAFKA_TLS_CERT'
  | 'KAFKA_TLS_KEY'
>;

/**
 * The brokers, TLS and SASL options of a client, for kafkajs. A mechanism without a password is
 * refused here, at the start of the app, rather than by the broker later.
 */
export function kafkaConnection(c: KafkaSecurity): Pick<KafkaJsConfig, 'brokers' | 'ssl' | 'sasl'> {
  const ssl: KafkaJsConfig['ssl'] = c.KAFKA_TLS
    ? {
        ...(c.KAFKA_TLS_CA ? { ca: [readFileSync(c.KAFKA_TLS_CA, 'utf8')] } : {}),
        ...(c.KAFKA_TLS_CERT ? { cert: readFileSync(c.KAFKA_TLS_CERT, 'utf8') } : {}),
        ...(c.KAFKA_TLS_KEY ? { key: readFileSync(c.KAFKA_TLS_KEY, 'utf8') } : {}),
      }
    : undefined;
  if (c.KAFKA_SASL_MECHANISM === 'none') return { brokers: c.KAFKA_BROKERS, ssl };
  if (!c.KAFKA_PASSWORD) {
    throw new Error(
      `KAFKA_PASSWORD is required for ${c.KAFKA_USERNAME} (or KAFKA_SASL_MECHANISM=none for a broker that authenticates nobody)`,
    );
  }
  const login = { username: c.KAFKA_USERNAME, password: c.KAFKA_PASSWORD };
  const sasl: SASLOptions =
    c.KAFKA_SASL_MECHANISM === 'plain'
      ? { mechanism: 'plain', ...login }
      : c.KAFKA_SASL_MECHANISM === 'scram-sha-256'
        ? { mechanism: 'scram-sha-256', ...login }
        : { mechanism: 'scram-sha-512', ...login };
  return { brokers: c.KAFKA_BROKERS, ssl, sasl };
}

export function kafkaClient(config: KafkaConfig, suffix = ''): Kafka {
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}${suffix}`,
    ...kafkaConnection(config),
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}

/**
 * A consumer's session, and how often it heartbeats and an idle fetch returns: a sixth of it, so
 * a member may miss five heartbeats before its group drops it, and kafkajs, which heartbeats
 * between fetches, is never silent for long. A stopping consumer waits for its fetch in flight.
 */
export function consumerTimings(config: KafkaConfig) {
  const beat = Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 6);
  return {
    sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: beat,
    maxWaitTimeInMs: beat,
  };
}
