import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { mqttLogin } from '../mqtt/mqtt-login';
import { httpEnv, kafkaEnv, mqttEnv, postgresEnv } from './fragments';
import { ConfigError, parseConfig } from './parse';
import { postgresSocketDir, stackSettings, stackUrls } from './stack';

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
    // As the app's own role (named as its database), never the stack's superuser; through the
    // local stack's socket when it is up (see below), over TCP otherwise.
    expect(c.DATABASE_URL).toMatch(
      new RegExp(
        `^postgres://roomkey_x:[^@]*@127\\.0\\.0\\.1:${stackSettings().postgres.port}/roomkey_x(\\?host=[^&]+)?$`,
      ),
    );
  });

  it('reaches a local PostgreSQL through its Unix socket when the socket is there', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roomkey-stack-'));
    try {
      const s = stackSettings({ ROOMKEY_STACK_DIR: dir, ROOMKEY_PG_PORT: '6543' });
      const url = 'postgres://roomkey:roomkey@127.0.0.1:6543/roomkey_x';
      expect(stackUrls(s).postgres('roomkey_x')).toBe(url);
      const sockets = path.join(dir, 'postgres', 'sock');
      mkdirSync(sockets, { recursive: true });
      writeFileSync(path.join(sockets, '.s.PGSQL.6543'), '');
      expect(postgresSocketDir(s)).toBe(sockets);
      expect(stackUrls(s).postgres('roomkey_x')).toBe(`${url}?host=${encodeURIComponent(sockets)}`);
      // A stack on another host is reached over TCP, whatever is in the local folder.
      expect(postgresSocketDir({ ...s, host: '10.0.0.5' })).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs in to MQTT as the app’s own client, and refuses to start without its password', () => {
    const MqttSchema = z.object(mqttEnv('access'));
    const c = parseConfig('access', MqttSchema, { MQTT_PASSWORD: 'p' });
    expect(mqttLogin(c)).toEqual({ username: 'roomkey-access', password: 'p' });
    expect(() => mqttLogin({ ...c, MQTT_USERNAME: 'someone', MQTT_PASSWORD: undefined })).toThrow(
      'MQTT_PASSWORD is required for someone',
    );
    expect(() => mqttLogin({ ...c, MQTT_TLS_CA: '/ca.pem' })).toThrow(/mqtts:/);
  });

  it('moves the stack ports with their environment variables and rejects bad ones', () => {
    expect(stackSettings({ ROOMKEY_KAFKA_PORT: '19092' }).kafka.port).toBe(19092);
    expect(() => stackSettings({ ROOMKEY_PG_PORT: '70000' })).toThrow(/ROOMKEY_PG_PORT/);
  });
});
