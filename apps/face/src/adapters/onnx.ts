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
 * NCHW float32 planes from an interleaved RGB image, in the channel order and scaling asked.
 * The scaling is a function of the byte and channel only, so it is tabulated once per call
 * (256 values a channel) rather than called per pixel.
 */
export function toPlanes(
  data: Uint8Array,
  width: number,
  height: number,
  order: 'rgb' | 'bgr',
  normalise: (value: number, channel: number) => number = (v) => v,
  planeWidth = width,
  planeHeight = height,
): Float32Array {
  const plane = planeWidth * planeHeight;
  const out = new Float32Array(3 * plane);
  const table = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[v] = normalise(v, c);
    const source = order === 'rgb' ? c : 2 - c;
    for (let y = 0; y < height; y++) {
      let i = y * width * 3 + source;
      const o = c * plane + y * planeWidth;
      for (let x = 0; x < width; x++, i += 3) out[o + x] = table[data[i]!]!;
    }
  }
  return out;
}
