import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  appModule,
  CallerQuota,
  keyringOrDevelopment,
  PostgresKafkaReadiness,
  postgresModule,
} from '@roomkey/common';
import { buildPipeline } from './adapters/models';
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

const override = (file?: string, sha256?: string) => ({
  ...(file ? { file } : {}),
  ...(sha256 ? { sha256 } : {}),
});

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
          useFactory: () =>
            buildPipeline(
              {
                dir: config.FACE_MODEL_DIR,
                intraOpThreads: config.FACE_INTRA_OP_THREADS,
                interOpThreads: config.FACE_INTER_OP_THREADS,
                detectionSize: config.FACE_DETECTION_SIZE,
                overrides: {
                  DETECTOR: override(config.FACE_DETECTOR_MODEL, config.FACE_DETECTOR_SHA256),
                  EMBEDDER: override(config.FACE_EMBEDDER_MODEL, config.FACE_EMBEDDER_SHA256),
                  LIVENESS_A: override(config.FACE_LIVENESS_A_MODEL, config.FACE_LIVENESS_A_SHA256),
                  LIVENESS_B: override(config.FACE_LIVENESS_B_MODEL, config.FACE_LIVENESS_B_SHA256),
                },
              },
              {
                maxBytes: config.FACE_MAX_IMAGE_BYTES,
                maxPixels: config.FACE_MAX_PIXELS,
                workingSize: config.FACE_WORKING_SIZE,
              },
              {
                gates: {
                  candidateScore: 0.5,
                  minDetectionScore: config.FACE_MIN_DETECTION_SCORE,
                  minFacePx: config.FACE_MIN_FACE_PX,
                  dominance: 2.5,
                },
                minSharpness: config.FACE_MIN_SHARPNESS,
                livenessThreshold: config.FACE_LIVENESS_THRESHOLD,
                greyscale: {
                  maxChroma: config.FACE_GREYSCALE_MAX_CHROMA,
                  modes: config.FACE_GREYSCALE_CAPTURES,
                  minDetectionScore: config.FACE_GREYSCALE_MIN_DETECTION_SCORE,
                  spoofThreshold: config.FACE_GREYSCALE_SPOOF_THRESHOLD,
                },
              },
            ),
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
