import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

export interface SessionOptions {
  intraOpThreads: number;
  interOpThreads: number;
}

/**
 * Loads a model after checking its sha256: a model file that is not the one configured (a
 * partial download, a swapped file) refuses to load rather than deciding who opens a door.
 */
export async function loadModel(
  path: string,
  sha256: string,
  opts: SessionOptions,
): Promise<ort.InferenceSession> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new Error(`model file ${path} is missing: run npm run models:download`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256.toLowerCase()) {
    throw new Error(`model file ${path} has sha256 ${actual}, expected ${sha256}`);
  }
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: opts.intraOpThreads,
    interOpNumThreads: opts.interOpThreads,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

/**
 * NCHW float32 planes from an interleaved RGB image, in the channel order and scaling asked,
 * zero-padded to `planeWidth` x `planeHeight`. One pass over the pixels writes all three
 * planes. Raw values (no `normalise`) are stored as they are; a scaling is a function of the
 * byte and channel only, so it is tabulated once per call (256 values a channel) rather than
 * called per pixel.
 */
export function toPlanes(
  data: Uint8Array,
  width: number,
  height: number,
  order: 'rgb' | 'bgr',
  normalise?: (value: number, channel: number) => number,
  planeWidth = width,
  planeHeight = height,
): Float32Array {
  const plane = planeWidth * planeHeight;
  const out = new Float32Array(3 * plane);
  // Where each source byte (R, G, B) goes: its plane's offset in `out`.
  const [r, g, b] = order === 'rgb' ? [0, plane, 2 * plane] : [2 * plane, plane, 0];
  if (!normalise) {
    for (let y = 0; y < height; y++) {
      let i = y * width * 3;
      const end = y * planeWidth + width;
      for (let o = y * planeWidth; o < end; o++, i += 3) {
        out[o + r] = data[i]!;
        out[o + g] = data[i + 1]!;
        out[o + b] = data[i + 2]!;
      }
    }
    return out;
  }
  // The plane a source byte lands in is the model's channel the scaling is asked for.
  const table = (offset: number) =>
    Float32Array.from({ length: 256 }, (_, v) => normalise(v, offset / plane));
  const [tr, tg, tb] = [table(r), table(g), table(b)];
  for (let y = 0; y < height; y++) {
    let i = y * width * 3;
    const end = y * planeWidth + width;
    for (let o = y * planeWidth; o < end; o++, i += 3) {
      out[o + r] = tr[data[i]!]!;
      out[o + g] = tg[data[i + 1]!]!;
      out[o + b] = tb[data[i + 2]!]!;
    }
  }
  return out;
}
