import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import { kafkaEnv } from '@roomkey/common/config/fragments';
import { parseConfig } from '@roomkey/common/config/parse';
import { StackSettings, stackSettings } from '@roomkey/common/config/stack';
import { ensurePackages } from './packages';
import { Daemon, portOpen, seconds, sleep, step } from './proc';
import { KafkaServer } from './kafka';
import { FerretDbServer } from './ferretdb';
import { PostgresServer } from './postgres';
import { MosquittoServer } from './mosquitto';

interface Server {
  name: string;
  where: string;
  /** The ports it listens on. */
  ports: number[];
  daemon: Daemon;
  ready(): Promise<boolean>;
  start(log: (m: string) => void): Promise<void>;
  stop?(): Promise<boolean>;
}

const log = (msg: string) => console.log(`[stack] ${msg}`);

function servers(s: StackSettings = stackSettings()): Server[] {
  const kafka = new KafkaServer(s);
  const ferret = new FerretDbServer(s);
  const pg = new PostgresServer(s);
  const mqtt = new MosquittoServer(s);
  return [
    {
      name: 'kafka',
      where: `${s.host}:${s.kafka.port}`,
      ports: [s.kafka.port, s.kafka.controllerPort],
      daemon: kafka.daemon,
      ready: () => kafka.ready(),
      start: (l) => kafka.start(l),
    },
    {
      name: 'ferretdb',
      where: `mongodb://${s.host}:${s.mongo.port}`,
      ports: [s.mongo.port],
      daemon: ferret.daemon,
      ready: () => ferret.ready(),
      start: (l) => ferret.start(l),
    },
    {
      name: 'postgres',
      where: `${s.host}:${s.postgres.port}`,
      ports: [s.postgres.port],
      daemon: pg.daemon,
      ready: () => pg.ready(),
      start: (l) => pg.start(l),
      stop: () => pg.stop(),
    },
    {
      name: 'mosquitto',
      where: `mqtt://${s.host}:${s.mqtt.port}`,
      ports: [s.mqtt.port],
      daemon: mqtt.daemon,
      ready: () => mqtt.ready(),
      start: (l) => mqtt.start(l),
    },
  ];
}

/**
 * Fetches and builds what the servers run, before any of them starts: Debian's packages, then
 * Kafka's jars (Maven) and FerretDB (Go) side by side, each an awaited child process. No
 * readiness deadline runs while these take their time.
 */
export async function install(s: StackSettings = stackSettings()): Promise<void> {
  await ensurePackages(log);
  const kafka = new KafkaServer(s);
  const ferret = new FerretDbServer(s);
  await Promise.all([
    kafka.installed() ||
      step(
        log,
        `fetching Kafka ${s.kafka.version}'s jars from Maven Central into ${s.cacheDir}`,
        () => kafka.install(),
      ),
    ferret.installed() ||
      step(
        log,
        `building FerretDB ${s.mongo.ferretdbVersion} from the Go module proxy into ${s.cacheDir}`,
        () => ferret.install(),
      ),
  ]);
}

export async function up(s: StackSettings = stackSettings()): Promise<void> {
  const started = Date.now();
  mkdirSync(s.dir, { recursive: true });
  await install(s);
  // The four servers are independent: start them side by side.
  await Promise.all(
    servers(s).map(async (srv) => {
      if (srv.daemon.pid() !== undefined && (await srv.ready().catch(() => false))) {
        log(`${srv.name} already running at ${srv.where}`);
        return;
      }
      if (srv.daemon.pid() !== undefined) await (srv.stop?.() ?? srv.daemon.stop());
      await portsFree(s, srv);
      await srv.start(log);
      log(`${srv.name} ready at ${srv.where}`);
    }),
  );
  await topicsAndAcls(new KafkaServer(s));
  log(`MongoDB API users: ${(await new FerretDbServer(s).ensureUsers()).join(', ')} in place`);
  log(`the ${s.profile} stack is up (${seconds(started)}; state in ${s.dir})`);
}

/**
 * Stops at once when a port of a server about to start is taken by a process this stack did not
 * start (the same profile's stack of another checkout, say): its clients would reach that one,
 * with other credentials and other data.
 */
export async function portsFree(
  s: Pick<StackSettings, 'host' | 'dir' | 'profile'>,
  srv: Pick<Server, 'name' | 'ports'>,
): Promise<void> {
  for (const port of srv.ports) {
    // A server this stack has just stopped may hold its port a moment longer.
    let taken = await portOpen(s.host, port);
    for (let i = 0; taken && i < 10; i++) {
      await sleep(300);
      taken = await portOpen(s.host, port);
    }
    if (taken) {
      throw new Error(
        `${srv.name}: port ${port} on ${s.host} is taken by a process this stack (${s.dir}) did not start, perhaps the ${s.profile} stack of another checkout: stop that one (npm run stack:down there) and run this again`,
      );
    }
  }
}

async function topicsAndAcls(kafka: KafkaServer, authenticates = true): Promise<void> {
  const created = await kafka.createTopics(log);
  log(created.length > 0 ? `topics made or grown: ${created.join(', ')}` : 'all topics exist');
  if (authenticates) log(`ACLs from the contracts: ${await kafka.createAcls()} in place`);
  else log('no ACLs: KAFKA_SASL_MECHANISM=none, a broker that authenticates nobody');
}

export async function down(s: StackSettings = stackSettings()): Promise<void> {
  for (const srv of servers(s).reverse()) {
    const stopped = await (srv.stop?.() ?? srv.daemon.stop());
    log(`${srv.name} ${stopped ? 'stopped' : 'was not running'}`);
  }
}

async function status(s: StackSettings = stackSettings()): Promise<boolean> {
  let allUp = true;
  console.log(`the ${s.profile} stack (${s.dir})`);
  for (const srv of servers(s)) {
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
    up: () => up(),
    down: () => down(),
    install: () => install(),
    // The contract topics and ACLs on any Kafka: the local one, or KAFKA_BROKERS (comma-separated)
    // as KAFKA_USERNAME with KAFKA_PASSWORD, a principal allowed to create topics and ACLs.
    topics: async () => {
      const connection = process.env.KAFKA_BROKERS
        ? parseConfig('stack', z.object(kafkaEnv('admin')), process.env)
        : undefined;
      await topicsAndAcls(
        new KafkaServer(stackSettings(), connection),
        connection?.KAFKA_SASL_MECHANISM !== 'none',
      );
    },
    status: async () => {
      if (!(await status())) process.exitCode = 1;
    },
  };
  const action = cmd ? actions[cmd] : undefined;
  if (!action) {
    console.error('usage: stack <up|down|status|topics|install>');
    process.exit(2);
  }
  action().catch((err: Error) => {
    console.error(`[stack] ${err.message}`);
    process.exit(1);
  });
}
