import { DynamicModule, Module } from '@nestjs/common';
import { appModule, MongoKafkaReadiness, mongoModule } from '@roomkey/common';
import { QrConfig } from './config';

/** The qr app: owns room QR secrets, personal and visitor passes and the used-pass ledger. */
@Module({})
export class QrModule {
  static forConfig(config: QrConfig): DynamicModule {
    return appModule(QrModule, 'qr', config, {
      imports: [mongoModule(config)],
      readiness: MongoKafkaReadiness,
    });
  }
}
