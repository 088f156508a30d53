import { AppOptions, kafkaConsumerOptions } from '@roomkey/common';
import { loadQrConfig, QrConfig } from './config';
import { QrModule } from './qr.module';
import { qrOpenApi } from './http/routes';

/** Everything needed to build the qr app; main.ts runs it, tests build it in-process. */
export function qrAppOptions(config: QrConfig = loadQrConfig()): AppOptions {
  return {
    name: 'qr',
    module: QrModule.forConfig(config),
    config,
    openApi: qrOpenApi,
    // A live flow: a new deployment answers requests from now on; older ones have timed out.
    consumer: kafkaConsumerOptions(config, { fromBeginning: false }),
  };
}
