import { z } from 'zod';
import { httpEnv, kafkaEnv, postgresEnv } from './fragments';
import { ConfigError, parseConfig } from './parse';
import { stackSettings } from './stack';

const Schema = z.object({
  ...httpEnv(3001),
  ...kafkaEnv('auth'),
  ...postgresEnv('roomkey_x'),
  SECRET: z.string().min(32),
});

describe('parseConfig', () => {
  it('names every missing or invalid variable at once', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig('auth', Schema, {
        PORT: 'eighty',
        KAFKA_BROKERS: 'nohost',
        DATABASE_URL: 'mysql://x',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^KAFKA_BROKERS\.0: .*host:port/),
      'DATABASE_URL: must be a postgres:// URL',
      'SECRET is required',
    ]);
    expect(error!.message).toContain('auth: invalid configuration');
  });

  it('defaults to the local stack and takes overrides', () => {
    const c = parseConfig('auth', Schema, {
      SECRET: 'x'.repeat(32),
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      PORT: '8080',
    });
    expect(c.PORT).toBe(8080);
    expect(c.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9092']);
    expect(c.KAFKA_GROUP_ID).toBe('roomkey.auth');
    expect(c.DATABASE_URL).toBe(
      `postgres://roomkey:roomkey@127.0.0.1:${stackSettings().postgres.port}/roomkey_x`,
    );
  });

  it('moves the stack ports with their environment variables and rejects bad ones', () => {
    expect(stackSettings({ ROOMKEY_KAFKA_PORT: '19092' }).kafka.port).toBe(19092);
    expect(() => stackSettings({ ROOMKEY_PG_PORT: '70000' })).toThrow(/ROOMKEY_PG_PORT/);
  });
});
