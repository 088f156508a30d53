/**
 * Image geometry the face pipeline needs and no maintained JavaScript library offers on raw
 * pixel buffers (ADR 009): a least-squares similarity transform between point sets (Umeyama,
 * 1991) and an affine warp with bilinear sampling.
 */

export type Point = readonly [number, number];

/** Row-major 2x3 affine matrix [a, b, tx, c, d, ty]: x' = a x + b y + tx, y' = c x + d y + ty. */
export type Affine = readonly [number, number, number, number, number, number];

/** An interleaved 8-bit image (RGB or BGR, 3 channels). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The rotation + uniform scale + translation that best maps `from` onto `to` in the least
 * squares sense (no reflection). With five face landmarks and the 112x112 template this is the
 * standard face alignment.
 */
export function similarityTransform(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  let mx = 0,
    my = 0,
    ux = 0,
    uy = 0;
  for (let i = 0; i < n; i++) {
    mx += from[i]![0];
    my += from[i]![1];
    ux += to[i]![0];
    uy += to[i]![1];
  }
  mx /= n;
  my /= n;
  ux /= n;
  uy /= n;
  // For a 2-D similarity the optimum has a closed form: with centred points p (from) and q (to),
  // a = Σ(px qx + py qy) / Σ|p|², b = Σ(px qy − py qx) / Σ|p|² (rotation·scale as a + ib).
  let dot = 0,
    cross = 0,
    norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - mx;
    const py = from[i]![1] - my;
    const qx = to[i]![0] - ux;
    const qy = to[i]![1] - uy;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('degenerate landmarks');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, ux - (a * mx - b * my), b, a, uy - (b * mx + a * my)];
}

export function applyAffine(m: Affine, [x, y]: Point): Point {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new Error('singular transform');
  const ia = d / det,
    ib = -b / det,
    ic = -c / det,
    id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/**
 * Warps `src` by `m` (source -> destination coordinates) into a `width` x `height` image,
 * sampling bilinearly; pixels that fall outside the source are black (as OpenCV's
 * warpAffine with a constant border).
 */
export function warpAffine(src: RawImage, m: Affine, width: number, height: number): RawImage {
  const inv = invertAffine(m);
  const out = new Uint8Array(width * height * 3);
  const { data, width: sw, height: sh } = src;
  const row = sw * 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = inv[0] * x + inv[1] * y + inv[2];
      const sy = inv[3] * x + inv[4] * y + inv[5];
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const w0 = (1 - fx) * (1 - fy);
      const w1 = fx * (1 - fy);
      const w2 = (1 - fx) * fy;
      const w3 = fx * fy;
      const o = (y * width + x) * 3;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
        // All four neighbours inside: the common case, without a bounds check per tap.
        const i = y0 * row + x0 * 3;
        for (let ch = 0; ch < 3; ch++) {
          const a = i + ch;
          out[o + ch] = Math.round(
            w0 * data[a]! + w1 * data[a + 3]! + w2 * data[a + row]! + w3 * data[a + row + 3]!,
          );
        }
        continue;
      }
      const weights = [w0, w1, w2, w3];
      for (let ch = 0; ch < 3; ch++) {
        let v = 0;
        for (let k = 0; k < 4; k++) {
          const px = x0 + (k & 1);
          const py = y0 + (k >> 1);
          if (px < 0 || py < 0 || px >= sw || py >= sh) continue;
          v += weights[k]! * data[(py * sw + px) * 3 + ch]!;
        }
        out[o + ch] = Math.round(v);
      }
    }
  }
  return { data: out, width, height };
}

/**
 * The affine map that takes the box (x, y, w, h) onto a `size` x `size` image, pixel centres
 * on pixel centres (as OpenCV's resize with linear interpolation).
 */
export function cropTransform(x: number, y: number, w: number, h: number, size: number): Affine {
  const sx = size / w;
  const sy = size / h;
  return [sx, 0, (0.5 - x) * sx - 0.5, 0, sy, (0.5 - y) * sy - 0.5];
}

/**
 * The image shrunk by a whole factor `k`, each output pixel the rounded mean of a k x k block
 * (a box filter: no aliasing; k = 1 returns the image itself). Columns and rows past the last
 * whole block are dropped.
 */
export function shrinkBy(image: RawImage, k: number): RawImage {
  if (k === 1) return image;
  const width = Math.floor(image.width / k);
  const height = Math.floor(image.height / k);
  const { data } = image;
  const out = new Uint8Array(width * height * 3);
  const row = image.width * 3;
  const area = k * k;
  const half = area >> 1;
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const start = y * k * row + x * k * 3;
      let r = half,
        g = half,
        b = half;
      for (let dy = 0; dy < k; dy++) {
        let i = start + dy * row;
        for (let dx = 0; dx < k; dx++, i += 3) {
          r += data[i]!;
          g += data[i + 1]!;
          b += data[i + 2]!;
        }
      }
      out[o++] = r / area;
      out[o++] = g / area;
      out[o++] = b / area;
    }
  }
  return { data: out, width, height };
}
