// Runs before `npm start` and `npm test` (prestart, pretest), with Node's built-ins only, since
// nothing else may be installed yet: checks Node's version, and installs the npm dependencies
// when node_modules is missing or older than the lock file and package files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'node_modules', '.roomkey-deps');
const fail = (line) => {
  console.error(`roomkey: ${line}`);
  process.exit(1);
};

const major = Number(process.versions.node.split('.')[0]);
if (major < 20)
  fail(`Node.js 20 or newer is needed, this is ${process.version} (https://nodejs.org)`);

/** What the installed tree must match: the lock file and every package file it was made from. */
function wanted() {
  const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const files = ['package.json', 'package-lock.json'];
  for (const ws of root.workspaces ?? []) files.push(path.join(ws, 'package.json'));
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    hash.update(existsSync(path.join(ROOT, f)) ? readFileSync(path.join(ROOT, f)) : '');
  }
  return hash.digest('hex');
}

const have = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
if (have !== wanted()) {
  const why = existsSync(path.join(ROOT, 'node_modules'))
    ? 'the npm dependencies changed since the last install'
    : 'no npm dependencies installed yet';
  console.log(`roomkey: ${why}: npm install …`);
  const started = Date.now();
  // The CPU build of onnxruntime-node is the one in its package; its postinstall would fetch GPU
  // libraries from outside the npm registry.
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (res.status !== 0) fail(`npm install failed after ${took} (its output is above)`);
  writeFileSync(STAMP, `${wanted()}\n`);
  console.log(`roomkey: npm install: done in ${took}`);
}
