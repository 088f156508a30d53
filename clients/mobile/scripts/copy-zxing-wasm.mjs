// Copies the ZXing WebAssembly that expo-camera's web QR decoder (barcode-detector) loads into
// public/zxing, so that the web build serves it itself instead of fetching it from a CDN.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A package's folder as Node would find it from `from`: the nearest node_modules up the tree. */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (run npm install)`);
  }
}

const detector = packageDir('barcode-detector', app);
// zxing-wasm as barcode-detector itself finds it.
const zxing = packageDir('zxing-wasm', detector);
const source = join(zxing, 'dist', 'reader', 'zxing_reader.wasm');
const bytes = readFileSync(source);

// barcode-detector names the hash of the WebAssembly it was built with: the copy must be it.
const bundle = readFileSync(join(detector, 'dist', 'es', 'zxing-exported.js'), 'utf8');
const sha256 = createHash('sha256').update(bytes).digest('hex');
if (!bundle.includes(sha256)) {
  console.error(`zxing_reader.wasm (sha256 ${sha256}) is not the one barcode-detector expects`);
  process.exit(1);
}

const target = join(app, 'public', 'zxing');
mkdirSync(target, { recursive: true });
copyFileSync(source, join(target, 'zxing_reader.wasm'));
const { version } = JSON.parse(readFileSync(join(zxing, 'package.json'), 'utf8'));
console.log(`public/zxing/zxing_reader.wasm: zxing-wasm ${version}, ${bytes.length} bytes`);
