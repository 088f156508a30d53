// Runs before `npm start` and `npm test` (prestart, pretest), with Node's built-ins only, since
// nothing else may be installed yet: checks Node's version, and installs the npm dependencies
// when node_modules is missing or older than the lock file and package files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fail = (line) => {
  console.error(`roomkey: ${line}`);
  process.exit(1);
};

const major = Number(process.versions.node.split('.')[0]);
if (major < 20)
  fail(`Node.js 20 or newer is needed, this is ${process.version} (https://nodejs.org)`);

/**
 * What an installed tree must match: its lock file and every package file it was made from.
 * The root's workspaces share one tree; the mobile app has a tree and a lock file of its own
 * (docs/adr/029-mobile-app.md), with the SDK's own dependencies listed among its own.
 */
function wanted(dir) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const files = ['package.json', 'package-lock.json'];
  for (const ws of pkg.workspaces ?? []) files.push(path.join(ws, 'package.json'));
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    hash.update(existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f)) : '');
  }
  return hash.digest('hex');
}

/** Installs `dir`'s npm dependencies when they are missing or older than its package files. */
function install(dir, name) {
  const stamp = path.join(dir, 'node_modules', '.roomkey-deps');
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  if (have === wanted(dir)) return;
  const why = existsSync(path.join(dir, 'node_modules'))
    ? `${name}'s npm dependencies changed since the last install`
    : `no npm dependencies of ${name} installed yet`;
  console.log(`roomkey: ${why}: npm install …`);
  const started = Date.now();
  // The CPU build of onnxruntime-node is the one in its package; its postinstall would fetch GPU
  // libraries from outside the npm registry.
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (res.status !== 0) fail(`npm install of ${name} failed after ${took} (its output is above)`);
  writeFileSync(stamp, `${wanted(dir)}\n`);
  console.log(`roomkey: npm install of ${name}: done in ${took}`);
}

install(ROOT, 'roomkey');
const MOBILE = path.join(ROOT, 'clients', 'mobile');
if (existsSync(path.join(MOBILE, 'package.json'))) install(MOBILE, 'the mobile app');
