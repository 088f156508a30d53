import { Injectable } from '@nestjs/common';
import { KafkaHealthIndicator, ReadinessChecks } from '@roomkey/common';

/** The gateway stores nothing: ready when Kafka answers. */
@Injectable()
export class GatewayReadiness implements ReadinessChecks {
  constructor(private readonly kafka: KafkaHealthIndicator) {}

  checks() {
    return [() => this.kafka.isHealthy()];
  }
}
