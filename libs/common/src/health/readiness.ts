import { Injectable } from '@nestjs/common';
import { MongooseHealthIndicator, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '../kafka/kafka.health';
import { ReadinessChecks } from './health.module';

/** Ready when the app's PostgreSQL database and Kafka answer (face, audit). */
@Injectable()
export class PostgresKafkaReadiness implements ReadinessChecks {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  checks() {
    return [() => this.db.pingCheck('postgres', { timeout: 1500 }), () => this.kafka.isHealthy()];
  }
}

/** Ready when the app's MongoDB database and Kafka answer (auth, qr). */
@Injectable()
export class MongoKafkaReadiness implements ReadinessChecks {
  constructor(
    private readonly mongo: MongooseHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  checks() {
    return [() => this.mongo.pingCheck('mongodb', { timeout: 1500 }), () => this.kafka.isHealthy()];
  }
}
