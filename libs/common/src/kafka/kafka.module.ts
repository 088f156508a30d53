import { DynamicModule, Global, Module } from '@nestjs/common';
import { KafkaOptions, Transport } from '@nestjs/microservices';
import { TerminusModule } from '@nestjs/terminus';
import type { KafkaConfig } from '../config/fragments';
import { EventPublisher } from './event-publisher';
import { EventRunner } from './event-runner';
import { consumerTimings, kafkaConnection } from './kafka-client';
import { KafkaHealthIndicator } from './kafka.health';
import { KAFKA_APP_NAME, KAFKA_CONFIG } from './kafka.tokens';

/** Kafka for one app: the publisher, the consumer runner and the health check. */
@Global()
@Module({})
export class KafkaModule {
  static forApp(app: string, config: KafkaConfig): DynamicModule {
    return {
      module: KafkaModule,
      imports: [TerminusModule],
      providers: [
        { provide: KAFKA_CONFIG, useValue: config },
        { provide: KAFKA_APP_NAME, useValue: app },
        EventPublisher,
        EventRunner,
        KafkaHealthIndicator,
      ],
      exports: [EventPublisher, EventRunner, KafkaHealthIndicator, KAFKA_CONFIG, KAFKA_APP_NAME],
    };
  }
}

/** How often a work consumer commits the offsets it has handled. */
export const COMMIT_INTERVAL_MS = 1000;

/**
 * Options for the app's Kafka consumer (Nest's Kafka transport). Values stay binary so the
 * EventRunner sees exactly what was on the wire; client and group ids are used as configured
 * (no `-server` suffix). kafkajs commits the offsets of handled records at most once per
 * `COMMIT_INTERVAL_MS`, and at once when the group rebalances or the consumer stops
 * (`commit-interval.ts`, ADR 031): after a crash, up to that much is handled again, which every
 * handler allows for (each record is handled at least once).
 */
export function kafkaConsumerOptions(
  config: KafkaConfig,
  opts: { groupId?: string; fromBeginning?: boolean; partitionsConsumedConcurrently?: number } = {},
): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: {
        clientId: `${config.KAFKA_CLIENT_ID}-consumer`,
        ...kafkaConnection(config),
        connectionTimeout: 3000,
        retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10000 },
      },
      consumer: {
        groupId: opts.groupId ?? config.KAFKA_GROUP_ID,
        allowAutoTopicCreation: false,
        ...consumerTimings(config),
        retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10000 },
      },
      subscribe: { fromBeginning: opts.fromBeginning ?? true },
      run: {
        autoCommit: true,
        autoCommitInterval: COMMIT_INTERVAL_MS,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
      },
      parser: { keepBinary: true },
      producerOnlyMode: false,
    },
  };
}
