import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, Server } from 'node:net';
import * as path from 'node:path';
import { stackSettings } from '@roomkey/common/config/stack';
import { ensurePackages } from '../stack/packages';
import { run, step } from '../stack/proc';

/**
 * Podman on this host, for building and running roomkey's images where no Docker engine and no
 * container registry are: Debian's podman with runc (crun cannot set its limits on a cgroup v1
 * host), its own configuration and storage in the cache folder outside the checkout, and a
 * local stand-in for `node:20-bookworm-slim` made from Debian's packages and this host's Node.
 */
export const CONTAINER_PACKAGES: Record<string, string> = {
  podman: '/usr/bin/podman',
  buildah: '/usr/bin/buildah',
  runc: '/usr/sbin/runc',
  debootstrap: '/usr/sbin/debootstrap',
  slirp4netns: '/usr/bin/slirp4netns',
  uidmap: '/usr/bin/newuidmap',
  'fuse-overlayfs': '/usr/bin/fuse-overlayfs',
  // The pause process of the pods `podman kube play` makes (no registry for a pause image).
  catatonit: '/usr/bin/catatonit',
};

export const ROOT = path.resolve(__dirname, '../..');
export const DOCKERFILE = path.join(ROOT, 'deploy', 'Dockerfile');

/** The images of the system: a target of deploy/Dockerfile each. */
export const APP_IMAGES = ['gateway', 'auth', 'qr', 'face', 'access', 'audit'] as const;
export type AppImage = (typeof APP_IMAGES)[number];
/** The images that run as the system: the apps and the web clients. */
export const SYSTEM_IMAGES = [...APP_IMAGES, 'web'] as const;
/** Every target, with docker-compose.yml's one-shot tools. */
export const IMAGES = [...SYSTEM_IMAGES, 'tools'] as const;
export type Image = (typeof IMAGES)[number];

export const imageName = (target: Image, tag = 'local') => `localhost/roomkey-${target}:${tag}`;

/** Where podman keeps its images, layers and state: outside the checkout, kept between runs. */
export const containersDir = () => path.join(stackSettings().cacheDir, 'containers');

const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

let configured = false;

/**
 * The environment podman runs with: its configuration and storage under containersDir(). The
 * files are written once per process, and only when they differ, by rename: a podman starting
 * meanwhile must never read a half-written one (it would fall back to limits runc may not set).
 */
export function podmanEnv(): NodeJS.ProcessEnv {
  const dir = containersDir();
  const conf = path.join(dir, 'containers.conf');
  const storage = path.join(dir, 'storage.conf');
  if (!configured) {
    mkdirSync(dir, { recursive: true });
    writeIfChanged(conf, CONTAINERS_CONF);
    writeIfChanged(
      storage,
      `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/storage"\nrunroot = "${dir}/run"\n`,
    );
    configured = true;
  }
  return { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
}

function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/**
 * Runs podman with this host's configuration; `env` adds to its environment (what `-e NAME`
 * passes on without showing it). At the usual priority: builds and containers run as steps of
 * their own, and at the lowest one any other load on the machine starved them (a build step of
 * seconds of CPU took a quarter of an hour beside two busy processes).
 */
export function podman(args: string[], env: Record<string, string> = {}): Promise<string> {
  return run('podman', args, { env: { ...podmanEnv(), ...env } });
}

export const imageExists = (image: string) =>
  podman(['image', 'exists', image]).then(
    () => true,
    () => false,
  );

let holding: Server | undefined;

/** The answer of the process holding the storage: its pid, or undefined if it does not say. */
function holderOf(name: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(name);
    let said = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk) => (said += chunk.toString()));
    socket.on('close', () => resolve(/^\d+$/.test(said) ? said : undefined));
    socket.on('error', () => undefined);
  });
}

/**
 * Holds the image storage for this process's builds: one `images:build` at a time, as a second
 * would find the first one's build containers and take them for leftovers. Stops at once, in one
 * line, while another build runs. The hold is a socket listening in Linux's abstract namespace
 * under a name made from the storage's folder: the kernel lets one process hold a name at a
 * time and frees it when the process ends, however it ends, so no lock is ever left behind for
 * two builds to take over at once.
 */
export async function lockBuilds(): Promise<void> {
  if (holding) return;
  const storage = createHash('sha256').update(path.resolve(containersDir())).digest('hex');
  const name = `\0roomkey-builds-${storage.slice(0, 32)}`;
  const server = createServer((socket) => socket.end(String(process.pid)));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(name, resolve);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const holder = await holderOf(name);
    throw new Error(
      `another images:build${holder ? ` (pid ${holder})` : ''} is building; wait for it to end`,
    );
  }
  server.unref();
  holding = server;
}

/**
 * Removes the build containers an interrupted build left behind (each keeps its file system
 * mounted and its layer on disk); call it holding lockBuilds(), so that none is in use.
 */
export async function removeLeftoverBuilds(log: (m: string) => void): Promise<void> {
  const env = podmanEnv();
  const ids = (await run('buildah', ['containers', '--quiet'], { env }))
    .split(/\s+/)
    .filter((id) => /^[0-9a-f]{12,64}$/.test(id));
  if (ids.length === 0) return;
  await run('buildah', ['rm', ...ids], { env });
  log(`removed ${ids.length} build container(s) an interrupted build had left`);
}

/** The local base image: Debian bookworm (minbase) with this host's Node and npm, keyed by Node's version. */
export const localBaseImage = () => `localhost/roomkey-node:${process.versions.node}-bookworm-slim`;

/**
 * Makes the local stand-in for `node:20-bookworm-slim` once per Node version: Debian bookworm
 * from the host's apt mirror (debootstrap), then the host's node binary and npm copied in, and
 * the `node` user (uid 1000) the official image has.
 */
export async function ensureBaseImage(log: (m: string) => void): Promise<string> {
  const image = localBaseImage();
  if (await imageExists(image)) return image;
  const dir = containersDir();
  const debian = 'localhost/debian:bookworm-minbase';
  if (!(await imageExists(debian))) {
    const rootfs = path.join(dir, `debian-bookworm.partial-${process.pid}`);
    rmSync(rootfs, { recursive: true, force: true });
    try {
      await step(
        log,
        `making a Debian bookworm root file system (debootstrap, ${aptMirror()})`,
        () => run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, aptMirror()]),
      );
      rmSync(path.join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
      rmSync(path.join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
      mkdirSync(path.join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
      mkdirSync(path.join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
      const tar = `${rootfs}.tar`;
      await run('tar', ['-C', rootfs, '-cf', tar, '.']);
      await step(log, `importing it as ${debian}`, () => podman(['import', tar, debian]));
      rmSync(tar, { force: true });
    } finally {
      rmSync(rootfs, { recursive: true, force: true });
    }
  }
  const context = path.join(dir, `node-base.partial-${process.pid}`);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  try {
    await run('cp', ['-a', process.execPath, path.join(context, 'node')]);
    await run('cp', ['-a', npmRoot(), path.join(context, 'npm')]);
    // Node's headers, for native packages built from source (argon2 when its prebuilt binary
    // does not load): node-gyp would fetch them from nodejs.org, which builds here cannot reach.
    await run('cp', ['-a', nodeHeaders(), path.join(context, 'include')]);
    writeFileSync(
      path.join(context, 'Containerfile'),
      [
        `FROM ${debian}`,
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        'COPY include /usr/local/include/node',
        'ENV npm_config_nodedir=/usr/local',
        'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\',
        ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\',
        ' && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
        'CMD ["node"]',
        '',
      ].join('\n'),
    );
    await step(log, `making ${image} from ${debian} and this host's Node ${process.version}`, () =>
      podman(['build', '-t', image, context]),
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return image;
}

/** The apt mirror this host uses (the one in its sources), for debootstrap. */
function aptMirror(): string {
  const sources = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(sources)) {
    const uri = /^URIs:\s*(\S+)/m.exec(readFileSync(sources, 'utf8'));
    if (uri) return uri[1];
  }
  return 'http://deb.debian.org/debian';
}

function nodeHeaders(): string {
  const prefix = path.dirname(path.dirname(process.execPath));
  const dir = path.join(prefix, 'include', 'node');
  if (!existsSync(path.join(dir, 'node_api.h')))
    throw new Error(`Node's headers are not at ${dir}`);
  return dir;
}

function npmRoot(): string {
  const dir = path.join(path.dirname(path.dirname(process.execPath)), 'lib/node_modules/npm');
  if (!existsSync(dir)) throw new Error(`npm is not at ${dir}`);
  return dir;
}

/** The CA bundle of this host: outbound HTTPS passes a proxy that npm inside a build must trust. */
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Builds one target of deploy/Dockerfile from the repository, on `base` (the build arg that is
 * `node:20-bookworm-slim` for everyone else). Layers are cached in podman's storage: a second
 * build with the same lock file and sources takes seconds.
 */
export async function buildImage(
  target: Image,
  base: string,
  extraArgs: string[] = [],
): Promise<string> {
  const image = imageName(target);
  const ca = existsSync(HOST_CA)
    ? [
        '-v',
        `${HOST_CA}:/run/host-ca.crt:ro`,
        '--build-arg',
        'NODE_EXTRA_CA_CERTS=/run/host-ca.crt',
      ]
    : [];
  await podman([
    'build',
    '--layers',
    // Docker's image format: the OCI format has no HEALTHCHECK, and podman would drop it.
    '--format',
    'docker',
    '-f',
    DOCKERFILE,
    '--target',
    target,
    '--build-arg',
    `BASE_IMAGE=${base}`,
    ...ca,
    ...extraArgs,
    '-t',
    image,
    ROOT,
  ]);
  return image;
}

/**
 * The images of `targets`, as `npm run images:build` (a step of its own before the container
 * suites, with no deadline over it) left them; stops at once naming what is missing.
 */
export async function requireImages(targets: readonly Image[]): Promise<void> {
  const missing: string[] = [];
  for (const target of targets) {
    if (!(await imageExists(imageName(target)))) missing.push(imageName(target));
  }
  if (missing.length > 0) {
    throw new Error(`no image ${missing.join(', ')}: npm run images:build builds them`);
  }
}

/**
 * Everything podman needs here for a build: its packages (apt-get, as root), the image storage
 * to this process alone, cleared of what an interrupted build left, and the local base image.
 */
export async function ensurePodman(log: (m: string) => void): Promise<string> {
  await ensurePackages(log, CONTAINER_PACKAGES);
  await lockBuilds();
  await removeLeftoverBuilds(log);
  return ensureBaseImage(log);
}
