import { AppOptions, kafkaConsumerOptions } from '@roomkey/common';
import { FaceConfig, loadFaceConfig } from './config';
import { FaceModule } from './face.module';
import { faceOpenApi } from './http/routes';

/** Everything needed to build the face app; main.ts runs it, tests build it in-process. */
export function faceAppOptions(config: FaceConfig = loadFaceConfig()): AppOptions {
  return {
    name: 'face',
    module: FaceModule.forConfig(config),
    config,
    openApi: faceOpenApi,
    // Enrolment limits count per client address, which the gateway passes on.
    trustProxy: config.TRUST_PROXY,
    consumer: kafkaConsumerOptions(config, {
      // A live flow: a new deployment starts with requests made from now on.
      fromBeginning: false,
      // Captures, QR answers and account events move side by side.
      partitionsConsumedConcurrently: 3,
    }),
  };
}
