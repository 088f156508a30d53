/**
 * The variable of docker-compose.yml's `.env` file that holds a principal's password:
 * `KAFKA_AUDIT_PASSWORD` for Kafka's `roomkey-audit`, `POSTGRES_FACE_PASSWORD` for the role
 * `roomkey_face`, `MQTT_ADMIN_PASSWORD` for the broker's `roomkey-admin`.
 */
export const passwordVariable = (kind: 'KAFKA' | 'POSTGRES' | 'MONGO' | 'MQTT', name: string) =>
  `${kind}_${name.replace(/^roomkey[-_]/, '').toUpperCase()}_PASSWORD`;
