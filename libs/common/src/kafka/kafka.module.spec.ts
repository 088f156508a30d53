import { z } from 'zod';
import { kafkaEnv } from '../config/fragments';
import { ConfigError, parseConfig } from '../config/parse';
import { kafkaConsumerOptions } from './kafka.module';

const Schema = z.object(kafkaEnv('access'));
const consumerOf = (env: Record<string, string>) => {
  // A password of its own, so that the options do not depend on a local stack's credentials.
  const config = parseConfig('access', Schema, { KAFKA_PASSWORD: 'secret', ...env });
  const options = kafkaConsumerOptions(config).options!;
  return options.consumer!;
};

describe('kafkaConsumerOptions', () => {
  it('hands a crashed member’s partitions on after 6 s, heartbeating and fetching each second', () => {
    expect(consumerOf({})).toMatchObject({
      sessionTimeout: 6000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 1000,
    });
  });

  it('keeps an idle member heartbeating within a longer session', () => {
    expect(consumerOf({ KAFKA_SESSION_TIMEOUT_MS: '15000' })).toMatchObject({
      sessionTimeout: 15000,
      heartbeatInterval: 2500,
      maxWaitTimeInMs: 2500,
    });
  });

  it('refuses a session the broker would refuse', () => {
    expect(() => consumerOf({ KAFKA_SESSION_TIMEOUT_MS: '3000' })).toThrow(ConfigError);
  });
});
