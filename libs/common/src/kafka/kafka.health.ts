import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import { describeError } from '../errors';
import { kafkaClient } from './kafka-client';
import { KAFKA_CONFIG, KafkaConfig } from './kafka.tokens';
import { withTimeout } from '../health/timeout';

/** What the check needs of a Kafka admin client. */
export type ClusterAdmin = Pick<Admin, 'connect' | 'describeCluster' | 'disconnect'>;

/**
 * Ready when the cluster answers a metadata request with a controller, within the timeout. The
 * requests go over one admin connection kept for the app's life; when a request fails, the
 * connection is dropped and the next check connects afresh.
 */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  private admin?: { client: ClusterAdmin; connected: Promise<void> };

  constructor(
    @Inject(KAFKA_CONFIG) private readonly config: KafkaConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'kafka', timeoutMs = 2000) {
    const check = this.health.check(key);
    const admin = this.connection();
    const asked = admin.connected.then(() => admin.client.describeCluster());
    // A failed request drops its connection, whenever it fails. One merely slow is left to
    // finish: connecting afresh at every check could never succeed on a machine so busy that
    // connecting takes longer than the timeout.
    asked.catch(() => void this.drop(admin));
    try {
      const cluster = await withTimeout(asked, timeoutMs);
      return cluster.controller === null
        ? check.down({ reason: 'no controller' })
        : check.up({ brokers: cluster.brokers.length });
    } catch (err) {
      return check.down({ reason: describeError(err) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drop();
  }

  /** A new admin client, which the check connects once and keeps. */
  protected newAdmin(): ClusterAdmin {
    return kafkaClient({ ...this.config }, '-health').admin({ retry: { retries: 0 } });
  }

  private connection(): { client: ClusterAdmin; connected: Promise<void> } {
    if (!this.admin) {
      const client = this.newAdmin();
      this.admin = { client, connected: client.connect() };
    }
    return this.admin;
  }

  /** Drops the connection (only `which`, if given and still the current one). */
  private async drop(which?: { client: ClusterAdmin }): Promise<void> {
    const admin = this.admin;
    if (!admin || (which && which !== admin)) return;
    this.admin = undefined;
    await admin.client.disconnect().catch(() => undefined);
  }
}
