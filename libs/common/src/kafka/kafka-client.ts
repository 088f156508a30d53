import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { Logger } from '@nestjs/common';
import type { KafkaConfig } from './kafka.tokens';

const logger = new Logger('kafkajs');

/** kafkajs logs routed through Nest's logger, at warn and above. */
const logCreator = () => (entry: LogEntry) => {
  const { message, ...rest } = entry.log;
  const line = `${message} ${JSON.stringify({ broker: rest.broker, groupId: rest.groupId, error: rest.error })}`;
  if (entry.level <= logLevel.ERROR) logger.error(line);
  else logger.warn(line);
};

export function kafkaClient(config: KafkaConfig, suffix = ''): Kafka {
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}${suffix}`,
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}
