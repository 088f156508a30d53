import type { RawImage } from './geometry';

/**
 * Sharpness as the variance of the Laplacian of the grey image (Pech-Pacheco et al., 2000): a
 * blurred face has few edges and a low variance. Computed on the aligned 112x112 face so the
 * figure does not depend on the photo's size.
 */
export function laplacianVariance(img: RawImage): number {
  const { data, width, height } = img;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    grey[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
  }
  let sum = 0,
    sumSq = 0,
    n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = grey[i - width]! + grey[i + width]! + grey[i - 1]! + grey[i + 1]! - 4 * grey[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/**
 * How coloured an image is: the mean of the largest channel minus the smallest (0..255) over
 * every other pixel of every other row, a quarter of the pixels, which is plenty for a mean. A
 * greyscale or IR (night-mode) capture decodes to R = G = B and scores 0, or a few levels with
 * a colour cast or chroma noise; the shared colour photos score 14 to 66.
 */
export function meanChroma(img: RawImage): number {
  const { data, width, height } = img;
  let sum = 0,
    n = 0;
  for (let y = 0; y < height; y += 2) {
    for (let i = y * width * 3, end = i + width * 3; i < end; i += 6) {
      const r = data[i]!,
        g = data[i + 1]!,
        b = data[i + 2]!;
      const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
      const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
      sum += hi - lo;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}
