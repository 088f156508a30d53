// Checks that the web build needs nothing from the internet at run time: the QR decoder's
// WebAssembly is in dist/, the bundle points the decoder at it, and no CDN address is left
// except barcode-detector's built-in default, which that override replaces before first use.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const CDN =
  /https?:\/\/[^\s"'`)]*(jsdelivr|unpkg|fastly|cdnjs|googleapis|gstatic|esm\.sh|skypack)[^\s"'`)]*/g;
const OVERRIDDEN_DEFAULT = 'https://fastly.jsdelivr.net/npm/zxing-wasm@';

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });

const problems = [];
const all = files(dist);
if (!all.some((f) => f.endsWith(join('zxing', 'zxing_reader.wasm')))) {
  problems.push('dist/zxing/zxing_reader.wasm is missing (scripts/copy-zxing-wasm.mjs)');
}
const scripts = all.filter((f) => /\.(js|html|css|json)$/.test(f));
const bundle = scripts.map((f) => readFileSync(f, 'utf8')).join('\n');
if (!bundle.includes('/zxing/zxing_reader.wasm') || !bundle.includes('setZXingModuleOverrides')) {
  problems.push('the bundle does not point the QR decoder at /zxing/zxing_reader.wasm');
}
for (const file of scripts) {
  for (const [url] of readFileSync(file, 'utf8').matchAll(CDN)) {
    const note = url.startsWith(OVERRIDDEN_DEFAULT) ? 'default, overridden' : 'NOT ALLOWED';
    console.log(`${relative(dist, file)}: ${url} (${note})`);
    if (!url.startsWith(OVERRIDDEN_DEFAULT)) problems.push(`${url} in ${relative(dist, file)}`);
  }
}
if (problems.length > 0) {
  console.error(`The web build is not self-contained:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`dist/ is self-contained: ${all.length} files`);
