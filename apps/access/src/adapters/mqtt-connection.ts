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
    this.client.on('connect', () => {
      this.logger.log('connected to MQTT');
      for (const callback of this.connectCallbacks) callback();
      // clean sessions forget subscriptions: make them again on every (re)connect.
      if (this.subscriptions.length > 0) {
        this.client!.subscribe(this.subscriptions, { qos: 1 }, (err) => {
          if (err) this.logger.warn(`MQTT subscribe: ${err.message}`);
        });
      }
    });
    this.client.on('message', (topic, payload) => {
      for (const handler of this.handlers) handler(topic, payload);
    });
    this.client.on('offline', () => this.logger.warn('MQTT broker unreachable; reconnecting'));
    this.client.on('error', (err) => this.logger.warn(`MQTT: ${err.message}`));
  }

  private readonly subscriptions: string[] = [];
  private readonly handlers: Array<(topic: string, payload: Buffer) => void> = [];
  private readonly connectCallbacks: Array<() => void> = [];

  /** Calls `callback` on every (re)connect. */
  onConnect(callback: () => void): void {
    this.connectCallbacks.push(callback);
  }

  /** Subscribes (now and after every reconnect) and hands every message to `handler`. */
  listen(topics: string[], handler: (topic: string, payload: Buffer) => void): void {
    this.subscriptions.push(...topics);
    this.handlers.push(handler);
    if (this.client?.connected) this.client.subscribe(topics, { qos: 1 });
  }

  /** Publishes at QoS 1; fails when the broker is not reachable. */
  async publish(topic: string, payload: string): Promise<void> {
    if (!this.client?.connected) throw new Error('not connected to the MQTT broker');
    await this.client.publishAsync(topic, payload, { qos: 1 });
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
