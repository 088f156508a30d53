import type { Manifest } from '../chart/render';

/** A component of the chart (an app or the web clients) and its ports, by name. */
export interface Component {
  name: string;
  deployment: string;
  ports: Record<string, number>;
}

/** The app Deployments of a render and what podman kube play needs of the rest: their ConfigMaps. */
export function appObjects(objects: Manifest[]): {
  deployments: Manifest[];
  configMaps: Manifest[];
} {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const names = new Set(
    deployments.flatMap((d) =>
      podSpec(d).containers.flatMap((c) =>
        (c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : [])),
      ),
    ),
  );
  return {
    deployments,
    configMaps: objects.filter((o) => o.kind === 'ConfigMap' && names.has(o.metadata.name)),
  };
}

/** What this file reads and changes of a pod's spec. */
interface Container {
  name: string;
  ports?: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string }[];
  hostNetwork?: boolean;
  restartPolicy?: string;
}

const podSpec = (d: Manifest): PodSpec => d.spec.template.spec as PodSpec;

/** Each Deployment's component (its app.kubernetes.io/component label) and container ports. */
export function components(deployments: Manifest[]): Component[] {
  return deployments.map((d) => {
    const name = d.metadata.labels!['app.kubernetes.io/component']!;
    const main = podSpec(d).containers.find((c) => c.name === name)!;
    return {
      name,
      deployment: d.metadata.name,
      ports: Object.fromEntries((main.ports ?? []).map((p) => [p.name, p.containerPort])),
    };
  });
}

/** The variables that say where a component listens, by its port's name. */
const PORT_VARIABLES: Record<string, string> = {
  PORT: 'http',
  ROOMKEY_ADMIN_PORT: 'admin',
  ROOMKEY_KIOSK_PORT: 'kiosk',
};
const HOST_VARIABLES = ['HOST', 'ROOMKEY_CLIENTS_HOST'];

/**
 * The rendered objects as podman 4.3's kube play runs them on this one host, against servers
 * that listen on loopback only (Kafka advertises 127.0.0.1): what the test changes, and why.
 * - Host network for every pod; podman then refuses container ports ("PortMappings can only be
 *   used with Bridge or slirp4netns networking") and ignores hostAliases, so the ports go, the
 *   Service names in the settings become 127.0.0.1, and each port becomes a free one of this
 *   host (`ports`, by component and port name), on loopback (HOST).
 * - restartPolicy OnFailure: under a Deployment's Always, podman restarts an init container
 *   that has finished, again and again, and never starts the app.
 * - Each pod's emptyDir gets a name of its own: podman makes an emptyDir a named volume of the
 *   volume's name, which every pod (of any run) naming it alike would share.
 */
export function forPodman(
  objects: { deployments: Manifest[]; configMaps: Manifest[] },
  ports: Map<string, Record<string, number>>,
): Manifest[] {
  const list = components(objects.deployments);
  const byAddress = new Map<string, string>();
  for (const c of list) {
    for (const [port, number] of Object.entries(c.ports)) {
      byAddress.set(
        `http://${c.deployment}:${number}`,
        `http://127.0.0.1:${ports.get(c.name)![port]}`,
      );
    }
  }
  const configMaps = objects.configMaps.map((m) => {
    const own = list.find((c) => c.deployment === m.metadata.name);
    const data = Object.fromEntries(
      Object.entries(m.data as Record<string, string>).map(([k, v]) => {
        if (own && PORT_VARIABLES[k]) return [k, String(ports.get(own.name)![PORT_VARIABLES[k]])];
        if (HOST_VARIABLES.includes(k)) return [k, '127.0.0.1'];
        let out = v;
        for (const [from, to] of byAddress) out = out.split(from).join(to);
        return [k, out];
      }),
    );
    return { ...m, data };
  });
  const deployments = objects.deployments.map((d) => {
    const copy = structuredClone(d);
    const spec = podSpec(copy);
    spec.hostNetwork = true;
    spec.restartPolicy = 'OnFailure';
    const rename = (v: string) => (v === 'tmp' ? `${d.metadata.name}-tmp` : v);
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      delete c.ports;
      for (const m of c.volumeMounts ?? []) m.name = rename(m.name);
    }
    for (const v of spec.volumes ?? []) v.name = rename(v.name);
    return copy;
  });
  return [...configMaps, ...deployments];
}

/** A Kubernetes quantity (`512Mi`, `1536Mi`, `2`, `500m`) as a number: bytes, or cores. */
export function quantity(q: string | number): number {
  const s = String(q);
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|m)?$/.exec(s);
  if (!m) throw new Error(`not a quantity this test reads: ${s}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, m: 1 / 1000 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}
