import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as QRCode from 'qrcode';
import sharp from 'sharp';

const WIDTH = 1280;
const HEIGHT = 720;

/**
 * A video file for Chromium's fake camera (`--use-file-for-fake-video-capture`): a person's
 * photo with a pass's QR code held up beside it, as Y4M (4:2:0), the format Chromium reads.
 * Returns the file's path.
 */
export async function fakeCameraVideo(
  photo: Buffer,
  qrText: string,
  file: string,
): Promise<string> {
  const face = await sharp(photo)
    .resize({ width: 620, height: HEIGHT - 40, fit: 'inside' })
    .toBuffer();
  const qr = await QRCode.toBuffer(qrText, { width: 560, margin: 2, errorCorrectionLevel: 'M' });
  const { data } = await sharp({
    create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#ffffff' },
  })
    .composite([
      { input: face, left: 20, top: 20 },
      { input: qr, left: 680, top: 80 },
    ])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return stillsVideo([{ still: { rgb: data, width: WIDTH, height: HEIGHT }, seconds: 1 }], file);
}

/** One still of a video: raw RGB at the video's size. */
export interface Still {
  rgb: Buffer;
  width: number;
  height: number;
}

/**
 * A photo filling a 640×480 frame as a phone's camera would see it: its edge pixels are drawn
 * out to the frame rather than a plain border put round it (a border around a face is what a
 * photo held up to a camera shows, and passive liveness refuses it). `mirror` flips it.
 */
export async function photoStill(
  bytes: Buffer,
  options: { mirror?: boolean } = {},
): Promise<Still> {
  const [width, height] = [640, 480];
  let image = sharp(bytes).rotate().resize({ width, height, fit: 'inside' });
  if (options.mirror) image = image.flop();
  const fitted = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [w, h] = [fitted.info.width, fitted.info.height];
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  const { data } = await sharp(fitted.data, { raw: { width: w, height: h, channels: 3 } })
    .extend({ left, right: width - w - left, top, bottom: height - h - top, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width, height };
}

/** A QR code filling most of a white 640×480 frame, as a door's kiosk screen held to a camera. */
export async function codeStill(text: string): Promise<Still> {
  const [width, height] = [640, 480];
  const qr = await QRCode.toBuffer(text, { width: 420, margin: 2, errorCorrectionLevel: 'M' });
  const { data } = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: qr, gravity: 'center' }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width, height };
}

/** A still as JPEG, for a drawn camera (test/browser/browser.ts). */
export async function stillJpeg(still: Still): Promise<Buffer> {
  return sharp(still.rgb, { raw: { width: still.width, height: still.height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/**
 * A video for Chromium's fake camera made of stills, each held for its seconds at 10 frames a
 * second; Chromium plays it in a loop. Returns the file's path.
 */
export function stillsVideo(scenes: { still: Still; seconds: number }[], file: string): string {
  const { width, height } = scenes[0]!.still;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const parts: Buffer[] = [header];
  for (const { still, seconds } of scenes) {
    const frame = toI420(still.rgb, width, height);
    for (let i = 0; i < Math.round(seconds * 10); i++) parts.push(Buffer.from('FRAME\n'), frame);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** A still shrunk to `THUMB` grey pixels, to tell which still a camera shows. */
export const THUMB = { width: 16, height: 12 };
export async function thumbOf(still: Still): Promise<number[]> {
  const { data } = await sharp(still.rgb, {
    raw: { width: still.width, height: still.height, channels: 3 },
  })
    .resize(THUMB.width, THUMB.height, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [...data];
}

/** RGB to planar YUV 4:2:0 (full-range BT.601, as JPEG uses), chroma averaged over 2×2. */
function toI420(rgb: Buffer, width: number, height: number): Buffer {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 3;
      y[row * width + col] = clamp(0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]);
    }
  }
  for (let row = 0; row < height; row += 2) {
    for (let col = 0; col < width; col += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dr, dc] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]) {
        const i = ((row + dr) * width + col + dc) * 3;
        r += rgb[i] / 4;
        g += rgb[i + 1] / 4;
        b += rgb[i + 2] / 4;
      }
      const at = (row / 2) * (width / 2) + col / 2;
      u[at] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[at] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return Buffer.concat([y, u, v]);
}
