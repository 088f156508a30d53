import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  HealthModule,
  PostgresKafkaReadiness,
  KafkaModule,
  loggingModule,
  postgresModule,
  tokenAuthProviders,
} from '@roomkey/common';
import { AuditConfig } from './config';
import { EventLogConsumer } from './consumers/event-log.consumer';
import { InternalController } from './http/internal.controller';
import { MIGRATIONS } from './migrations';
import { EventLogRow } from './repositories/event-log.entity';
import { EventLogService } from './services/event-log.service';

/** The audit app: the append-only event log of every topic, and queries over it. */
@Module({})
export class AuditModule {
  static forConfig(config: AuditConfig): DynamicModule {
    return {
      module: AuditModule,
      imports: [
        loggingModule('audit', config),
        KafkaModule.forApp('audit', config),
        postgresModule(config, [EventLogRow], MIGRATIONS),
        TypeOrmModule.forFeature([EventLogRow]),
        HealthModule.forApp(PostgresKafkaReadiness),
      ],
      controllers: [EventLogConsumer, InternalController],
      providers: [EventLogService, ...tokenAuthProviders('audit', config)],
    };
  }
}
