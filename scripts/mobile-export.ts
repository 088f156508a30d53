import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Builds the mobile app's web version (clients/mobile/dist) with `expo export`, unless the build
 * there was made from the same sources: the app's files and the SDK it uses. `npm start` serves
 * it; the browser test drives it. The export takes a minute or two, so a current one is kept.
 */
const ROOT = path.resolve(__dirname, '..');
const MOBILE = path.join(ROOT, 'clients', 'mobile');
const DIST = path.join(MOBILE, 'dist');
const STAMP = path.join(DIST, '.roomkey-build');
const SKIP = new Set(['node_modules', 'dist', '.expo', 'coverage']);

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files(full, out);
    else out.push(full);
  }
  return out;
}

function sources(): string {
  const hash = createHash('sha256');
  for (const f of [...files(MOBILE), ...files(path.join(ROOT, 'clients', 'sdk', 'src'))]) {
    hash.update(`${path.relative(ROOT, f)}\0`);
    hash.update(readFileSync(f));
  }
  return hash.digest('hex');
}

if (!existsSync(path.join(MOBILE, 'node_modules'))) {
  console.error('roomkey: the mobile app is not installed: node scripts/deps.mjs installs it');
  process.exit(1);
}
const want = sources();
if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === want) {
  console.log('roomkey: the mobile app’s web build is current');
} else {
  console.log('roomkey: building the mobile app’s web version (expo export) …');
  const started = Date.now();
  const res = spawnSync('npm', ['run', '--silent', 'export:web'], {
    cwd: MOBILE,
    stdio: 'inherit',
    env: { ...process.env, EXPO_NO_TELEMETRY: '1', CI: '1' },
  });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (res.status !== 0) {
    console.error(`roomkey: the mobile app’s web build failed after ${took} (its output is above)`);
    process.exit(1);
  }
  writeFileSync(STAMP, `${want}\n`);
  console.log(`roomkey: the mobile app’s web build: done in ${took}`);
}
