import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ensureEtcd, ensureKubeControllers, ensureKubernetes } from '../../scripts/helm/apiserver';
import { ensureGoTool } from '../../scripts/helm/tools';
import { manifests, template, tool } from './render';

/**
 * The chart's Deployments on a kwok cluster (fake nodes, the real API server, controller manager
 * and scheduler, all built from the Go module proxy): each becomes available, and each scales
 * on its own when its replica count changes. There is no metrics server or KEDA here, so the
 * autoscalers are left out and the counts set by hand, as an autoscaler would.
 */
const log = (m: string) => console.log(m);
const CLUSTER = `roomkey-${process.pid}`;
const APPS = ['gateway', 'auth', 'qr', 'face', 'access', 'audit', 'web'];
let work: string;
let kwokctl: string;
let kubectl: (...args: string[]) => { status: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  const kwok = await ensureGoTool('kwok', log);
  kwokctl = path.join(path.dirname(kwok), 'kwokctl');
  const [etcd, k8s, control, helm] = [
    await ensureEtcd(log),
    await ensureKubernetes(log),
    await ensureKubeControllers(log),
    await ensureGoTool('helm', log),
  ];
  work = mkdtempSync(path.join(tmpdir(), 'roomkey-kwok-'));
  process.env.KWOK_WORKDIR = work;
  const kubeconfig = path.join(work, 'kubeconfig');
  const created = tool(kwokctl, [
    'create',
    'cluster',
    '--name',
    CLUSTER,
    '--runtime',
    'binary',
    '--kubeconfig',
    kubeconfig,
    '--etcd-binary',
    etcd,
    '--kube-apiserver-binary',
    k8s.apiserver,
    '--kube-controller-manager-binary',
    control.controllerManager,
    '--kube-scheduler-binary',
    control.scheduler,
    '--kwok-controller-binary',
    kwok,
    '--wait',
    '120s',
  ]);
  expect(created.status).toBe(0);
  const cache = path.join(work, 'kubectl-cache');
  kubectl = (...args: string[]) =>
    tool(k8s.kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...args]);
  // Three nodes with room for the pods' requests (kwok's have no ephemeral storage of their own).
  const nodes = tool(kwokctl, [
    'scale',
    'node',
    '--name',
    CLUSTER,
    '--replicas',
    '3',
    '--param',
    '.allocatable["ephemeral-storage"]="100Gi"',
  ]);
  expect(nodes.status).toBe(0);
  expect(kubectl('create', 'namespace', 'roomkey').status).toBe(0);
  const objects = manifests(template(helm, [])).filter((o) =>
    ['Deployment', 'ConfigMap', 'ServiceAccount', 'Service'].includes(o.kind),
  );
  const applied = tool(
    k8s.kubectl,
    [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      path.join(work, 'kubectl-cache'),
      'apply',
      '-n',
      'roomkey',
      '-f',
      '-',
    ],
    objects.map((o) => stringify(o)).join('---\n'),
  );
  expect(applied.stderr).toBe('');
}, 60 * 60_000);

afterAll(() => {
  if (kwokctl && work) tool(kwokctl, ['delete', 'cluster', '--name', CLUSTER]);
  if (work) rmSync(work, { recursive: true, force: true });
});

interface DeploymentList {
  items: {
    metadata: { name: string; generation: number };
    spec: { replicas: number };
    status: { observedGeneration?: number; availableReplicas?: number; replicas?: number };
  }[];
}

/** Each Deployment's replicas once every one has them all available (and no more), by app. */
async function available(): Promise<Record<string, number>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const list = JSON.parse(
      kubectl('get', 'deployments', '-n', 'roomkey', '-o', 'json').stdout,
    ) as DeploymentList;
    const settled = list.items.every(
      (d) =>
        d.status.observedGeneration === d.metadata.generation &&
        d.status.availableReplicas === d.spec.replicas &&
        d.status.replicas === d.spec.replicas,
    );
    if (settled) {
      return Object.fromEntries(
        list.items.map((d) => [d.metadata.name.replace('roomkey-', ''), d.spec.replicas]),
      );
    }
    if (Date.now() > deadline)
      throw new Error(
        `not settled: ${JSON.stringify(list.items.map((d) => [d.metadata.name, d.status]))}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

it('makes every Deployment available, then scales each on its own', async () => {
  let counts = await available();
  expect(Object.keys(counts).sort()).toEqual([...APPS].sort());
  for (const [i, app] of APPS.entries()) {
    const want = 3 + i;
    expect(
      kubectl('scale', '-n', 'roomkey', `deployment/roomkey-${app}`, `--replicas=${want}`).status,
    ).toBe(0);
    const now = await available();
    expect(now).toEqual({ ...counts, [app]: want });
    counts = now;
  }
}, 600_000);
