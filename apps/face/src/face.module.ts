import { DynamicModule, Module } from '@nestjs/common';
import {
  HealthModule,
  PostgresKafkaReadiness,
  KafkaModule,
  loggingModule,
  postgresModule,
  tokenAuthProviders,
} from '@roomkey/common';
import { FaceConfig } from './config';
import { MIGRATIONS } from './migrations';

/** The face app: owns encrypted face templates, enrolment, verification and liveness. */
@Module({})
export class FaceModule {
  static forConfig(config: FaceConfig): DynamicModule {
    return {
      module: FaceModule,
      imports: [
        loggingModule('face', config),
        KafkaModule.forApp('face', config),
        postgresModule(config, [], MIGRATIONS),
        HealthModule.forApp(PostgresKafkaReadiness),
      ],
      // Default-deny for every HTTP route but health, ready for this app's own API.
      providers: [...tokenAuthProviders('face', config)],
    };
  }
}
