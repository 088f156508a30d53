import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appModule, keyringOrDevelopment, mqttLogin, postgresModule } from '@roomkey/common';
import { DynsecLockAccounts, LockAccounts } from './adapters/lock-accounts';
import { MQTT_LOGIN, MQTT_URL, MqttConnection } from './adapters/mqtt-connection';
import { ACCESS_CONFIG, AccessConfig, LOCK_KEYRING } from './config';
import { SagaConsumer } from './consumers/saga.consumer';
import { ACCESS_CONTROLLERS } from './http/routes';
import { MIGRATIONS } from './migrations';
import { AccessReadiness } from './readiness';
import { ACCESS_ENTITIES } from './repositories/entities';
import { CommandTimeouts, Locks } from './services/locks.service';
import { AccessModel } from './services/model.service';
import { Outbox } from './services/outbox';
import { Retention } from './services/retention.service';
import { People } from './services/people.service';
import { Sagas } from './services/sagas.service';

@Module({})
class MqttModule {
  static forConfig(config: AccessConfig): DynamicModule {
    return {
      module: MqttModule,
      imports: [TerminusModule],
      providers: [
        { provide: MQTT_URL, useValue: config.MQTT_URL },
        { provide: MQTT_LOGIN, useValue: mqttLogin(config) },
        MqttConnection,
      ],
      exports: [MqttConnection],
    };
  }
}

/** The access app: rooms, doors, locks, permissions, schedules, lockdown, the saga, the locks. */
@Module({})
export class AccessModule {
  static forConfig(config: AccessConfig): DynamicModule {
    const mqtt = MqttModule.forConfig(config);
    return appModule(AccessModule, 'access', config, {
      imports: [
        postgresModule(config, ACCESS_ENTITIES, MIGRATIONS),
        TypeOrmModule.forFeature(ACCESS_ENTITIES),
        mqtt,
      ],
      controllers: [...ACCESS_CONTROLLERS, SagaConsumer],
      providers: [
        { provide: ACCESS_CONFIG, useValue: config },
        {
          provide: LOCK_KEYRING,
          useFactory: () =>
            keyringOrDevelopment(
              'access',
              'LOCK_KEYRING',
              config.LOCK_KEYRING,
              config.ROOMKEY_DEV_KEYS,
            ),
        },
        Outbox,
        { provide: LockAccounts, useClass: DynsecLockAccounts },
        AccessModel,
        Sagas,
        People,
        Locks,
        CommandTimeouts,
        Retention,
      ],
      readiness: AccessReadiness,
      readinessImports: [mqtt],
    });
  }
}
