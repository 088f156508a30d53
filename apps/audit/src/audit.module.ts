import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  appModule,
  keyringOrDevelopment,
  PostgresKafkaReadiness,
  postgresModule,
} from '@roomkey/common';
import { CHAIN_KEYS, chainKeys } from './adapters/chain-keys';
import { CheckpointSigner, signerOrDevelopment } from './adapters/checkpoint-keys';
import { AUDIT_CONFIG, AuditConfig } from './config';
import { EventLogConsumer } from './consumers/event-log.consumer';
import { AUDIT_CONTROLLERS } from './http/routes';
import { InternalController } from './http/internal.controller';
import { MIGRATIONS } from './migrations';
import { EventLogRow } from './repositories/event-log.entity';
import { AccessLogProjection } from './projections/access-log.projection';
import { AlertsProjection } from './projections/alerts.projection';
import { AccessLogService } from './services/access-log.service';
import { Alerts } from './services/alerts.service';
import { Checkpoints } from './services/checkpoints.service';
import { EventLogService } from './services/event-log.service';
import { WebhookDispatcher } from './services/webhook-dispatcher';
import { WebhookQueue } from './services/webhook-queue';
import { WEBHOOK_KEYS, Webhooks } from './services/webhooks.service';

/** The audit app: the append-only event log of every topic, and queries over it. */
@Module({})
export class AuditModule {
  static forConfig(config: AuditConfig): DynamicModule {
    return appModule(AuditModule, 'audit', config, {
      imports: [
        postgresModule(config, [EventLogRow], MIGRATIONS),
        TypeOrmModule.forFeature([EventLogRow]),
      ],
      controllers: [EventLogConsumer, InternalController, ...AUDIT_CONTROLLERS],
      providers: [
        { provide: AUDIT_CONFIG, useValue: config },
        {
          provide: CHAIN_KEYS,
          useFactory: () =>
            chainKeys(
              keyringOrDevelopment(
                'audit',
                'AUDIT_CHAIN_KEYRING',
                config.AUDIT_CHAIN_KEYRING,
                config.ROOMKEY_DEV_KEYS,
              ),
            ),
        },
        {
          provide: CheckpointSigner,
          useFactory: () =>
            signerOrDevelopment(
              'audit',
              config.AUDIT_CHECKPOINT_SIGNING_KEY,
              config.ROOMKEY_DEV_KEYS,
            ),
        },
        {
          provide: WEBHOOK_KEYS,
          useFactory: () =>
            keyringOrDevelopment(
              'audit',
              'WEBHOOK_KEYRING',
              config.WEBHOOK_KEYRING,
              config.ROOMKEY_DEV_KEYS,
            ),
        },
        Webhooks,
        WebhookQueue,
        WebhookDispatcher,
        Checkpoints,
        Alerts,
        AlertsProjection,
        AccessLogProjection,
        AccessLogService,
        EventLogService,
      ],
      readiness: PostgresKafkaReadiness,
    });
  }
}
