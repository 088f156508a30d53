import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  appModule,
  CallerQuota,
  keyringOrDevelopment,
  PostgresKafkaReadiness,
  postgresModule,
} from '@roomkey/common';
import { pipelineFromConfig } from './adapters/models';
import { QrAnswerFeed } from './adapters/qr-answers';
import { FACE_CONFIG, FaceConfig } from './config';
import { FlowConsumer } from './consumers/flow.consumer';
import { FACE_CONTROLLERS } from './http/routes';
import { MIGRATIONS } from './migrations';
import { FACE_ENTITIES } from './repositories/entities';
import { Challenges } from './services/challenges.service';
import { Enrolment } from './services/enrolment.service';
import { FaceChecks } from './services/face-checks.service';
import { Templates } from './services/templates.service';
import { CAPTURE_KEYRING, FACE_PIPELINE, PHOTO_QUOTA, TEMPLATE_KEYRING } from './services/tokens';
import { Upkeep } from './services/upkeep.service';

/** The face app: owns encrypted face templates, enrolment, verification and liveness. */
@Module({})
export class FaceModule {
  static forConfig(config: FaceConfig): DynamicModule {
    const keyring = (variable: string, spec: string | undefined) =>
      keyringOrDevelopment('face', variable, spec, config.ROOMKEY_DEV_KEYS);
    return appModule(FaceModule, 'face', config, {
      imports: [
        postgresModule(config, FACE_ENTITIES, MIGRATIONS),
        TypeOrmModule.forFeature(FACE_ENTITIES),
      ],
      controllers: [...FACE_CONTROLLERS, FlowConsumer],
      providers: [
        { provide: FACE_CONFIG, useValue: config },
        {
          // Enrolments and held captures draw on the same quota per caller.
          provide: PHOTO_QUOTA,
          useValue: new CallerQuota(config.FACE_MAX_PHOTOS_PER_CALLER, config.FACE_MAX_PHOTOS_HELD),
        },
        {
          provide: TEMPLATE_KEYRING,
          useFactory: () => keyring('FACE_TEMPLATE_KEYRING', config.FACE_TEMPLATE_KEYRING),
        },
        {
          provide: CAPTURE_KEYRING,
          useFactory: () => keyring('FACE_CAPTURE_KEYRING', config.FACE_CAPTURE_KEYRING),
        },
        {
          // Every model session is created here, once, at boot.
          provide: FACE_PIPELINE,
          useFactory: () => pipelineFromConfig(config),
        },
        Templates,
        Challenges,
        Enrolment,
        FaceChecks,
        QrAnswerFeed,
        Upkeep,
      ],
      readiness: PostgresKafkaReadiness,
    });
  }
}
