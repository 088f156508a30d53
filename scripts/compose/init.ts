import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { kafkaEnv } from '@roomkey/common/config/fragments';
import { parseConfig } from '@roomkey/common/config/parse';
import { MQTT_ADMIN_USER, stackSettings } from '@roomkey/common/config/stack';
import { MQTT_USERS } from '../stack/credentials';
import { KafkaServer } from '../stack/kafka';
import { withStackClients } from '../stack/mosquitto';
import { passwordVariable } from './variables';

/**
 * The one-shot services of docker-compose.yml that need roomkey's own code (the `tools` image,
 * this file bundled):
 *
 *   kafka                  every topic of the contracts with its partitions and retention, and
 *                          the ACLs they imply, on KAFKA_BROKERS as KAFKA_USERNAME (the admin)
 *   mosquitto <file>       the dynamic security plugin's file for Mosquitto: the admin client
 *                          and `roomkey-access` with their roles and hashed passwords
 *                          (MQTT_ADMIN_PASSWORD, MQTT_ACCESS_PASSWORD); the locks' clients that
 *                          the access app made are kept
 *
 * Both run again harmlessly on every `docker compose up`.
 */
async function kafka(): Promise<void> {
  const connection = parseConfig('kafka-init', z.object(kafkaEnv('admin')), process.env);
  // The stack's settings only name a folder for a local broker's files, which this one never
  // writes: a temporary one, since the image's working folder is not the tools' to write.
  const server = new KafkaServer(
    { ...stackSettings(), dir: path.join(tmpdir(), 'roomkey-init') },
    connection,
  );
  // The broker may still be starting: kafkajs retries a few times, and so does compose.
  const created = await server.createTopics();
  console.log(created.length > 0 ? `created topics: ${created.join(', ')}` : 'all topics exist');
  console.log(`ACLs from the contracts: ${await server.createAcls()} in place`);
}

function mosquitto(file: string | undefined): void {
  if (!file) throw new Error('usage: init mosquitto <file>');
  const passwords: Record<string, string> = {};
  for (const user of MQTT_USERS) {
    const variable = passwordVariable('MQTT', user);
    const password = process.env[variable];
    if (!password) throw new Error(`${variable} is not set`);
    passwords[user] = password;
  }
  const before = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  writeFileSync(file, `${JSON.stringify(withStackClients(before, passwords), null, 2)}\n`, {
    mode: 0o600,
  });
  console.log(`${file}: clients ${MQTT_ADMIN_USER}, roomkey-access in place`);
}

const [cmd, arg] = process.argv.slice(2);
const actions: Record<string, () => Promise<void> | void> = {
  kafka,
  mosquitto: () => mosquitto(arg),
};
const action = cmd ? actions[cmd] : undefined;
if (!action) {
  console.error('usage: init <kafka|mosquitto <file>>');
  process.exit(2);
}
Promise.resolve()
  .then(action)
  .catch((err: Error) => {
    console.error(`init ${cmd}: ${err.message}`);
    process.exit(1);
  });
