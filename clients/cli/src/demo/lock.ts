import { stackSettings, stackUrls } from '@roomkey/common/config/stack';
import { LockSimulator } from '../../../../apps/access/src/sim/lock-simulator';
import type { DemoSite } from './state';

/**
 * The demo site's smart lock, simulated: it logs in to the broker as the lock with the secrets
 * `demo seed` kept, and answers unlock commands as a real lock does. `npm start` runs it in its
 * own process (MQTT_URL, default the local stack's broker).
 */
export async function startDemoLock(
  site: DemoSite,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LockSimulator> {
  const sim = new LockSimulator(
    site.lock.id,
    Buffer.from(site.lock.secret, 'base64'),
    { url: env.MQTT_URL ?? stackUrls(stackSettings(env)).mqtt, ...site.lock.mqtt },
    log,
  );
  await sim.start();
  return sim;
}
