// Writes .env for docker-compose.yml from .env.example: every empty value made at random, the
// others kept. Node's built-ins only (no npm install needed). Refuses to overwrite an .env.
//
//   node deploy/compose/make-env.mjs [--out <file>]
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const at = process.argv.indexOf('--out');
const out = at > 0 ? path.resolve(process.argv[at + 1]) : path.join(root, '.env');
if (existsSync(out)) {
  console.error(`${out} exists: remove it first to make a new one (every secret changes)`);
  process.exit(1);
}
/** A keyring or signing key: an id and 32 random bytes; anything else: a URL-safe password. */
const made = (name) =>
  /_KEYRING$|_SIGNING_KEY$/.test(name)
    ? `k1:${randomBytes(32).toString('base64')}`
    : randomBytes(24).toString('base64url');
const lines = readFileSync(path.join(root, '.env.example'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/^([A-Z][A-Z0-9_]*)=$/, (_, name) => `${name}=${made(name)}`));
writeFileSync(out, lines.join('\n'), { mode: 0o600 });
console.log(`wrote ${path.relative(process.cwd(), out) || out}: keep it to yourself`);
