import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import mqtt, { MqttClient } from 'mqtt';

export const MQTT_URL = Symbol('MQTT_URL');

/**
 * The access app's connection to the MQTT broker the locks use. It reconnects by itself; the
 * readiness check reports whether it is connected right now.
 */
@Injectable()
export class MqttConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MqttConnection.name);
  private client?: MqttClient;

  constructor(
    @Inject(MQTT_URL) private readonly url: string,
    private readonly health: HealthIndicatorService,
  ) {}

  onModuleInit(): void {
    this.client = mqtt.connect(this.url, {
      clientId: `roomkey-access-${process.pid}-${Date.now().toString(36)}`,
      reconnectPeriod: 1000,
      connectTimeout: 3000,
      clean: true,
    });
    this.client.on('connect', () => this.logger.log('connected to MQTT'));
    this.client.on('offline', () => this.logger.warn('MQTT broker unreachable; reconnecting'));
    this.client.on('error', (err) => this.logger.warn(`MQTT: ${err.message}`));
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  isHealthy(key = 'mqtt') {
    const check = this.health.check(key);
    return this.connected ? check.up() : check.down({ reason: 'not connected to the MQTT broker' });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync();
  }
}
