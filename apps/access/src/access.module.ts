import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appModule, keyringOrDevelopment, postgresModule } from '@roomkey/common';
import { MQTT_URL, MqttConnection } from './adapters/mqtt-connection';
import { ACCESS_CONFIG, AccessConfig, LOCK_KEYRING } from './config';
import { SagaConsumer } from './consumers/saga.consumer';
import { AdminController } from './http/admin.controller';
import { MIGRATIONS } from './migrations';
import { AccessReadiness } from './readiness';
import { ACCESS_ENTITIES } from './repositories/entities';
import { CommandTimeouts, Locks } from './services/locks.service';
import { AccessModel } from './services/model.service';
import { Outbox } from './services/outbox';
import { Retention } from './services/retention.service';
import { Sagas } from './services/sagas.service';

@Module({})
class MqttModule {
  static forUrl(url: string): DynamicModule {
    return {
      module: MqttModule,
      imports: [TerminusModule],
      providers: [{ provide: MQTT_URL, useValue: url }, MqttConnection],
      exports: [MqttConnection],
    };
  }
}

/** The access app: rooms, doors, locks, permissions, schedules, lockdown, the saga, the locks. */
@Module({})
export class AccessModule {
  static forConfig(config: AccessConfig): DynamicModule {
    const mqtt = MqttModule.forUrl(config.MQTT_URL);
    return appModule(AccessModule, 'access', config, {
      imports: [
        postgresModule(config, ACCESS_ENTITIES, MIGRATIONS),
        TypeOrmModule.forFeature(ACCESS_ENTITIES),
        mqtt,
      ],
      controllers: [AdminController, SagaConsumer],
      providers: [
        { provide: ACCESS_CONFIG, useValue: config },
        {
          provide: LOCK_KEYRING,
          useFactory: () =>
            keyringOrDevelopment('access', 'LOCK_KEYRING', config.LOCK_KEYRING, config.NODE_ENV),
        },
        Outbox,
        AccessModel,
        Sagas,
        Locks,
        CommandTimeouts,
        Retention,
      ],
      readiness: AccessReadiness,
      readinessImports: [mqtt],
    });
  }
}
