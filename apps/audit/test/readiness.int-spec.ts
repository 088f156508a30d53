import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Readiness, READINESS_FRESH_MS, stackSettings } from '@roomkey/common';
import { gatewayAppOptions } from '../../gateway/src/app';
import { loadGatewayConfig } from '../../gateway/src/config';
import { auditAppOptions } from '../src/app';
import { loadAuditConfig } from '../src/config';
import { TEST_AUDIT_KEYS } from './support';
import { AccessModule } from '../../access/src/access.module';
import { loadAccessConfig } from '../../access/src/config';
import {
  eventually,
  startTestApp,
  TEST_CAPTURE_KEYRING,
  testKeyring,
  unique,
} from '../../../test/support/apps';
import { freshDatabase } from '../../../test/support/postgres';
import { TcpProxy } from '../../../test/support/tcp-proxy';

const ready = async (url: string) => {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: (await res.json()) as unknown };
};

/**
 * Ready first; once the proxy is cut, 503 saying only `down`, while the app knows that
 * `dependency` is down and `stillUp` is up, and liveness is unaffected; ready again once the
 * proxy is restored.
 */
async function expectReadinessFollows(
  app: INestApplication,
  base: string,
  proxy: TcpProxy,
  dependency: string,
  stillUp: string,
): Promise<void> {
  const isReady = async () => ((await ready(base)).status === 200 ? true : undefined);
  await eventually(isReady, 15000, 'ready');
  await proxy.cut();
  const down = await eventually(
    async () => {
      const r = await ready(base);
      return r.status === 503 ? r : undefined;
    },
    15000,
    'unready',
  );
  // Nothing about the dependencies, not even their names, and no error text.
  expect(down.body).toEqual({ status: 'down' });
  expect(app.get(Readiness).report![dependency]?.status).toBe('down');
  // The other dependency answers, if not at once on a busy machine (a check has a short limit).
  await eventually(
    async () => {
      await ready(base);
      const report = app.get(Readiness).report!;
      return report[stillUp]?.status === 'up' && report[dependency]?.status === 'down'
        ? true
        : undefined;
    },
    15000,
    `${dependency} down and ${stillUp} up`,
  );
  expect((await fetch(`${base}/health/live`)).status).toBe(200);
  await proxy.restore();
  await eventually(isReady, 15000, 'ready again');
}

describe('readiness follows the dependencies', () => {
  const s = stackSettings();

  it('audit: ready with PostgreSQL and Kafka, unready when PostgreSQL goes away, ready again when it returns', async () => {
    const db = await freshDatabase('roomkey_audit');
    const proxy = new TcpProxy(s.host, s.postgres.port);
    const port = await proxy.start();
    // Over TCP through the proxy, not through the stack's Unix socket.
    const proxied = new URL(db.url);
    proxied.port = String(port);
    proxied.searchParams.delete('host');
    const url = proxied.toString();
    const { app, url: base } = await startTestApp(
      auditAppOptions(
        loadAuditConfig({
          DATABASE_URL: url,
          KAFKA_GROUP_ID: unique('roomkey.audit.it'),
          LOG_LEVEL: 'fatal',
          ...TEST_AUDIT_KEYS,
        }),
      ),
    );
    try {
      expect(await ready(base)).toEqual({ status: 200, body: { status: 'up' } });
      await expectReadinessFollows(app, base, proxy, 'postgres', 'kafka');
    } finally {
      await proxy.cut();
      await app.close();
      await db.drop();
    }
  });

  it('access: unready when the MQTT broker of the locks goes away', async () => {
    const db = await freshDatabase('roomkey_access');
    const proxy = new TcpProxy(s.host, s.mqtt.port);
    const port = await proxy.start();
    const config = loadAccessConfig({
      DATABASE_URL: db.url,
      MQTT_URL: `mqtt://127.0.0.1:${port}`,
      LOCK_KEYRING: testKeyring(),
      LOG_LEVEL: 'fatal',
    });
    const { app, url: base } = await startTestApp({
      name: 'access',
      module: AccessModule.forConfig(config),
      config,
    });
    try {
      await expectReadinessFollows(app, base, proxy, 'mqtt', 'postgres');
    } finally {
      await proxy.cut();
      await app.close();
      await db.drop();
    }
  });
});

describe('readiness is cheap to ask', () => {
  it('gateway: answers up from one Kafka connection kept open, however often it is asked', async () => {
    const kafkaPort = stackSettings().kafka.port;
    const { app, url } = await startTestApp(
      gatewayAppOptions(
        loadGatewayConfig({ FACE_CAPTURE_KEYRING: TEST_CAPTURE_KEYRING, LOG_LEVEL: 'fatal' }),
      ),
    );
    // Every TCP connection this process opens to the broker from now on (its local port).
    const toKafka: number[] = [];
    const opened = (message: unknown) => {
      const { socket } = message as { socket: Socket };
      socket.once('connect', () => {
        if (socket.remotePort === kafkaPort) toKafka.push(socket.localPort ?? 0);
      });
    };
    try {
      expect(await ready(url)).toEqual({ status: 200, body: { status: 'up' } });
      subscribe('net.client.socket', opened);
      // Each call after the answer has gone stale asks Kafka again, over the same connection.
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, READINESS_FRESH_MS + 100));
        expect(await ready(url)).toEqual({ status: 200, body: { status: 'up' } });
      }
      // Callers in between share an answer.
      const burst = await Promise.all(Array.from({ length: 20 }, () => ready(url)));
      expect(burst.every((r) => r.status === 200)).toBe(true);
      expect(toKafka).toHaveLength(0);
    } finally {
      unsubscribe('net.client.socket', opened);
      await app.close();
    }
  });
});
