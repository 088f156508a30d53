import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stackSettings } from '@roomkey/common/config/stack';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';

/** The demo site, as `demo seed` made it: what the demo lock and `demo open` need. */
export interface DemoSite {
  gateway: string;
  siteId: string;
  room: { id: string; name: string };
  door: { id: string; name: string };
  /** The lock's secret and MQTT login (shown once by the API): the simulated lock runs with them. */
  lock: { id: string; secret: string; mqtt: { username: string; password: string } };
  /** The kiosk's device id and secret, and the link that sets up the kiosk page with them. */
  kiosk: { id: string; secret: string; setupLink: string };
  member: { id: string; email: string; password: string };
  createdAt: string;
}

/**
 * Where the demo site's secrets are kept: ROOMKEY_DEMO_FILE, or demo.json in the local stack's
 * folder (git-ignored), readable by its owner only.
 */
export const demoFile = (env: NodeJS.ProcessEnv = process.env) =>
  env.ROOMKEY_DEMO_FILE ?? path.join(stackSettings(env).dir, 'demo.json');

export function readDemo(env: NodeJS.ProcessEnv = process.env): DemoSite {
  const file = demoFile(env);
  if (!existsSync(file)) {
    throw new CliError(`no demo site here (${file}): roomkey demo seed makes one`, EXIT.USAGE);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoSite;
  } catch (err) {
    throw new CliError(`${file} is not readable: ${(err as Error).message}`, EXIT.USAGE);
  }
}

export function findDemo(env: NodeJS.ProcessEnv = process.env): DemoSite | null {
  return existsSync(demoFile(env)) ? readDemo(env) : null;
}

export function writeDemo(site: DemoSite, env: NodeJS.ProcessEnv = process.env): string {
  const file = demoFile(env);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(site, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** What a person needs to try the demo: where things are, and the two secrets shown for it. */
export function demoSummary(site: DemoSite, file: string): string[] {
  return [
    `demo site: ${site.room.name}, its door ${site.door.name} (${site.door.id}) and lock ${site.lock.id}`,
    `  kiosk setup link (open it on the device with the camera):`,
    `    ${site.kiosk.setupLink}`,
    `  member: ${site.member.email} / ${site.member.password}`,
    `  enrol the member's face (npx roomkey demo enrol <photos>), then open the door with`,
    `  another photo: npx roomkey demo open --photo <face.jpg>`,
    `  (kept in ${file}, readable by you only)`,
  ];
}
