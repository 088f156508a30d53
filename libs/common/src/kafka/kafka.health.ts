import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import { describeError } from '../errors';
import { kafkaClient } from './kafka-client';
import { KAFKA_CONFIG, KafkaConfig } from './kafka.tokens';
import { withTimeout } from '../health/timeout';

/**
 * Ready when the cluster answers a metadata request with a controller, within the timeout. The
 * requests go over one admin connection kept for the app's life; a failed one is dropped and the
 * next check connects afresh.
 */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  private admin?: { client: Admin; connected: Promise<void> };

  constructor(
    @Inject(KAFKA_CONFIG) private readonly config: KafkaConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'kafka', timeoutMs = 2000) {
    const check = this.health.check(key);
    try {
      const cluster = await withTimeout(this.describeCluster(), timeoutMs);
      return cluster.controller === null
        ? check.down({ reason: 'no controller' })
        : check.up({ brokers: cluster.brokers.length });
    } catch (err) {
      void this.drop();
      return check.down({ reason: describeError(err) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drop();
  }

  private async describeCluster() {
    if (!this.admin) {
      const client = kafkaClient({ ...this.config }, '-health').admin({ retry: { retries: 0 } });
      this.admin = { client, connected: client.connect() };
    }
    const { client, connected } = this.admin;
    await connected;
    return client.describeCluster();
  }

  private async drop(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.client.disconnect().catch(() => undefined);
  }
}
