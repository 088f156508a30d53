import { randomUUID } from 'node:crypto';
import mqtt, { MqttClient } from 'mqtt';
import { stackCredentials, stackSettings, stackUrls } from '@roomkey/common';
import { eventually } from '../../../test/support/apps';
import { forgetLockLogin, lockLogin } from '../../../test/support/locks';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { MqttConnection, NotConnectedError } from '../src/adapters/mqtt-connection';

/**
 * The access app's MQTT connection against Mosquitto, through a proxy that can lose what the
 * app sends (a publish never acknowledged) and cut the connection.
 */
const s = stackSettings();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let proxy: TcpProxy;
let connection: MqttConnection;
let watcher: MqttClient;
/** A lock of the test's own on the broker, which the watcher plays. */
const lockId = randomUUID();
const topic = `locks/${lockId}/cmd`;
const seen: string[] = [];

beforeAll(async () => {
  proxy = new TcpProxy(s.host, s.mqtt.port);
  await proxy.start();
  connection = new MqttConnection(
    `mqtt://127.0.0.1:${proxy.port}`,
    {
      username: 'roomkey-access',
      password: stackCredentials(s)?.mqtt?.['roomkey-access'],
    },
    {} as never,
  );
  connection.onModuleInit();
  const login = await lockLogin(lockId);
  watcher = await mqtt.connectAsync(stackUrls(s).mqtt, { ...login, reconnectPeriod: 0 });
  watcher.on('message', (_t, payload) => seen.push(payload.toString()));
  await watcher.subscribeAsync(topic, { qos: 1 });
  await eventually(async () => (connection.connected ? true : undefined), 10000);
});

afterAll(async () => {
  await connection?.onApplicationShutdown();
  await watcher?.endAsync();
  await forgetLockLogin(lockId);
  await proxy?.cut();
});

/** Loses the publish on its way, cuts the connection, and brings it back after `downMs`. */
async function cutOffInFlight(payload: string, withdrawAt: number, downMs: number) {
  proxy.hold();
  const outcome = connection.publish(topic, payload, { withdrawAt }).then(
    () => 'acknowledged',
    (err: Error) => err.message,
  );
  await sleep(100);
  await proxy.cut();
  await sleep(downMs);
  await proxy.restore();
  await eventually(async () => (connection.connected ? true : undefined), 10000);
  return outcome;
}

it('sends a publish cut off in flight again once the broker is back, before it is withdrawn', async () => {
  const outcome = await cutOffInFlight('in time', Date.now() + 20_000, 300);
  expect(outcome).toBe('acknowledged');
  await eventually(async () => (seen.includes('in time') ? true : undefined), 5000);
  expect(seen.filter((p) => p === 'in time')).toHaveLength(1);
});

it('withdraws a publish cut off in flight when it is due: the reconnect does not send it', async () => {
  const outcome = await cutOffInFlight('too late', Date.now() + 500, 1500);
  expect(outcome).toBe('Message removed');
  // Something published after the reconnect arrives; the withdrawn one never does.
  await connection.publish(topic, 'after');
  await eventually(async () => (seen.includes('after') ? true : undefined), 5000);
  await sleep(500);
  expect(seen).not.toContain('too late');
});

it('refuses at once, having sent nothing, while the broker is unreachable', async () => {
  await proxy.cut();
  await eventually(async () => (connection.connected ? undefined : true), 10000);
  await expect(connection.publish(topic, 'never')).rejects.toBeInstanceOf(NotConnectedError);
  await proxy.restore();
  await eventually(async () => (connection.connected ? true : undefined), 10000);
  await sleep(500);
  expect(seen).not.toContain('never');
});
