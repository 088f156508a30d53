import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiServer, startApiServer } from '../../scripts/helm/apiserver';
import { CRD_DIR, ensureGoTool } from '../../scripts/helm/tools';
import { template, tool, VALUES } from './render';

/**
 * Both renders of the chart applied with `--dry-run=server` to a real kube-apiserver (on etcd,
 * no kubelet), the operators' CRDs created first: what the API server itself would refuse
 * (selectors, field names and values, an autoscaler's bounds) fails here.
 */
let api: ApiServer;
let home: string;
let helm: string;

beforeAll(async () => {
  helm = await ensureGoTool('helm');
  home = mkdtempSync(path.join(tmpdir(), 'roomkey-apiserver-'));
  api = await startApiServer(home, (m) => console.log(m));
  const kubectl = (...args: string[]) =>
    tool(api.kubectl, ['--kubeconfig', api.kubeconfig, '--cache-dir', cacheDir(), ...args]);
  // A dry-run namespace is not kept: the release's is made for real.
  expect(kubectl('create', 'namespace', 'roomkey').status).toBe(0);
  const crds = kubectl('create', '-R', '-f', CRD_DIR);
  expect(crds.stderr).toBe('');
  const established = kubectl(
    'wait',
    '--for',
    'condition=established',
    '--timeout',
    '60s',
    'crd',
    '--all',
  );
  expect(established.status === 0 ? 'established' : established.stderr).toBe('established');
}, 60 * 60_000);

/**
 * kubectl's discovery cache of this server only: the default one is keyed by host and port, and
 * another server of the run (the kwok cluster's) may have had the same port.
 */
const cacheDir = () => path.join(home, 'kubectl-cache');

/** `kubectl apply --dry-run=server` of a render into the release's namespace. */
const dryRun = (yaml: string) =>
  tool(
    api.kubectl,
    [
      '--kubeconfig',
      api.kubeconfig,
      '--cache-dir',
      cacheDir(),
      'apply',
      '--dry-run=server',
      '--server-side',
      '-n',
      'roomkey',
      '-f',
      '-',
    ],
    yaml,
  );

afterAll(async () => {
  await api?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

it.each(Object.keys(VALUES))('accepts the render with the %s values', (name) => {
  const r = dryRun(template(helm, VALUES[name]!));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/deployment.apps\/roomkey-face serverside-applied \(server dry run\)/);
});

it('refuses what only the API server checks: an autoscaler on CPU that may scale to no pod', () => {
  const r = dryRun(template(helm, ['--set', 'apps.gateway.autoscaling.minReplicas=0']));
  expect(r.status).not.toBe(0);
  // Scaling to zero needs a metric of an object or outside the cluster, not CPU.
  expect(r.stderr).toContain('The HorizontalPodAutoscaler "roomkey-gateway" is invalid');
});
