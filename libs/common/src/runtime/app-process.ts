import * as path from 'node:path';

/**
 * The apps that carry face photos: each access request moves one through them as about 110 KB
 * of JSON (the gateway builds it, the face app reads it).
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
