import { DynamicModule, Module } from '@nestjs/common';
import {
  HealthModule,
  MongoKafkaReadiness,
  KafkaModule,
  loggingModule,
  mongoModule,
} from '@roomkey/common';
import { AuthConfig } from './config';

/** The auth app: owns identities: users, roles, credentials, refresh tokens, device credentials and signing keys. */
@Module({})
export class AuthModule {
  static forConfig(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        loggingModule('auth', config),
        KafkaModule.forApp('auth', config),
        mongoModule(config),
        HealthModule.forApp(MongoKafkaReadiness),
      ],
    };
  }
}
