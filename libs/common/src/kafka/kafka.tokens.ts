import type { KafkaConfig } from '../config/fragments';

export const KAFKA_CONFIG = Symbol('KAFKA_CONFIG');
export const KAFKA_APP_NAME = Symbol('KAFKA_APP_NAME');
export type { KafkaConfig };
