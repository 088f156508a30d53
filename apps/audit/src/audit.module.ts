import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appModule, PostgresKafkaReadiness, postgresModule } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from './config';
import { EventLogConsumer } from './consumers/event-log.consumer';
import { AccessLogController } from './http/access-log.controller';
import { AlertsController } from './http/alerts.controller';
import { InternalController } from './http/internal.controller';
import { MIGRATIONS } from './migrations';
import { EventLogRow } from './repositories/event-log.entity';
import { AccessLogProjection } from './projections/access-log.projection';
import { AlertsProjection } from './projections/alerts.projection';
import { AccessLogService } from './services/access-log.service';
import { Alerts } from './services/alerts.service';
import { EventLogService } from './services/event-log.service';

/** The audit app: the append-only event log of every topic, and queries over it. */
@Module({})
export class AuditModule {
  static forConfig(config: AuditConfig): DynamicModule {
    return appModule(AuditModule, 'audit', config, {
      imports: [
        postgresModule(config, [EventLogRow], MIGRATIONS),
        TypeOrmModule.forFeature([EventLogRow]),
      ],
      controllers: [EventLogConsumer, InternalController, AlertsController, AccessLogController],
      providers: [
        { provide: AUDIT_CONFIG, useValue: config },
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
