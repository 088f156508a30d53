// Draws the app's icon, adaptive icon, splash image and favicon as PNGs with Node alone:
// a white door with a keyhole on roomkey blue. Run `npm run assets` after changing the drawing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const BLUE = [0x0b, 0x3d, 0x91, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** An RGBA PNG of size×size whose pixel at (x, y) in [0, 1)² is `paint(x, y)`. */
function png(size, paint) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(paint((x + 0.5) / size, (y + 0.5) / size), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The door: a rounded-top rectangle, with a keyhole (a circle and a slot) cut out. */
function door(x, y, scale) {
  const cx = 0.5;
  const [w, top, bottom] = [0.36 * scale, 0.5 - 0.32 * scale, 0.5 + 0.34 * scale];
  const inBody =
    Math.abs(x - cx) <= w / 2 &&
    y <= bottom &&
    (y >= top + w / 2 || Math.hypot(x - cx, y - (top + w / 2)) <= w / 2);
  if (!inBody) return false;
  const keyY = 0.5 + 0.04 * scale;
  const hole = Math.hypot(x - cx, y - keyY) <= 0.05 * scale;
  const slot = Math.abs(x - cx) <= 0.02 * scale && y >= keyY && y <= keyY + 0.12 * scale;
  return !(hole || slot);
}

mkdirSync(out, { recursive: true });
const files = {
  'icon.png': png(1024, (x, y) => (door(x, y, 1) ? WHITE : BLUE)),
  'adaptive-icon.png': png(1024, (x, y) => (door(x, y, 0.66) ? WHITE : CLEAR)),
  'splash-icon.png': png(512, (x, y) => (door(x, y, 1.2) ? WHITE : CLEAR)),
  'favicon.png': png(48, (x, y) => (door(x, y, 1) ? WHITE : BLUE)),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(join(out, name), data);
  console.log(`assets/${name}: ${data.length} bytes`);
}
