import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const CHART = path.resolve(__dirname, '../../deploy/helm/roomkey');

/** The Kubernetes version the chart is rendered for: the one whose schemas it is checked against. */
export const KUBE_VERSION = ['--kube-version', '1.37.0'];

/**
 * The values the chart is checked with: none (its defaults), the production file, and a cluster
 * that runs Kafka, PostgreSQL and MQTT itself.
 */
export const VALUES: Record<string, string[]> = {
  default: [],
  production: ['-f', path.join(CHART, 'values-production.yaml')],
  'external servers': ['-f', path.join(__dirname, 'values-external.yaml')],
};

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // The rest is read per kind.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to its end, its input given, and keeps what it said. */
export function tool(command: string, args: string[], input?: string): Result {
  const r = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart (a release named `release`); throws with helm's words when it refuses. */
export function template(helm: string, extra: string[], release = 'roomkey'): string {
  const r = tool(helm, [
    'template',
    release,
    CHART,
    '--namespace',
    'roomkey',
    ...KUBE_VERSION,
    ...extra,
  ]);
  if (r.status !== 0) throw new Error(`helm template ${extra.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

export const manifests = (yaml: string): Manifest[] =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
