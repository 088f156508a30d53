import { mkdirSync } from 'node:fs';
import { stackSettings } from '@roomkey/common/config/stack';
import { ensurePackages } from './packages';
import { Daemon } from './proc';
import { KafkaServer } from './kafka';
import { FerretDbServer } from './ferretdb';
import { PostgresServer } from './postgres';
import { MosquittoServer } from './mosquitto';

interface Server {
  name: string;
  where: string;
  daemon: Daemon;
  ready(): Promise<boolean>;
  start(): Promise<void>;
  stop?(): Promise<boolean>;
}

const log = (msg: string) => console.log(`[stack] ${msg}`);

function servers(): Server[] {
  const s = stackSettings();
  const kafka = new KafkaServer(s);
  const ferret = new FerretDbServer(s);
  const pg = new PostgresServer(s);
  const mqtt = new MosquittoServer(s);
  return [
    {
      name: 'kafka',
      where: `${s.host}:${s.kafka.port}`,
      daemon: kafka.daemon,
      ready: () => kafka.ready(),
      start: async () => {
        kafka.install(log);
        await kafka.start();
      },
    },
    {
      name: 'ferretdb',
      where: `mongodb://${s.host}:${s.mongo.port}`,
      daemon: ferret.daemon,
      ready: () => ferret.ready(),
      start: async () => {
        ferret.install(log);
        await ferret.start();
      },
    },
    {
      name: 'postgres',
      where: `${s.host}:${s.postgres.port}`,
      daemon: pg.daemon,
      ready: () => pg.ready(),
      start: () => pg.start(),
      stop: () => pg.stop(),
    },
    {
      name: 'mosquitto',
      where: `mqtt://${s.host}:${s.mqtt.port}`,
      daemon: mqtt.daemon,
      ready: () => mqtt.ready(),
      start: () => mqtt.start(),
    },
  ];
}

export async function up(): Promise<void> {
  const s = stackSettings();
  mkdirSync(s.dir, { recursive: true });
  ensurePackages(log);
  const all = servers();
  // The four servers are independent: start them side by side.
  await Promise.all(
    all.map(async (srv) => {
      if (srv.daemon.pid() !== undefined && (await srv.ready().catch(() => false))) {
        log(`${srv.name} already running at ${srv.where}`);
        return;
      }
      if (srv.daemon.pid() !== undefined) await (srv.stop?.() ?? srv.daemon.stop());
      await srv.start();
      log(`${srv.name} ready at ${srv.where}`);
    }),
  );
  const created = await new KafkaServer(s).createTopics();
  log(created.length > 0 ? `created topics: ${created.join(', ')}` : 'all topics exist');
}

export async function down(): Promise<void> {
  for (const srv of servers().reverse()) {
    const stopped = await (srv.stop?.() ?? srv.daemon.stop());
    log(`${srv.name} ${stopped ? 'stopped' : 'was not running'}`);
  }
}

async function status(): Promise<boolean> {
  let allUp = true;
  for (const srv of servers()) {
    const pid = srv.daemon.pid();
    const ready = await srv.ready().catch(() => false);
    allUp &&= ready;
    const state = ready ? 'ready' : pid !== undefined ? 'running, not ready' : 'stopped';
    console.log(
      `${srv.name.padEnd(10)} ${state.padEnd(20)} ${srv.where.padEnd(28)} ${pid !== undefined ? `pid ${pid}` : ''}`,
    );
    console.log(`${''.padEnd(10)} log ${srv.daemon.logFile}`);
  }
  return allUp;
}

if (require.main === module) {
  const cmd = process.argv[2];
  const actions: Record<string, () => Promise<unknown>> = {
    up,
    down,
    // Creates the contract topics on any Kafka: the local one, or KAFKA_BROKERS (comma-separated).
    topics: async () => {
      const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim());
      const created = await new KafkaServer(stackSettings(), brokers).createTopics();
      log(created.length > 0 ? `created topics: ${created.join(', ')}` : 'all topics exist');
    },
    status: async () => {
      if (!(await status())) process.exitCode = 1;
    },
  };
  const action = cmd ? actions[cmd] : undefined;
  if (!action) {
    console.error('usage: stack <up|down|status|topics>');
    process.exit(2);
  }
  action().catch((err: Error) => {
    console.error(`[stack] ${err.message}`);
    process.exit(1);
  });
}
