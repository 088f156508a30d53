import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import mqtt, { type DoneCallback, IClientOptions, MqttClient, Store } from 'mqtt';

export const MQTT_URL = Symbol('MQTT_URL');
/** Who the app is to the broker, and the CA it trusts (`mqttLogin`). */
export const MQTT_LOGIN = Symbol('MQTT_LOGIN');

/** A publish refused before anything reached the broker: it may be tried again later. */
export class NotConnectedError extends Error {
  constructor() {
    super('not connected to the MQTT broker');
    this.name = 'NotConnectedError';
  }
}

type StoredPacket = Parameters<Store['put']>[0];

/**
 * The client's store of publishes the broker has not acknowledged yet (the client sends them
 * again after a reconnect), knowing which message ids carry which payload, so that they can be
 * taken back.
 */
class OutgoingStore extends Store {
  private readonly ids = new Map<unknown, Set<number>>();
  private readonly payloads = new Map<number, unknown>();

  override put(packet: StoredPacket, cb: DoneCallback): this {
    if (packet.cmd === 'publish' && packet.messageId !== undefined) {
      const ids = this.ids.get(packet.payload) ?? new Set<number>();
      this.ids.set(packet.payload, ids.add(packet.messageId));
      this.payloads.set(packet.messageId, packet.payload);
    }
    return super.put(packet, cb);
  }

  override del(packet: Pick<StoredPacket, 'messageId'>, cb: Parameters<Store['del']>[1]): this {
    if (packet.messageId !== undefined && this.payloads.has(packet.messageId)) {
      const payload = this.payloads.get(packet.messageId);
      const ids = this.ids.get(payload);
      ids?.delete(packet.messageId);
      if (ids?.size === 0) this.ids.delete(payload);
      this.payloads.delete(packet.messageId);
    }
    return super.del(packet, cb);
  }

  /** The message ids of the publishes of a payload not acknowledged yet. */
  idsOf(payload: string): number[] {
    return [...(this.ids.get(payload) ?? [])];
  }
}

/**
 * The access app's connection to the MQTT broker the locks use. It reconnects by itself; the
 * readiness check reports whether it is connected right now.
 */
@Injectable()
export class MqttConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MqttConnection.name);
  private client?: MqttClient;
  private readonly outgoing = new OutgoingStore();

  constructor(
    @Inject(MQTT_URL) private readonly url: string,
    @Inject(MQTT_LOGIN)
    private readonly login: Pick<IClientOptions, 'username' | 'password' | 'ca'>,
    private readonly health: HealthIndicatorService,
  ) {}

  onModuleInit(): void {
    this.client = mqtt.connect(this.url, {
      ...this.login,
      clientId: `roomkey-access-${process.pid}-${Date.now().toString(36)}`,
      reconnectPeriod: 1000,
      connectTimeout: 3000,
      clean: true,
      outgoingStore: this.outgoing,
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

  /**
   * Publishes at QoS 1 and resolves once the broker has the message. When the broker is not
   * reachable it fails at once with NotConnectedError, having sent nothing. A message handed over
   * is sent again after a reconnect until the broker acknowledges it, but never after
   * `withdrawAt` (Unix ms): it is then taken back, and the publish fails.
   */
  async publish(topic: string, payload: string, opts: { withdrawAt?: number } = {}): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new NotConnectedError();
    const sent = client.publishAsync(topic, payload, { qos: 1 });
    if (opts.withdrawAt === undefined) {
      await sent;
      return;
    }
    const withdraw = setTimeout(
      () => {
        for (const id of this.outgoing.idsOf(payload)) client.removeOutgoingMessage(id);
      },
      Math.max(0, opts.withdrawAt - Date.now()),
    );
    withdraw.unref();
    try {
      await sent;
    } finally {
      clearTimeout(withdraw);
    }
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
