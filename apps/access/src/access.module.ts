import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { appModule, postgresModule } from '@roomkey/common';
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
    return appModule(AccessModule, 'access', config, {
      imports: [postgresModule(config, [], MIGRATIONS), mqtt],
      readiness: AccessReadiness,
      readinessImports: [mqtt],
    });
  }
}
