import { Injectable } from '@nestjs/common';
import { MongooseHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator, ReadinessChecks } from '@roomkey/common';

/** Ready when its MongoDB database and Kafka answer. */
@Injectable()
export class AuthReadiness implements ReadinessChecks {
  constructor(
    private readonly mongo: MongooseHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  checks() {
    return [() => this.mongo.pingCheck('mongodb', { timeout: 1500 }), () => this.kafka.isHealthy()];
  }
}
