import { Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator, ReadinessChecks } from '@roomkey/common';

/** Ready when its PostgreSQL database and Kafka answer. */
@Injectable()
export class AuditReadiness implements ReadinessChecks {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  checks() {
    return [() => this.db.pingCheck('postgres', { timeout: 1500 }), () => this.kafka.isHealthy()];
  }
}
