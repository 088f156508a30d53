import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stackCredentials, stackSettings, stackUrls } from '@roomkey/common';
import { imageName, podman, podmanEnv } from '../../scripts/containers/podman';
import { MODEL_DIR } from '../support/face';
import type { PartRunner, SystemPart } from '../e2e/system';

/** Where the face image looks for its models: the shared ones are mounted there, read-only. */
const MODELS_IN_IMAGE = '/app/models';

/**
 * What a process of the system finds by itself on this machine and a container does not: the
 * local stack's addresses and each app's own credentials (a process reads them from the stack's
 * credentials file), and PostgreSQL over TCP rather than the stack's Unix socket.
 */
export function connectionEnv(part: SystemPart, env: Record<string, string>) {
  const s = stackSettings();
  const credentials = stackCredentials(s);
  const urls = stackUrls(s);
  if (part === 'clients') return { ROOMKEY_CLIENTS_HOST: '127.0.0.1' };
  const out: Record<string, string> = {
    // Host network: the container's ports are the host's, and stay on loopback here.
    HOST: '127.0.0.1',
    KAFKA_BROKERS: urls.kafkaBrokers,
    KAFKA_USERNAME: `roomkey-${part}`,
    KAFKA_PASSWORD: credentials?.kafka[`roomkey-${part}`] ?? '',
  };
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    url.searchParams.delete('host');
    out.DATABASE_URL = url.toString();
  }
  if (part === 'access') {
    out.MQTT_URL = urls.mqtt;
    out.MQTT_USERNAME = 'roomkey-access';
    out.MQTT_PASSWORD = credentials?.mqtt?.['roomkey-access'] ?? '';
  }
  if (part === 'face') out.FACE_MODEL_DIR = MODELS_IN_IMAGE;
  return out;
}

export interface ContainerRun {
  runner: PartRunner;
  /** The container of a part, by name, once started. */
  names: Map<SystemPart, string>;
  /** Removes every container of the run, whatever their state, and the settings files. */
  removeAll(): Promise<void>;
}

/**
 * Runs each part of the system as its image, the way a user runs it: host network, a read-only
 * root file system, the image's own user and command, settings from an env file (mode 600, so
 * no secret shows in the process list). `podman run` stays attached: its output is the
 * container's, and it ends with the container's exit status.
 */
export function containerRun(): ContainerRun {
  const run = `roomkey-test-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), `${run}-`));
  const names = new Map<SystemPart, string>();
  const runner: PartRunner = (part, env) => {
    const name = `${run}-${part}`;
    const envFile = path.join(dir, `${part}.env`);
    const settings = { ...env, ...connectionEnv(part, env) };
    writeFileSync(
      envFile,
      Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
      { mode: 0o600 },
    );
    names.set(part, name);
    const image = imageName(part === 'clients' ? 'web' : part);
    const mounts = part === 'face' ? ['-v', `${MODEL_DIR}:${MODELS_IN_IMAGE}:ro`] : [];
    const child: ChildProcess = spawn(
      'podman',
      [
        'run',
        // A part started again (a restart) replaces its stopped container.
        '--replace',
        '--name',
        name,
        '--label',
        `roomkey.test=${run}`,
        '--network',
        'host',
        '--read-only',
        '--env-file',
        envFile,
        ...mounts,
        image,
      ],
      { env: podmanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return child;
  };
  return {
    runner,
    names,
    async removeAll() {
      const ids = (await podman(['ps', '-aq', '--filter', `label=roomkey.test=${run}`]))
        .split('\n')
        .filter(Boolean);
      if (ids.length > 0) await podman(['rm', '-f', '-t', '0', ...ids]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
