import { setPriority } from 'node:os';
import * as path from 'node:path';

/**
 * The apps that carry face photos: each access request moves one through them as base64 in
 * JSON, a third larger than the photo (the gateway builds it, the face app reads it).
 */
const PHOTO_APPS = new Set(['gateway', 'face']);

/**
 * The node arguments that start a built app: source maps for stack traces, and for the apps
 * that carry photos an old generation that starts at 256 MB. V8 otherwise starts it small and
 * keeps its limit just above what is live, and the photos' strings push the gateway over it
 * again and again: at 12 requests/s it ran about three full collections a second, a tenth of a
 * core (docs/performance.md).
 */
export function appNodeArgs(app: string, root: string): string[] {
  return [
    ...(PHOTO_APPS.has(app) ? ['--initial-old-space-size=256'] : []),
    '--enable-source-maps',
    path.join(root, 'dist/apps', app, 'src/main.js'),
  ];
}

/**
 * The CPU priority (nice value) of the apps that do not run at the default, for when they
 * share one host, as `npm start` runs them. The face analysis is the longest step of every
 * decision, and the audit log is the one app no decision waits for: when the cores are
 * contended, the scheduler gives the face app its time first and the audit app last, and the
 * log catches up when the load drops (docs/performance.md has what it changed: the 20/s run).
 * Raising a priority needs root or CAP_SYS_NICE; without it the face app runs at the default.
 */
export const APP_NICE: Readonly<Record<string, number>> = { face: -10, audit: 10 };

/** Gives a started app its CPU priority; a note for the log when it could not. */
export function applyAppPriority(app: string, pid: number | undefined): string | undefined {
  const nice = APP_NICE[app];
  if (nice === undefined || pid === undefined) return undefined;
  try {
    setPriority(pid, nice);
    return undefined;
  } catch (err) {
    // os.setPriority throws a SystemError whose `info` holds the errno's name.
    const e = err as { code?: string; info?: { code?: string } };
    const code = e.info?.code ?? e.code ?? 'error';
    return `${app} runs at the default CPU priority: setting nice ${nice} was refused (${code})`;
  }
}
