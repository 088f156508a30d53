import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS } from '@roomkey/contracts';
import { StackSettings } from '@roomkey/common/config/stack';
import { Daemon, portOpen, run, waitFor } from './proc';

/** A stable id: formatting an existing log dir with another id would refuse to start. */
const CLUSTER_ID = 'cm9vbWtleS1zdGFjay0w';

export class KafkaServer {
  private readonly home: string;
  private readonly libs: string;
  readonly daemon: Daemon;

  constructor(
    private readonly s: StackSettings,
    private readonly brokers: string[] = [`${s.host}:${s.kafka.port}`],
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
    const props = path.join(this.home, 'server.properties');
    writeFileSync(props, serverProperties(this.s, dataDir));
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
    ]);
    this.daemon.start('java', [...jvm, '-cp', classpath, 'kafka.Kafka', props]);
    await waitFor(`Kafka to answer metadata at ${this.brokers.join(',')}`, () => this.ready(), {
      daemon: this.daemon,
      timeoutMs: 90000,
      log,
    });
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

  /** Creates every contract topic that is missing, with its partitions and retention. */
  async createTopics(): Promise<string[]> {
    const admin = this.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = ALL_TOPICS.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: 1,
            configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
          })),
        });
      }
      return missing.map((t) => t.name);
    } finally {
      await admin.disconnect();
    }
  }

  private admin(): Admin {
    return new Kafka({
      clientId: 'roomkey-stack',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    }).admin();
  }
}

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

function serverProperties(s: StackSettings, dataDir: string): string {
  const h = s.host;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${h}:${s.kafka.controllerPort}`,
    `listeners=PLAINTEXT://${h}:${s.kafka.port},CONTROLLER://${h}:${s.kafka.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${h}:${s.kafka.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
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
