import { AppOptions, kafkaConsumerOptions } from '@roomkey/common';
import { AccessConfig, loadAccessConfig } from './config';
import { AccessModule } from './access.module';
import { accessOpenApi } from './http/routes';

/** Everything needed to build the access app; main.ts runs it, tests build it in-process. */
export function accessAppOptions(config: AccessConfig = loadAccessConfig()): AppOptions {
  return {
    name: 'access',
    module: AccessModule.forConfig(config),
    config,
    openApi: accessOpenApi,
    consumer: kafkaConsumerOptions(config, {
      // A live flow: a new deployment decides requests made from now on.
      fromBeginning: false,
      partitionsConsumedConcurrently: 3,
    }),
  };
}
