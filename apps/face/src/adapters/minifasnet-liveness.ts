import * as ort from 'onnxruntime-node';
import type { Detection } from '../domain/detection';
import { cropTransform, RawImage, warpAffine } from '../domain/geometry';
import type { LivenessChecker, LivenessScores } from '../domain/ports';
import { softmax } from '../domain/vectors';
import { toPlanes } from './onnx';

const SIZE = 80;

/**
 * The crop Silent-Face takes around a face box: `scale` times the box, centred on it, shrunk
 * when it would not fit and shifted back inside the image; corners as integers, inclusive.
 */
export function livenessCrop(image: RawImage, face: Detection, scale: number) {
  const { width: W, height: H } = image;
  const s = Math.min((H - 1) / face.height, (W - 1) / face.width, scale);
  const w = face.width * s;
  const h = face.height * s;
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2;
  let left = cx - w / 2;
  let top = cy - h / 2;
  let right = cx + w / 2;
  let bottom = cy + h / 2;
  if (left < 0) [right, left] = [right - left, 0];
  if (top < 0) [bottom, top] = [bottom - top, 0];
  if (right > W - 1) [left, right] = [left - (right - W + 1), W - 1];
  if (bottom > H - 1) [top, bottom] = [top - (bottom - H + 1), H - 1];
  const [l, t, r, b] = [left, top, right, bottom].map(Math.trunc) as [
    number,
    number,
    number,
    number,
  ];
  return { left: l, top: t, width: r - l + 1, height: b - t + 1 };
}

/**
 * Passive liveness with Silent-Face's two MiniFASNet models (crops of 2.7 and 4.0 times the
 * face, BGR 0..255, 80x80). As upstream: softmax each, add the two, class 1 is a real face;
 * the real score is that sum halved. Classes 0 and 2 are the two kinds of attack, halved too.
 */
export class MiniFasNetLiveness implements LivenessChecker {
  readonly modelId = 'minifasnet-v2+v1se';

  constructor(private readonly models: { session: ort.InferenceSession; scale: number }[]) {}

  async scores(image: RawImage, face: Detection): Promise<LivenessScores> {
    const summed = [0, 0, 0];
    for (const { session, scale } of this.models) {
      const c = livenessCrop(image, face, scale);
      const crop = warpAffine(
        image,
        cropTransform(c.left, c.top, c.width, c.height, SIZE),
        SIZE,
        SIZE,
      );
      const planes = toPlanes(crop.data, SIZE, SIZE, 'bgr');
      const out = await session.run({
        input: new ort.Tensor('float32', planes, [1, 3, SIZE, SIZE]),
      });
      softmax(out.output!.data as Float32Array).forEach((p, i) => (summed[i]! += p));
    }
    const [attackA, real, attackB] = summed.map((p) => p / this.models.length) as [
      number,
      number,
      number,
    ];
    return { real, attacks: [attackA, attackB] };
  }
}
