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

/**
 * Options for the app's Kafka consumer (Nest's Kafka transport). Values stay binary so the
 * EventRunner sees exactly what was on the wire; client and group ids are used as configured
 * (no `-server` suffix); offsets are committed by kafkajs after each handler returns.
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
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
      },
      parser: { keepBinary: true },
      producerOnlyMode: false,
    },
  };
}
