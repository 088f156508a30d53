import { stackSettings } from '@roomkey/common';
import { auditAppOptions } from '../src/app';
import { loadAuditConfig } from '../src/config';
import { TEST_AUDIT_KEYS } from './support';
import { AccessModule } from '../../access/src/access.module';
import { loadAccessConfig } from '../../access/src/config';
import { eventually, startTestApp, testKeyring, unique } from '../../../test/support/apps';
import { freshDatabase } from '../../../test/support/postgres';
import { TcpProxy } from '../../../test/support/tcp-proxy';

const ready = async (url: string) => {
  const res = await fetch(`${url}/health/ready`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; details: Record<string, { status: string }> },
  };
};

/**
 * Ready first; once the proxy is cut, 503 with `dependency` down while `stillUp` stays up and
 * liveness is unaffected; ready again once the proxy is restored.
 */
async function expectReadinessFollows(
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
  expect(down.body.details[dependency].status).toBe('down');
  expect(down.body.details[stillUp].status).toBe('up');
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
      expect(await ready(base)).toMatchObject({ status: 200, body: { status: 'ok' } });
      await expectReadinessFollows(base, proxy, 'postgres', 'kafka');
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
      await expectReadinessFollows(base, proxy, 'mqtt', 'postgres');
    } finally {
      await proxy.cut();
      await app.close();
      await db.drop();
    }
  });
});
