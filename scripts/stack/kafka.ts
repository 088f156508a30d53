import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { ALL_TOPICS, APP_NAMES, TopicSpec } from '@roomkey/contracts';
import { kafkaConnection, KafkaSecurity } from '@roomkey/common/kafka/kafka-client';
import { KAFKA_ADMIN_USER, stackCredentials, StackSettings } from '@roomkey/common/config/stack';
import { ensureCredentials, KAFKA_USERS } from './credentials';
import { Daemon, portOpen, run, waitFor } from './proc';

/** A stable id: formatting an existing log dir with another id would refuse to start. */
export const CLUSTER_ID = 'cm9vbWtleS1zdGFjay0w';

export class KafkaServer {
  private readonly home: string;
  private readonly libs: string;
  readonly daemon: Daemon;

  /**
   * `connection` reaches another Kafka than the local one (`stack topics` for a deployment's
   * cluster); by default the local broker as the stack's own principal.
   */
  constructor(
    private readonly s: StackSettings,
    private readonly connection?: KafkaSecurity,
  ) {
    this.home = path.join(s.dir, 'kafka');
    this.libs = path.join(s.cacheDir, `kafka-${s.kafka.version}`, 'libs');
    this.daemon = new Daemon('kafka', this.home);
  }

  /** Whether the broker's jars are in the cache. */
  installed(): boolean {
    return existsSync(this.libs) && readdirSync(this.libs).some((f) => f.startsWith('kafka_2.13'));
  }

  /**
   * Fetches the broker's jars from Maven Central into the cache (a pom with the runtime
   * classpath), in a folder of their own that is renamed into place when complete.
   */
  async install(): Promise<void> {
    if (this.installed()) return;
    const work = `${this.libs}.partial-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const pom = path.join(work, 'pom.xml');
    writeFileSync(pom, kafkaPom(this.s.kafka.version));
    try {
      await run('mvn', [
        '-B',
        '-q',
        '-f',
        pom,
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(work, 'libs')}`,
      ]);
      if (!this.installed()) renameSync(path.join(work, 'libs'), this.libs);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  async start(log?: (m: string) => void): Promise<void> {
    const dataDir = path.join(this.home, 'data');
    mkdirSync(dataDir, { recursive: true });
    const credentials = ensureCredentials(this.s);
    const props = path.join(this.home, 'server.properties');
    const listeners = {
      bind: this.s.host,
      advertised: this.s.host,
      port: this.s.kafka.port,
      controllerPort: this.s.kafka.controllerPort,
    };
    writeFileSync(
      props,
      serverProperties(listeners, dataDir, credentials.kafka[KAFKA_ADMIN_USER]!),
      { mode: 0o600 },
    );
    // The SCRAM users are written when the log folder is formatted: a folder formatted for
    // another set of users (or none) starts afresh.
    const users = createHash('sha256').update(JSON.stringify(credentials.kafka)).digest('hex');
    const marker = path.join(this.home, 'users.sha256');
    if (existsSync(path.join(dataDir, 'meta.properties')) && readText(marker) !== users) {
      log?.('Kafka: its log folder was made for other users; formatting it afresh');
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
    }
    const log4j = path.join(this.home, 'log4j.properties');
    writeFileSync(log4j, LOG4J);
    const classpath = `${this.libs}/*`;
    const jvm = [`-Xms128m`, `-Xmx${this.s.kafka.heapMb}m`, `-Dlog4j.configuration=file:${log4j}`];
    await run('java', [
      ...jvm,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      CLUSTER_ID,
      '-c',
      props,
      '--ignore-formatted',
      ...KAFKA_USERS.flatMap((name) => [
        '--add-scram',
        `SCRAM-SHA-512=[name=${name},password=${credentials.kafka[name]}]`,
      ]),
    ]);
    writeFileSync(marker, users);
    this.daemon.start('java', [...jvm, '-cp', classpath, 'kafka.Kafka', props]);
    await waitFor(
      `Kafka to answer metadata at ${this.s.host}:${this.s.kafka.port}`,
      () => this.ready(),
      {
        daemon: this.daemon,
        timeoutMs: 90000,
        log,
      },
    );
  }

  async ready(): Promise<boolean> {
    if (!(await portOpen(this.s.host, this.s.kafka.port))) return false;
    const admin = this.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Creates every contract topic that is missing, with its partitions and retention, and gives
   * a topic made with fewer partitions than its contract now asks the rest (a partition is
   * never taken away). Then waits, saying so, until every partition has a leader: a broker on a
   * busy machine can take seconds to elect them, and an app reading a partition without one
   * would fail to start.
   */
  async createTopics(log?: (m: string) => void): Promise<string[]> {
    const admin = this.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = ALL_TOPICS.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: 1,
            configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
          })),
        });
      }
      const present = ALL_TOPICS.filter((t) => existing.has(t.name));
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      const grow = present.flatMap((t) => {
        const has = topics.find((m) => m.name === t.name)?.partitions.length ?? t.partitions;
        return has < t.partitions ? [{ topic: t.name, count: t.partitions }] : [];
      });
      if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
      if (missing.length > 0 || grow.length > 0) {
        const partitions = ALL_TOPICS.reduce((n, t) => n + t.partitions, 0);
        await waitFor(
          `Kafka to elect a leader for each of the ${partitions} partitions`,
          async () => {
            const meta = await admin.fetchTopicMetadata({ topics: ALL_TOPICS.map((t) => t.name) });
            return ALL_TOPICS.every((t) => {
              const has = meta.topics.find((m) => m.name === t.name)?.partitions ?? [];
              return has.length >= t.partitions && has.every((p) => p.leader >= 0);
            });
          },
          { timeoutMs: 90000, daemon: this.connection ? undefined : this.daemon, log },
        );
      }
      return [...missing.map((t) => t.name), ...grow.map((g) => `${g.topic} (grown)`)];
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The ACLs the contracts imply: each app's principal writes the topics it produces and reads
   * the topics it consumes, in consumer groups named after it (`roomkey.<app>…`). Nothing else
   * is allowed (the broker allows no one an operation without an ACL, but its super user).
   */
  async createAcls(): Promise<number> {
    const acl = aclsFromContracts(ALL_TOPICS);
    const admin = this.admin();
    await admin.connect();
    try {
      await admin.createAcls({ acl });
      return acl.length;
    } finally {
      await admin.disconnect();
    }
  }

  private admin(): Admin {
    return new Kafka({
      clientId: 'roomkey-stack',
      ...kafkaConnection(this.connection ?? localAdmin(this.s)),
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    }).admin();
  }
}

/** The local broker as the stack's own principal. */
export function localAdmin(s: StackSettings): KafkaSecurity {
  const credentials = stackCredentials(s);
  return {
    KAFKA_BROKERS: [`${s.host}:${s.kafka.port}`],
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_USERNAME: KAFKA_ADMIN_USER,
    KAFKA_PASSWORD: credentials?.kafka[KAFKA_ADMIN_USER],
    KAFKA_TLS: false,
  };
}

const allow = (
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  prefixed = false,
) => ({
  principal: `User:${principal}`,
  host: '*',
  resourceType,
  resourceName,
  resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

/** Every ACL of the system, from who produces and who consumes each topic. */
export function aclsFromContracts(topics: readonly TopicSpec[]) {
  const acls = [];
  for (const t of topics) {
    for (const app of t.producers) {
      acls.push(allow(`roomkey-${app}`, AclResourceTypes.TOPIC, t.name, AclOperationTypes.WRITE));
    }
    for (const app of t.consumers) {
      acls.push(allow(`roomkey-${app}`, AclResourceTypes.TOPIC, t.name, AclOperationTypes.READ));
    }
  }
  for (const app of APP_NAMES) {
    const consumes = topics.some((t) => t.consumers.includes(app));
    if (consumes) {
      acls.push(
        allow(
          `roomkey-${app}`,
          AclResourceTypes.GROUP,
          `roomkey.${app}`,
          AclOperationTypes.READ,
          true,
        ),
      );
    }
  }
  return acls;
}

const readText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

function kafkaPom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.roomkey</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
`;
}

/** Where a single-node broker listens, and the name its clients and controller reach it by. */
export interface KafkaListeners {
  bind: string;
  advertised: string;
  port: number;
  controllerPort: number;
}

/**
 * A single-node KRaft broker's settings: the local stack's, and docker-compose.yml's (generated
 * from here, scripts/compose/generate.ts). Nobody gets in without SCRAM, nothing is allowed
 * without an ACL but to the stack's own principal.
 */
export function serverProperties(l: KafkaListeners, dataDir: string, password: string): string {
  const admin = KAFKA_ADMIN_USER;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${l.advertised}:${l.controllerPort}`,
    // Every listener authenticates: the clients' with SCRAM (its users live in the cluster's
    // metadata), the controller's with PLAIN (SCRAM users are not known before the controller
    // runs). The broker speaks to both as the stack's own principal, a super user.
    `listeners=CLIENTS://${l.bind}:${l.port},CONTROLLER://${l.bind}:${l.controllerPort}`,
    `advertised.listeners=CLIENTS://${l.advertised}:${l.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=CLIENTS',
    'listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENTS:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    'sasl.mechanism.controller.protocol=PLAIN',
    `listener.name.clients.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin}" password="${password}";`,
    `listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin}" password="${password}" user_${admin}="${password}";`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${admin}`,
    'allow.everyone.if.no.acl.found=false',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.cleaner.dedupe.buffer.size=16777216',
    // Topics come from the contracts, created up front; a typo must fail, not make a topic.
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.logger.kafka.server.KafkaServer=INFO',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');
