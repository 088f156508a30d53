import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  HealthModule,
  KafkaModule,
  loggingModule,
  postgresModule,
  tokenAuthProviders,
} from '@roomkey/common';
import { MQTT_URL, MqttConnection } from './adapters/mqtt-connection';
import { AccessConfig } from './config';
import { MIGRATIONS } from './migrations';
import { AccessReadiness } from './readiness';

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
    return {
      module: AccessModule,
      imports: [
        loggingModule('access', config),
        KafkaModule.forApp('access', config),
        postgresModule(config, [], MIGRATIONS),
        mqtt,
        HealthModule.forApp(AccessReadiness, [mqtt]),
      ],
      // Default-deny for every HTTP route but health, ready for this app's own API.
      providers: [...tokenAuthProviders('access', config)],
    };
  }
}
