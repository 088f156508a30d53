import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { MqttConfig } from '../config/fragments';

/**
 * Who the client is to the MQTT broker, and which CA it trusts for TLS. A missing password is
 * refused here, at the start of the app, rather than by the broker on every reconnect.
 */
export function mqttLogin(
  c: Pick<MqttConfig, 'MQTT_URL' | 'MQTT_USERNAME' | 'MQTT_PASSWORD' | 'MQTT_TLS_CA'>,
): Pick<IClientOptions, 'username' | 'password' | 'ca'> {
  if (!c.MQTT_PASSWORD) {
    throw new Error(`MQTT_PASSWORD is required for ${c.MQTT_USERNAME}`);
  }
  if (c.MQTT_TLS_CA && !/^(mqtts|wss):/.test(c.MQTT_URL)) {
    throw new Error('MQTT_TLS_CA is for an mqtts:// or wss:// MQTT_URL');
  }
  return {
    username: c.MQTT_USERNAME,
    password: c.MQTT_PASSWORD,
    ...(c.MQTT_TLS_CA ? { ca: readFileSync(c.MQTT_TLS_CA) } : {}),
  };
}
