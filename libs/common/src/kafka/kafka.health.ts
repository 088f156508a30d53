import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { kafkaClient } from './kafka-client';
import { KAFKA_CONFIG, KafkaConfig } from './kafka.tokens';
import { withTimeout } from '../health/timeout';

/** Ready when the cluster answers a metadata request with a controller, within the timeout. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    @Inject(KAFKA_CONFIG) private readonly config: KafkaConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'kafka', timeoutMs = 2000) {
    const check = this.health.check(key);
    const admin = kafkaClient({ ...this.config }, '-health').admin({ retry: { retries: 0 } });
    try {
      const cluster = await withTimeout(
        (async () => {
          await admin.connect();
          return admin.describeCluster();
        })(),
        timeoutMs,
      );
      return cluster.controller === null
        ? check.down({ reason: 'no controller' })
        : check.up({ brokers: cluster.brokers.length });
    } catch (err) {
      return check.down({ reason: (err as Error).message });
    } finally {
      void admin.disconnect().catch(() => undefined);
    }
  }
}
