import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { appModule, keyringOrDevelopment, MongoKafkaReadiness, mongoModule } from '@roomkey/common';
import { QR_CONFIG, QR_KEYRING, QrConfig } from './config';
import { AccessRequestedConsumer } from './consumers/access-requested.consumer';
import { OutcomesConsumer } from './consumers/outcomes.consumer';
import { QR_CONTROLLERS } from './http/routes';
import { QR_MODELS } from './repositories/schemas';
import { Accounts } from './services/accounts.service';
import { Checks } from './services/checks.service';
import { Codes } from './services/codes.service';
import { Ledger } from './services/ledger';
import { Secrets } from './services/secrets';
import { Upkeep } from './services/upkeep.service';
import { VisitorPasses } from './services/visitor-passes.service';

/** The qr app: owns room QR secrets, personal and visitor passes and the used-pass ledger. */
@Module({})
export class QrModule {
  static forConfig(config: QrConfig): DynamicModule {
    return appModule(QrModule, 'qr', config, {
      imports: [mongoModule(config), MongooseModule.forFeature(QR_MODELS)],
      controllers: [...QR_CONTROLLERS, AccessRequestedConsumer, OutcomesConsumer],
      providers: [
        { provide: QR_CONFIG, useValue: config },
        {
          provide: QR_KEYRING,
          useFactory: () =>
            keyringOrDevelopment('qr', 'QR_KEYRING', config.QR_KEYRING, config.ROOMKEY_DEV_KEYS),
        },
        Secrets,
        Accounts,
        Ledger,
        VisitorPasses,
        Codes,
        Checks,
        Upkeep,
      ],
      readiness: MongoKafkaReadiness,
    });
  }
}
