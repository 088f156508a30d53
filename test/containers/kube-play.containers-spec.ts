import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { stackCredentials, stackSettings, stackUrls } from '@roomkey/common';
import { ensureGoTool } from '../../scripts/helm/tools';
import { podman, requireImages, SYSTEM_IMAGES } from '../../scripts/containers/podman';
import { freePort, step } from '../../scripts/stack/proc';
import { manifests, type Manifest, template } from '../chart/render';
import { APPS, type AppName, CONSUMES, E2E_LOG_DIR } from '../e2e/system';
import { oneDoor } from '../e2e/world';
import { testKeyring, unique } from '../support/apps';
import { ADMIN, freshMongo } from '../support/auth';
import { MODEL_DIR } from '../support/face';
import { groupAtEnd } from '../support/kafka';
import { forgetLockClients } from '../support/locks';
import { freshDatabase } from '../support/postgres';
import { accessFlowTests } from './access-flow';
import { appObjects, components, forPodman, quantity } from './kube-play';

/**
 * What the Helm chart renders runs: its app Deployments (the six apps and the web clients, with
 * their ConfigMaps) rendered for servers outside the cluster, here the local stack, and played
 * by `podman kube play` on the images deploy/Dockerfile builds. The Secrets the operator makes
 * are podman secrets, the face models' claim a podman volume; what podman cannot take as the
 * chart renders it is changed in forPodman (kube-play.ts), each change with its reason. Every
 * app becomes ready, its pod as the chart says (read-only root, no capabilities, its limits),
 * and the end-to-end flow passes through the gateway; everything goes whatever the outcome.
 */
const log = (m: string) => console.log(`[kube play] ${m}`);
const ROOT = path.resolve(__dirname, '../..');
/** The release: names every object, secret and volume of the run. */
const RELEASE = `rk${randomBytes(3).toString('hex')}`;
const COMPONENTS = [...APPS, 'web'];
const STORES = { face: 'roomkey_face', access: 'roomkey_access', audit: 'roomkey_audit' } as const;

let dir: string;
let played: string | undefined;
/** When the pods were played: where their events start. */
let playedAt: string;
let pods: Manifest[] = [];
const secrets: string[] = [];
let modelVolume: string | undefined;
const ports = new Map<string, Record<string, number>>();
const drops: (() => Promise<void>)[] = [];
let accessDb: string | undefined;
let door: Awaited<ReturnType<typeof oneDoor>> | undefined;

/** A podman secret in the form kube play reads a Secret's keys from: JSON, values base64. */
async function secret(name: string, data: Record<string, string>): Promise<void> {
  const file = path.join(dir, `${name}.json`);
  const encoded = Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]);
  writeFileSync(file, JSON.stringify(Object.fromEntries(encoded)), { mode: 0o600 });
  try {
    await podman(['secret', 'create', name, file]);
    secrets.push(name);
  } finally {
    rmSync(file, { force: true });
  }
}

/** The values of the render: apps only, each once, the servers those of the local stack. */
async function valuesFor(): Promise<object> {
  const s = stackSettings();
  const urls = stackUrls(s);
  const groups = Object.fromEntries(APPS.map((a) => [a, unique(`roomkey.${a}.kube`)]));
  // New groups start at the end of their topics, as the e2e run's do.
  await Promise.all(
    Object.entries(CONSUMES).map(([app, topics]) => groupAtEnd(groups[app]!, topics)),
  );
  const databases: Record<string, string> = {};
  for (const [app, db] of Object.entries(STORES)) {
    const fresh = await freshDatabase(db);
    drops.push(fresh.drop);
    databases[app] = new URL(fresh.url).pathname.slice(1);
    if (app === 'access') accessDb = fresh.url;
  }
  for (const app of ['auth', 'qr'] as const) {
    const fresh = freshMongo(`roomkey_${app}`);
    drops.push(fresh.drop);
    databases[app] = new URL(fresh.url).pathname.slice(1);
  }
  const settings: Partial<Record<AppName, Record<string, string>>> = {
    // As the e2e run: one photo from the phone; limits that a test sending from one address
    // as a few callers does not reach.
    gateway: { FACE_PHONE_LIVENESS: 'passive', UPSTREAM_TIMEOUT_MS: '15000' },
    face: { RATE_ENROLMENT_PER_USER: '1000000/60', RATE_ENROLMENT_PER_ADDRESS: '1000000/60' },
  };
  return {
    image: { registry: 'localhost', prefix: 'roomkey-', tag: 'local', pullPolicy: 'Never' },
    kafka: { bootstrapServers: urls.kafkaBrokers },
    // The stack has the contracts' topics and ACLs already.
    kafkaInit: { enabled: false },
    postgresql: { host: s.host, port: s.postgres.port, tls: { enabled: false } },
    mongodb: { hosts: `${s.host}:${s.mongo.port}` },
    mosquitto: { url: urls.mqtt },
    ingress: { enabled: false },
    apps: {
      ...Object.fromEntries(
        APPS.map((app) => [
          app,
          {
            replicas: 1,
            autoscaling: { enabled: false },
            existingSecret: `${RELEASE}-${app}-secrets`,
            settings: { KAFKA_GROUP_ID: groups[app], ...settings[app] },
            ...(databases[app]
              ? {
                  database: {
                    name: databases[app],
                    ...(app in STORES ? { existingSecret: `${RELEASE}-${app}-db` } : {}),
                  },
                }
              : {}),
            ...(app === 'face' ? { models: { existingClaim: `${RELEASE}-models` } } : {}),
          },
        ]),
      ),
      web: { replicas: 1 },
    },
  };
}

/** The Secrets of docs/deploy.md, made from the local stack's credentials and new keys. */
async function makeSecrets(): Promise<void> {
  const c = stackCredentials()!;
  const kafka = (app: string) => ({ KAFKA_PASSWORD: c.kafka[`roomkey-${app}`]! });
  const capture = testKeyring();
  const own: Record<AppName, Record<string, string>> = {
    gateway: { FACE_CAPTURE_KEYRING: capture },
    auth: {
      MONGO_PASSWORD: c.mongo!['roomkey-auth']!,
      SIGNING_KEYRING: testKeyring(),
      ROOMKEY_ADMIN_EMAIL: ADMIN.email,
      ROOMKEY_ADMIN_PASSWORD: ADMIN.password,
    },
    qr: { MONGO_PASSWORD: c.mongo!['roomkey-qr']!, QR_KEYRING: testKeyring() },
    face: { FACE_TEMPLATE_KEYRING: testKeyring(), FACE_CAPTURE_KEYRING: capture },
    access: { MQTT_PASSWORD: c.mqtt!['roomkey-access']!, LOCK_KEYRING: testKeyring() },
    audit: {
      AUDIT_CHAIN_KEYRING: testKeyring(),
      AUDIT_CHECKPOINT_SIGNING_KEY: testKeyring(),
      WEBHOOK_KEYRING: testKeyring(),
    },
  };
  for (const app of APPS) await secret(`${RELEASE}-${app}-secrets`, { ...kafka(app), ...own[app] });
  for (const [app, role] of Object.entries(STORES)) {
    await secret(`${RELEASE}-${app}-db`, { username: role, password: c.postgres![role]! });
  }
}

/** A pod's containers (not its infra container), by name. */
async function containersOf(deployment: string): Promise<string[]> {
  const out = await podman([
    'ps',
    '-a',
    '--filter',
    `pod=${deployment}-pod-0`,
    '--format',
    '{{.Names}}',
  ]);
  return out.split('\n').filter((n) => n && !n.endsWith('-infra'));
}

/** Every component answering on its port (its readiness, or the web clients' pages). */
async function allReady(timeoutMs: number): Promise<void> {
  const checks = COMPONENTS.flatMap((c) =>
    c === 'web'
      ? [`http://127.0.0.1:${ports.get(c)!.admin}/`, `http://127.0.0.1:${ports.get(c)!.kiosk}/`]
      : [`http://127.0.0.1:${ports.get(c)!.http}/health/ready`],
  );
  const deadline = Date.now() + timeoutMs;
  let waiting = checks;
  while (waiting.length > 0) {
    const answers = await Promise.all(
      waiting.map((u) =>
        fetch(u, { signal: AbortSignal.timeout(3000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    waiting = waiting.filter((_, i) => !answers[i]);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      const state = await podman(['pod', 'ps', '--filter', `name=${RELEASE}-`]);
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${waiting.join(', ')}\n${state}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), `roomkey-${RELEASE}-`));
  await requireImages(SYSTEM_IMAGES);
  const helm = await ensureGoTool('helm', log);
  const valuesFile = path.join(dir, 'values.json');
  writeFileSync(valuesFile, JSON.stringify(await valuesFor()));
  const rendered = manifests(
    template(
      helm,
      ['-f', path.join(ROOT, 'test/chart/values-external.yaml'), '-f', valuesFile],
      RELEASE,
    ),
  );
  const objects = appObjects(rendered);
  for (const c of components(objects.deployments)) {
    const own: Record<string, number> = {};
    for (const port of Object.keys(c.ports)) own[port] = await freePort();
    ports.set(c.name, own);
  }
  pods = forPodman(objects, ports);
  await makeSecrets();
  modelVolume = `${RELEASE}-models`;
  await podman([
    'volume',
    'create',
    '--opt',
    'type=none',
    '--opt',
    'o=bind',
    '--opt',
    `device=${MODEL_DIR}`,
    modelVolume,
  ]);
  played = path.join(dir, 'pods.yaml');
  playedAt = new Date().toISOString();
  writeFileSync(played, pods.map((o) => stringify(o)).join('---\n'));
  await step(log, `podman kube play of ${objects.deployments.length} Deployments`, () =>
    podman(['kube', 'play', played!]),
  );
  // The face app loads and checks its models first: minutes on a busy machine.
  await step(log, 'waiting for every app to be ready', () => allReady(360_000));
  door = await oneDoor(`http://127.0.0.1:${ports.get('gateway')!.http}`);
}, 900_000);

afterAll(async () => {
  await door?.sim.stop();
  if (played) {
    mkdirSync(E2E_LOG_DIR, { recursive: true });
    for (const c of COMPONENTS) {
      for (const name of await containersOf(`${RELEASE}-${c}`).catch(() => [])) {
        const text = await podman(['logs', name]).catch((e: Error) => e.message);
        // The pod's one container left: its init container is gone once it has run.
        writeFileSync(path.join(E2E_LOG_DIR, `kube-play-${c}.log`), text);
      }
    }
    await podman(['kube', 'down', played]).catch((e: Error) => log(e.message));
  }
  if (secrets.length > 0)
    await podman(['secret', 'rm', ...secrets]).catch((e: Error) => log(e.message));
  if (modelVolume)
    await podman(['volume', 'rm', '-f', modelVolume]).catch((e: Error) => log(e.message));
  if (accessDb) await forgetLockClients(accessDb).catch(() => undefined);
  await Promise.all(drops.map((d) => d().catch(() => undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe('the chart’s app Deployments under podman kube play', () => {
  it('are the six apps and the web clients, their settings free of in-cluster names here', () => {
    const played = pods.filter((o) => o.kind === 'Deployment');
    expect(played.map((d) => d.metadata.labels!['app.kubernetes.io/component']).sort()).toEqual(
      [...COMPONENTS].sort(),
    );
    for (const m of pods.filter((o) => o.kind === 'ConfigMap')) {
      expect(JSON.stringify(m.data)).not.toContain(`${RELEASE}-`);
    }
  });

  it('run each app as the chart says: read-only root, not root, no capabilities, its limits', async () => {
    for (const d of pods.filter((o) => o.kind === 'Deployment')) {
      const name = d.metadata.labels!['app.kubernetes.io/component']!;
      const spec = d.spec.template.spec.containers[0];
      const [info] = JSON.parse(await podman(['inspect', `${d.metadata.name}-pod-0-${name}`])) as {
        Config: { User: string };
        HostConfig: {
          ReadonlyRootfs: boolean;
          SecurityOpt: string[];
          CapAdd: string[] | null;
          CapDrop: string[];
          Memory: number;
          CpuQuota: number;
          CpuPeriod: number;
        };
      }[];
      const h = info!.HostConfig;
      expect([name, h.ReadonlyRootfs]).toEqual([name, true]);
      expect(h.SecurityOpt).toContain('no-new-privileges');
      expect(h.CapAdd ?? []).toEqual([]);
      expect(h.CapDrop).toEqual(
        expect.arrayContaining(['CAP_CHOWN', 'CAP_SETUID', 'CAP_NET_RAW', 'CAP_NET_BIND_SERVICE']),
      );
      // The pod's runAsUser, or the image's user and group.
      expect(info!.Config.User).toMatch(/^1000(:1000)?$/);
      expect(h.Memory).toBe(quantity(spec.resources.limits.memory));
      expect(h.CpuQuota / h.CpuPeriod).toBeCloseTo(quantity(spec.resources.limits.cpu));
    }
  });
});

describe('the PostgreSQL apps’ init containers', () => {
  it('ran each one’s migrations to the end before the app started', async () => {
    const died = await podman([
      'events',
      '--stream=false',
      '--since',
      playedAt,
      '--filter',
      'event=died',
      '--format',
      '{{.Name}} {{.ContainerExitCode}}',
    ]);
    for (const app of Object.keys(STORES)) {
      expect(died).toMatch(new RegExp(`^${RELEASE}-${app}-pod-0-migrate 0$`, 'm'));
    }
  });
});

describe('the end-to-end flow through the played gateway', () => {
  accessFlowTests(() => door!);
});

describe('stopping the pods', () => {
  // `podman kube down` ends every container with SIGKILL (137) at once; stopped first with the
  // chart's grace, each app ends by itself on SIGTERM.
  it('ends each app on SIGTERM within its pod’s terminationGracePeriodSeconds', async () => {
    const deployments = pods.filter((o) => o.kind === 'Deployment');
    await Promise.all(
      deployments.map((d) =>
        podman([
          'pod',
          'stop',
          '-t',
          String(d.spec.template.spec.terminationGracePeriodSeconds),
          `${d.metadata.name}-pod-0`,
        ]),
      ),
    );
    for (const d of deployments) {
      const name = d.metadata.labels!['app.kubernetes.io/component']!;
      const [info] = JSON.parse(await podman(['inspect', `${d.metadata.name}-pod-0-${name}`])) as {
        State: { ExitCode: number };
      }[];
      expect([name, info!.State.ExitCode]).toEqual([name, 0]);
    }
  }, 120_000);
});
