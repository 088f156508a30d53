import { DynamicModule, Module } from '@nestjs/common';
import {
  HealthModule,
  MongoKafkaReadiness,
  KafkaModule,
  loggingModule,
  mongoModule,
  tokenAuthProviders,
} from '@roomkey/common';
import { QrConfig } from './config';

/** The qr app: owns room QR secrets, personal and visitor passes and the used-pass ledger. */
@Module({})
export class QrModule {
  static forConfig(config: QrConfig): DynamicModule {
    return {
      module: QrModule,
      imports: [
        loggingModule('qr', config),
        KafkaModule.forApp('qr', config),
        mongoModule(config),
        HealthModule.forApp(MongoKafkaReadiness),
      ],
      // Default-deny for every HTTP route but health, ready for this app's own API.
      providers: [...tokenAuthProviders('qr', config)],
    };
  }
}
