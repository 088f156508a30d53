import { DynamicModule, Module } from '@nestjs/common';
import {
  HealthModule,
  PostgresKafkaReadiness,
  KafkaModule,
  loggingModule,
  postgresModule,
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
    };
  }
}
