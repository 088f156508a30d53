import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stackSettings } from '@roomkey/common/config/stack';
import { Daemon, freePort, run, step, waitFor } from '../stack/proc';

/**
 * A real Kubernetes API server for `kubectl apply --dry-run=server` of the chart's renders:
 * etcd and kube-apiserver (no kubelet, no controllers), built once per machine from the Go
 * module proxy into `<cache>/kubernetes-<version>` and `<cache>/etcd-<version>`. It rejects
 * what schema checks miss: a selector that does not match its pods, an unknown field, an
 * autoscaler whose minimum is above its maximum.
 */
export const KUBERNETES = '1.37.2';
export const ETCD = 'v3.6.16';

const cache = () => stackSettings().cacheDir;
type Log = (m: string) => void;

async function goBuild(
  dir: string,
  what: string,
  log: Log,
  build: (work: string) => Promise<void>,
) {
  if (existsSync(dir)) return;
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, 'src'), { recursive: true });
  try {
    await step(log, `building ${what} from the Go module proxy into ${dir}`, () => build(work));
    rmSync(path.join(work, 'src'), { recursive: true, force: true });
    if (!existsSync(dir)) renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const goEnv = (src: string) => ({
  ...process.env,
  GOTOOLCHAIN: 'local',
  GOFLAGS: '-mod=mod',
  PWD: src,
});

/**
 * Commands of k8s.io/kubernetes, which replaces its staging modules with local paths, so that
 * `go install` refuses it: a wrapper module that points each at its published version builds
 * them into `<cache>/<folder>-v<version>`.
 */
async function kubernetesCommands(folder: string, cmds: string[], log: Log): Promise<string> {
  const dir = path.join(cache(), `${folder}-v${KUBERNETES}`);
  await goBuild(dir, `${cmds.join(' and ')} ${KUBERNETES}`, log, async (work) => {
    const src = path.join(work, 'src');
    const env = goEnv(src);
    await run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@v${KUBERNETES}`], {
      cwd: src,
      env,
    });
    const gomodcache = (await run('go', ['env', 'GOMODCACHE'], { env })).trim();
    const mod = readFileSync(
      path.join(
        gomodcache,
        'cache',
        'download',
        'k8s.io',
        'kubernetes',
        '@v',
        `v${KUBERNETES}.mod`,
      ),
      'utf8',
    );
    const staging = [...mod.matchAll(/^\s*(k8s\.io\/[a-z-]+) => \.\/staging/gm)].map((m) => m[1]!);
    const minor = `v0.${KUBERNETES.slice(2)}`;
    writeFileSync(
      path.join(src, 'go.mod'),
      [
        'module k8swrap',
        '',
        'go 1.26.0',
        '',
        'godebug default=go1.26',
        '',
        `require k8s.io/kubernetes v${KUBERNETES}`,
        '',
        'replace (',
        ...staging.map((m) => `\t${m} => ${m} ${minor}`),
        ')',
        '',
      ].join('\n'),
    );
    const packages = cmds.map((c) => `k8s.io/kubernetes/cmd/${c}@v${KUBERNETES}`);
    await run('go', ['get', '-tool', ...packages], { cwd: src, env });
    const ldflags = `-s -w -X k8s.io/component-base/version.gitVersion=v${KUBERNETES} -X k8s.io/client-go/pkg/version.gitVersion=v${KUBERNETES}`;
    for (const cmd of cmds) {
      const out = path.join(work, cmd);
      await run(
        'go',
        ['build', '-trimpath', '-ldflags', ldflags, '-o', out, `k8s.io/kubernetes/cmd/${cmd}`],
        {
          cwd: src,
          env,
        },
      );
    }
  });
  return dir;
}

/** kube-apiserver and kubectl. */
export async function ensureKubernetes(log: Log): Promise<{ apiserver: string; kubectl: string }> {
  const dir = await kubernetesCommands('kubernetes', ['kube-apiserver', 'kubectl'], log);
  return { apiserver: path.join(dir, 'kube-apiserver'), kubectl: path.join(dir, 'kubectl') };
}

/** kube-controller-manager and kube-scheduler, for a kwok cluster whose Deployments scale. */
export async function ensureKubeControllers(
  log: Log,
): Promise<{ controllerManager: string; scheduler: string }> {
  const dir = await kubernetesCommands(
    'kubernetes-control',
    ['kube-controller-manager', 'kube-scheduler'],
    log,
  );
  return {
    controllerManager: path.join(dir, 'kube-controller-manager'),
    scheduler: path.join(dir, 'kube-scheduler'),
  };
}

export async function ensureEtcd(log: Log): Promise<string> {
  const dir = path.join(cache(), `etcd-${ETCD}`);
  await goBuild(dir, `etcd ${ETCD}`, log, async (work) => {
    const src = path.join(work, 'src');
    const env = goEnv(src);
    writeFileSync(path.join(src, 'go.mod'), 'module etcdwrap\n\ngo 1.24.0\n');
    await run('go', ['get', '-tool', `go.etcd.io/etcd/server/v3@${ETCD}`], { cwd: src, env });
    await run(
      'go',
      [
        'build',
        '-trimpath',
        '-ldflags',
        '-s -w',
        '-o',
        path.join(work, 'etcd'),
        'go.etcd.io/etcd/server/v3',
      ],
      { cwd: src, env },
    );
  });
  return path.join(dir, 'etcd');
}

export interface ApiServer {
  kubeconfig: string;
  kubectl: string;
  stop(): Promise<void>;
}

/** etcd and kube-apiserver on loopback, in a folder of their own; `stop` ends both. */
export async function startApiServer(home: string, log: Log): Promise<ApiServer> {
  const { apiserver, kubectl } = await ensureKubernetes(log);
  const etcdBin = await ensureEtcd(log);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
  const etcd = new Daemon('etcd', path.join(home, 'etcd'));
  etcd.start(etcdBin, [
    '--data-dir',
    path.join(home, 'etcd', 'data'),
    '--listen-client-urls',
    `http://127.0.0.1:${client}`,
    '--advertise-client-urls',
    `http://127.0.0.1:${client}`,
    '--listen-peer-urls',
    `http://127.0.0.1:${peer}`,
    '--initial-advertise-peer-urls',
    `http://127.0.0.1:${peer}`,
    '--initial-cluster',
    `default=http://127.0.0.1:${peer}`,
  ]);
  await run('openssl', ['genrsa', '-out', path.join(home, 'sa.key'), '2048']);
  await run('openssl', [
    'rsa',
    '-in',
    path.join(home, 'sa.key'),
    '-pubout',
    '-out',
    path.join(home, 'sa.pub'),
  ]);
  const token = (await run('openssl', ['rand', '-hex', '24'])).trim();
  writeFileSync(path.join(home, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`, {
    mode: 0o600,
  });
  const server = new Daemon('kube-apiserver', path.join(home, 'apiserver'));
  server.start(apiserver, [
    `--etcd-servers=http://127.0.0.1:${client}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${secure}`,
    `--cert-dir=${path.join(home, 'certs')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${path.join(home, 'sa.pub')}`,
    `--service-account-signing-key-file=${path.join(home, 'sa.key')}`,
    `--token-auth-file=${path.join(home, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--endpoint-reconciler-type=none',
  ]);
  const kubeconfig = path.join(home, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- { name: local, cluster: { server: 'https://127.0.0.1:${secure}', insecure-skip-tls-verify: true } }`,
      'users:',
      `- { name: admin, user: { token: '${token}' } }`,
      'contexts:',
      '- { name: local, context: { cluster: local, user: admin } }',
      'current-context: local',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const stop = async () => {
    // The API server before etcd.
    await server.stop();
    await etcd.stop();
  };
  try {
    await waitFor(
      'the API server to be ready',
      async () => {
        try {
          await run(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz']);
          return true;
        } catch {
          return false;
        }
      },
      { daemon: server, timeoutMs: 120_000, log },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { kubeconfig, kubectl, stop };
}

if (require.main === module) {
  // `npx tsx scripts/helm/apiserver.ts build`: the binaries only, e.g. to warm a CI machine.
  const log = (m: string) => console.log(m);
  Promise.all([ensureEtcd(log), ensureKubernetes(log)])
    .then(([etcd, k8s]) => console.log(JSON.stringify({ etcd, ...k8s }, null, 2)))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
