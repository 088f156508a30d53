import { existsSync } from 'node:fs';
import { run, step } from './proc';

/** Debian packages the stack and the tests use, with a file that proves each is installed. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  'postgresql-15': '/usr/lib/postgresql/15/bin/postgres',
  mosquitto: '/usr/sbin/mosquitto',
  'mosquitto-clients': '/usr/bin/mosquitto_pub',
  kcat: '/usr/bin/kcat',
  'zbar-tools': '/usr/bin/zbarimg',
  // docs/integrations.md's curl examples, which a test runs.
  curl: '/usr/bin/curl',
  jq: '/usr/bin/jq',
  // The browser the client tests drive (playwright-core never downloads one).
  chromium: '/usr/bin/chromium',
};

export function missingPackages(packages: Record<string, string> = DEBIAN_PACKAGES): string[] {
  return Object.entries(packages)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
}

/** Installs missing Debian packages when running as root; otherwise says what to install. */
export async function ensurePackages(
  log: (msg: string) => void,
  packages: Record<string, string> = DEBIAN_PACKAGES,
): Promise<void> {
  const missing = missingPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: install them with \`sudo apt-get install -y ${missing.join(' ')}\``,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await step(log, `installing Debian packages ${missing.join(' ')} (apt-get)`, async () => {
    await run('apt-get', ['update', '-q'], { env });
    await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
  });
}
