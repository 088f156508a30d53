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
    // Decisions matter only from now on: a new instance has no client waiting on older ones.
    consumer: kafkaConsumerOptions(config, { fromBeginning: false }),
    openApi: publicOpenApi,
  };
}
