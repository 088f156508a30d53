import { randomUUID } from 'node:crypto';
import { AppOptions, kafkaConsumerOptions } from '@roomkey/common';
import { GatewayConfig, loadGatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { publicOpenApi } from './openapi/document';

export function gatewayAppOptions(config: GatewayConfig = loadGatewayConfig()): AppOptions {
  return {
    name: 'gateway',
    module: GatewayModule.forConfig(config),
    config,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    // Every instance hears every decision (whichever holds the client answers it), so each
    // start has a group of its own, even beside replicas with one configuration. Decisions
    // matter only from now on: a new instance has no client waiting on older ones.
    consumer: kafkaConsumerOptions(config, {
      groupId: `${config.KAFKA_GROUP_ID}.decisions.${randomUUID()}`,
      fromBeginning: false,
    }),
    openApi: publicOpenApi,
  };
}
