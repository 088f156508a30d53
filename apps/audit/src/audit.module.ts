import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appModule, PostgresKafkaReadiness, postgresModule } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from './config';
import { EventLogConsumer } from './consumers/event-log.consumer';
import { AlertsController } from './http/alerts.controller';
import { InternalController } from './http/internal.controller';
import { MIGRATIONS } from './migrations';
import { EventLogRow } from './repositories/event-log.entity';
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
      controllers: [EventLogConsumer, InternalController, AlertsController],
      providers: [{ provide: AUDIT_CONFIG, useValue: config }, Alerts, EventLogService],
      readiness: PostgresKafkaReadiness,
    });
  }
}
