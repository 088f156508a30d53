import { stringify } from 'yaml';
import { ALL_TOPICS, APP_NAMES, DLQ_TOPICS } from '@roomkey/contracts';
import { isCurrent } from '../../scripts/helm/generate';
import { ChartTools, ensureChartTools } from '../../scripts/helm/tools';
import { CHART, KUBE_VERSION, Manifest, manifests, template, tool, VALUES } from './render';

/**
 * The Helm chart as CI checks it: lint, schemas (core kinds and the operators' CRDs, offline),
 * kube-score, and what the architecture asks of what it renders. Each values file is rendered
 * once; the tools are built into the cache first when missing (minutes, once per machine).
 */
let tools: ChartTools;
const rendered: Record<string, { yaml: string; objects: Manifest[] }> = {};

beforeAll(async () => {
  tools = await ensureChartTools();
  for (const [name, args] of Object.entries(VALUES)) {
    const yaml = template(tools.helm, args);
    rendered[name] = { yaml, objects: manifests(yaml) };
  }
}, 30 * 60_000);

const kubeconformArgs = () => [
  '-strict',
  '-summary',
  '-output',
  'json',
  ...tools.schemaLocations.flatMap((at) => ['-schema-location', at]),
];
const of = (objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind);
const PG_APPS = ['face', 'access', 'audit'];
const DEAD_LETTER = new Set(DLQ_TOPICS.map((t) => t.name));
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

it('is made from the current contracts (npx tsx scripts/helm/generate.ts)', () => {
  expect(isCurrent()).toBe(true);
});

describe.each(Object.keys(VALUES))('with the %s values', (name) => {
  const objects = () => rendered[name]!.objects;
  const deployments = () => of(objects(), 'Deployment');
  const runsServers = () => name !== 'external servers';

  it('passes helm lint --strict', () => {
    const r = tool(tools.helm, ['lint', '--strict', ...KUBE_VERSION, CHART, ...VALUES[name]!]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders only kinds kubeconform -strict finds valid against the offline schemas', () => {
    const r = tool(tools.kubeconform, kubeconformArgs(), rendered[name]!.yaml);
    const report = JSON.parse(r.stdout) as {
      resources?: { kind: string; name: string; status: string; msg: string }[];
      summary: { valid: number; invalid: number; errors: number; skipped: number };
    };
    expect((report.resources ?? []).filter((x) => x.status !== 'statusValid')).toEqual([]);
    expect(report.summary).toEqual(
      expect.objectContaining({ invalid: 0, errors: 0, skipped: 0, valid: objects().length }),
    );
  });

  it('has no critical kube-score finding', () => {
    const r = tool(tools.kubeScore, ['score', '--output-format', 'ci', '-'], rendered[name]!.yaml);
    const critical = r.stdout.split('\n').filter((l) => l.startsWith('[CRITICAL]'));
    expect(critical).toEqual([]);
  });

  it('gives every app and the web clients probes, a restricted security context and a PDB', () => {
    const pdbs = of(objects(), 'PodDisruptionBudget');
    expect(
      deployments()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual([...APP_NAMES, 'web'].map((a) => `roomkey-${a}`).sort());
    for (const d of deployments()) {
      const pod = d.spec.template.spec;
      const labels = d.spec.template.metadata.labels;
      expect([d.metadata.name, matches(d.spec.selector.matchLabels, labels)]).toEqual([
        d.metadata.name,
        true,
      ]);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.topologySpreadConstraints.length).toBeGreaterThan(0);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.requests).toBeDefined();
        expect(c.resources.limits).toBeDefined();
      }
      const [main] = pod.containers;
      expect([
        d.metadata.name,
        !!main.livenessProbe,
        !!main.readinessProbe,
        !!main.startupProbe,
      ]).toEqual([d.metadata.name, true, true, true]);
      // The app's own stop (up to 10 s) after the 5 s that take it out of the endpoints.
      if (d.metadata.name !== 'roomkey-web')
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
      const covering = pdbs.filter((p) => matches(p.spec.selector.matchLabels, labels));
      expect([d.metadata.name, covering.length]).toEqual([d.metadata.name, 1]);
      const sa = of(objects(), 'ServiceAccount').find(
        (s) => s.metadata.name === pod.serviceAccountName,
      );
      expect(sa?.automountServiceAccountToken).toBe(false);
    }
    // The face app loads and checks its models before it answers: minutes on a slow node.
    const face = deployments().find((d) => d.metadata.name === 'roomkey-face')!;
    const startup = face.spec.template.spec.containers[0].startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(120);
  });

  it('migrates each PostgreSQL app before it starts', () => {
    for (const d of deployments()) {
      const app = d.metadata.name.replace('roomkey-', '');
      const init = (d.spec.template.spec.initContainers ?? []) as { command: string[] }[];
      expect([app, init.map((c) => c.command.at(-1))]).toEqual([
        app,
        PG_APPS.includes(app) ? [`dist/apps/${app}/src/migrate.js`] : [],
      ]);
    }
  });

  it('makes no Secret: every password and key is in one the operator names', () => {
    expect(of(objects(), 'Secret')).toEqual([]);
    for (const d of deployments().filter((x) => x.metadata.name !== 'roomkey-web')) {
      const refs = d.spec.template.spec.containers[0].envFrom.filter(
        (e: object) => 'secretRef' in e,
      );
      expect(refs).toHaveLength(1);
    }
  });

  it('denies every pod of the chart by default and allows each its own paths', () => {
    const policies = of(objects(), 'NetworkPolicy');
    const deny = policies.find((p) => !p.spec.ingress && !p.spec.egress)!;
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    for (const d of [...deployments(), ...of(objects(), 'StatefulSet')]) {
      const labels = d.spec.template.metadata.labels;
      expect([d.metadata.name, matches(deny.spec.podSelector.matchLabels, labels)]).toEqual([
        d.metadata.name,
        true,
      ]);
      const own = policies.filter(
        (p) => p !== deny && matches(p.spec.podSelector.matchLabels, labels),
      );
      expect([d.metadata.name, own.length]).toEqual([d.metadata.name, 1]);
    }
    // Strimzi and CloudNativePG copy their resources' labels to the pods they make, which the
    // chart's policies must leave to them.
    for (const o of objects().filter((x) =>
      ['Kafka', 'KafkaNodePool', 'Cluster'].includes(x.kind),
    )) {
      expect([o.kind, matches(deny.spec.podSelector.matchLabels, o.metadata.labels ?? {})]).toEqual(
        [o.kind, false],
      );
    }
    // Only the gateway may call the apps behind it.
    const qr = policies.find((p) => p.metadata.name === 'roomkey-qr')!;
    expect(qr.spec.ingress[0].from).toEqual([
      {
        podSelector: {
          matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'gateway' }),
        },
      },
    ]);
  });

  it('serves the gateway and the web clients through one Ingress with TLS', () => {
    const [ingress] = of(objects(), 'Ingress');
    expect(ingress!.spec.tls[0].hosts).toHaveLength(3);
    const backends = ingress!.spec.rules.map(
      (r: { http: { paths: { backend: { service: { name: string } } }[] } }) =>
        r.http.paths[0]!.backend.service.name,
    );
    expect(backends).toEqual(['roomkey-gateway', 'roomkey-web', 'roomkey-web']);
  });

  it('scales the gateway on CPU and each app that works through Kafka on its lag, within its partitions', () => {
    const partitions = new Map(ALL_TOPICS.map((t) => [t.name, t.partitions]));
    const hpas = of(objects(), 'HorizontalPodAutoscaler');
    const scaled = of(objects(), 'ScaledObject');
    const gateway = hpas.find((h) => h.spec.scaleTargetRef.name === 'roomkey-gateway')!;
    expect(gateway.spec.metrics[0].resource.name).toBe('cpu');
    for (const app of APP_NAMES) {
      // What it reads in its group; a dead-letter topic (one partition, ADR 023) is read by one member.
      const reads = ALL_TOPICS.filter((t) => t.consumers.includes(app) && !DEAD_LETTER.has(t.name));
      const so = scaled.find((s) => s.spec.scaleTargetRef.name === `roomkey-${app}`);
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === `roomkey-${app}`);
      const max = so ? so.spec.maxReplicaCount : hpa?.spec.maxReplicas;
      for (const t of reads)
        expect([app, t.name, max <= t.partitions]).toEqual([app, t.name, true]);
      if (app === 'gateway' || reads.length === 0) continue;
      // Every app with work on Kafka scales on the lag of its group on each of those topics.
      const lag = so!.spec.triggers.filter((t: { type: string }) => t.type === 'kafka');
      expect(lag.map((t: { metadata: { topic: string } }) => t.metadata.topic).sort()).toEqual(
        reads.map((t) => t.name).sort(),
      );
      for (const t of lag) {
        // KEDA's scalers run in their own namespace: the broker's name must hold in any.
        if (runsServers()) expect(t.metadata.bootstrapServers).toMatch(/\.svc:\d+$/);
        expect(t.metadata.consumerGroup).toBe(`roomkey.${app}`);
        expect(max).toBeLessThanOrEqual(partitions.get(t.metadata.topic)!);
      }
    }
  });

  it('makes every topic of the contracts, with its partitions, when it runs Kafka', () => {
    if (!runsServers()) {
      // On a Kafka of the cluster's own, a hook Job makes them with the compose file's tool.
      const [job] = of(objects(), 'Job');
      expect(job!.metadata.annotations!['helm.sh/hook']).toBe('post-install,post-upgrade');
      expect(job!.spec.template.spec.containers[0].command.slice(-2)).toEqual([
        'tools/init.js',
        'kafka',
      ]);
      return;
    }
    const topics = of(objects(), 'KafkaTopic').map((t) => [t.spec.topicName, t.spec.partitions]);
    expect(topics.sort()).toEqual(ALL_TOPICS.map((t) => [t.name, t.partitions]).sort());
  });

  it("gives each app's Kafka user exactly the ACLs its contracts imply", () => {
    if (!runsServers()) return expect(of(objects(), 'KafkaUser')).toEqual([]);
    const users = of(objects(), 'KafkaUser');
    expect(users.map((u) => u.metadata.name).sort()).toEqual(
      APP_NAMES.map((a) => `roomkey-${a}`).sort(),
    );
    for (const app of APP_NAMES) {
      const want = [
        ...ALL_TOPICS.filter((t) => t.producers.includes(app)).map(
          (t) => `topic:${t.name}:literal:Write`,
        ),
        ...ALL_TOPICS.filter((t) => t.consumers.includes(app)).map(
          (t) => `topic:${t.name}:literal:Read`,
        ),
        ...(ALL_TOPICS.some((t) => t.consumers.includes(app))
          ? [`group:roomkey.${app}:prefix:Read`]
          : []),
      ];
      const user = users.find((u) => u.metadata.name === `roomkey-${app}`)!;
      expect(user.spec.authentication.type).toBe('scram-sha-512');
      const have = user.spec.authorization.acls.flatMap(
        (a: {
          resource: { type: string; name: string; patternType: string };
          operations: string[];
        }) =>
          a.operations.map(
            (op) => `${a.resource.type}:${a.resource.name}:${a.resource.patternType}:${op}`,
          ),
      );
      expect([app, have.sort()]).toEqual([app, want.sort()]);
    }
  });

  it('makes a PostgreSQL role and database per app, none of them a superuser', () => {
    if (!runsServers()) return expect(of(objects(), 'Cluster')).toEqual([]);
    const [cluster] = of(objects(), 'Cluster');
    const roles = cluster!.spec.managed.roles;
    expect(roles.map((r: { name: string }) => r.name).sort()).toEqual(
      PG_APPS.map((a) => `roomkey_${a}`).sort(),
    );
    for (const r of roles)
      expect(r).toMatchObject({
        login: true,
        superuser: false,
        createdb: false,
        createrole: false,
      });
    const made = [
      cluster!.spec.bootstrap.initdb.database,
      ...cluster!.spec.bootstrap.initdb.postInitSQL
        .filter((s: string) => s.startsWith('create database'))
        .map((s: string) => s.split(' ')[2]),
    ];
    expect(made.sort()).toEqual(PG_APPS.map((a) => `roomkey_${a}`).sort());
  });
});

it("runs the production broker with TLS only, and keeps the locks' own addresses for its NetworkPolicy", () => {
  const objects = rendered.production!.objects;
  const named = (kind: string, name: string) =>
    of(objects, kind).find((o) => o.metadata.name === name)!;
  const conf = named('ConfigMap', 'roomkey-mosquitto').data['mosquitto.conf'] as string;
  expect(conf).toMatch(/^listener 8883$/m);
  expect(conf).not.toMatch(/listener 1883/);
  expect(conf).toMatch(/^certfile /m);
  const service = named('Service', 'roomkey-mosquitto');
  expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
  expect(service.spec.ports.map((p: { port: number }) => p.port)).toEqual([8883]);
  expect(named('ConfigMap', 'roomkey-access').data).toMatchObject({
    MQTT_URL: 'mqtts://roomkey-mosquitto:8883',
    MQTT_TLS_CA: '/etc/roomkey/mqtt-ca/ca.crt',
  });
});

it('refuses an autoscaler allowed more replicas than its topics have partitions', () => {
  expect(() => template(tools.helm, ['--set', 'apps.face.autoscaling.maxReplicas=13'])).toThrow(
    /apps.face.autoscaling.maxReplicas 13 is above the 12 partitions of face.captured.v1/,
  );
});

it('has kubeconform refuse a field that a CRD or a core kind does not have', () => {
  const [user] = of(rendered.default!.objects, 'KafkaUser');
  const [deployment] = of(rendered.default!.objects, 'Deployment');
  const broken = [
    {
      ...user,
      spec: { ...user!.spec, authentication: { ...user!.spec.authentication, passwrd: 'x' } },
    },
    { ...deployment, spec: { ...deployment!.spec, replica: 2 } },
  ];
  const r = tool(
    tools.kubeconform,
    kubeconformArgs(),
    broken.map((o) => stringify(o)).join('---\n'),
  );
  expect(JSON.parse(r.stdout).summary).toEqual(expect.objectContaining({ invalid: 2, valid: 0 }));
});
