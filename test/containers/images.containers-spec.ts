import { ALL_TOPICS } from '@roomkey/contracts';
import { KAFKA_ADMIN_USER, stackCredentials, stackSettings, stackUrls } from '@roomkey/common';
import { aclsFromContracts } from '../../scripts/stack/kafka';
import { APPS, RunningSystem, startSystem } from '../e2e/system';
import { oneDoor } from '../e2e/world';
import {
  imageName,
  IMAGES,
  podman,
  requireImages,
  SYSTEM_IMAGES,
} from '../../scripts/containers/podman';
import { accessFlowTests } from './access-flow';
import { ContainerRun, containerRun } from './containers';

/**
 * The images users run, built from deploy/Dockerfile with podman on a local stand-in for
 * node:20-bookworm-slim (by `npm run images:build`, the step before this suite), and run as the
 * system: the six apps and the web clients, each its container (host network, read-only root,
 * the image's user), against the local stack, with real photos and real codes through the
 * gateway and the kiosk page from the web container.
 */
let run: ContainerRun;
let sys: RunningSystem | undefined;
let door: Awaited<ReturnType<typeof oneDoor>>;

beforeAll(async () => {
  await requireImages(IMAGES);
  run = containerRun();
  sys = await startSystem({ clients: true, runner: run.runner });
  door = await oneDoor(sys.gateway);
}, 600_000);

afterAll(async () => {
  await door?.sim.stop();
  await sys?.stop();
  await run?.removeAll();
}, 120_000);

const inspect = async (image: string) =>
  JSON.parse(await podman(['image', 'inspect', image]))[0] as {
    Config: { User?: string; Entrypoint?: string[] };
    /** podman shows a Docker-format image's health check beside its config. */
    Healthcheck?: { Test: string[] };
    Size: number;
  };

describe('the images', () => {
  it.each(SYSTEM_IMAGES.map((t) => [t]))(
    '%s runs as the non-root user node (1000) under tini, with a health check on /health/live',
    async (target) => {
      const { Config, Healthcheck } = await inspect(imageName(target));
      expect(Config.User).toBe('1000:1000');
      expect(Healthcheck?.Test.join(' ')).toContain('/health/live');
      expect(Config.Entrypoint?.[0]).toBe('/usr/bin/tini');
    },
  );

  it('tools makes the contracts’ topics and ACLs on the stack’s Kafka, as kafka-init does', async () => {
    const out = await podman(
      [
        'run',
        '--rm',
        '--network',
        'host',
        '--read-only',
        '-e',
        `KAFKA_BROKERS=${stackUrls(stackSettings()).kafkaBrokers}`,
        '-e',
        `KAFKA_USERNAME=${KAFKA_ADMIN_USER}`,
        // podman reads the value from this process's environment: not on the command line.
        '-e',
        'KAFKA_PASSWORD',
        imageName('tools'),
        'node',
        'tools/init.js',
        'kafka',
      ],
      { KAFKA_PASSWORD: stackCredentials()!.kafka[KAFKA_ADMIN_USER]! },
    );
    expect(out).toMatch(/all topics exist|created topics/);
    expect(out).toMatch(
      new RegExp(`ACLs from the contracts: ${aclsFromContracts(ALL_TOPICS).length} in place`),
    );
  });

  it('report themselves healthy when running (podman healthcheck run)', async () => {
    for (const name of run.names.values()) {
      await expect(podman(['healthcheck', 'run', name])).resolves.toBeDefined();
    }
  });
});

describe('the system in containers', () => {
  accessFlowTests(() => door);

  it('serves the kiosk page and the admin web from the web container', async () => {
    for (const url of [sys!.clients!.kiosk, sys!.clients!.admin]) {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);
    }
    // The kiosk's API calls reach the gateway through the web container.
    const keys = await fetch(`${sys!.clients!.kiosk}/.well-known/jwks.json`);
    expect(keys.status).toBe(200);
  });
});

describe('stopping', () => {
  // `podman stop -t 10` sends SIGTERM and, 10 s later, SIGKILL: an exit status of 0 (not 137)
  // says the container ended by itself on SIGTERM, within those 10 s.
  it.each([...APPS, 'clients'].map((p) => [p]))(
    '%s stops cleanly on SIGTERM, before the 10 s grace ends',
    async (part) => {
      const name = run.names.get(part as never)!;
      await podman(['stop', '-t', '10', name]);
      const state = JSON.parse(await podman(['inspect', name]))[0] as {
        State: { ExitCode: number; OOMKilled: boolean };
      };
      expect(state.State.ExitCode).toBe(0);
    },
    30_000,
  );
});
