import { DynamicModule, Module } from '@nestjs/common';
import { appModule, PostgresKafkaReadiness, postgresModule } from '@roomkey/common';
import { FaceConfig } from './config';
import { MIGRATIONS } from './migrations';

/** The face app: owns encrypted face templates, enrolment, verification and liveness. */
@Module({})
export class FaceModule {
  static forConfig(config: FaceConfig): DynamicModule {
    return appModule(FaceModule, 'face', config, {
      imports: [postgresModule(config, [], MIGRATIONS)],
      readiness: PostgresKafkaReadiness,
    });
  }
}
