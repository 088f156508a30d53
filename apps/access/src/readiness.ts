import { Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator, ReadinessChecks } from '@roomkey/common';
import { MqttConnection } from './adapters/mqtt-connection';

/** Ready when its PostgreSQL database, Kafka and the MQTT broker of the locks answer. */
@Injectable()
export class AccessReadiness implements ReadinessChecks {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly mqtt: MqttConnection,
  ) {}

  checks() {
    return [
      () => this.db.pingCheck('postgres', { timeout: 1500 }),
      () => this.kafka.isHealthy(),
      () => this.mqtt.isHealthy(),
    ];
  }
}
