import type { Point } from './geometry';

/** The longer side the detector sees unless told otherwise (ADR 014). */
export const DEFAULT_DETECTION_SIZE = 320;

/** A face found in an image: its box, the detector's score and five landmarks. */
export interface Detection {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  /** Subject's right eye, left eye, nose tip, right and left mouth corners. */
  landmarks: Point[];
}

/** Per stride: class and objectness probabilities, box and landmark offsets, cell by cell. */
export interface YunetOutputs {
  stride: number;
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

/**
 * Decodes YuNet's raw outputs for an input of `inputWidth` columns, keeping cells scoring at
 * least `minScore` (the same arithmetic as OpenCV's FaceDetectorYN::postProcess).
 */
export function decodeYunet(
  outputs: YunetOutputs[],
  inputWidth: number,
  minScore: number,
): Detection[] {
  const found: Detection[] = [];
  const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
  for (const { stride, cls, obj, bbox, kps } of outputs) {
    const cols = inputWidth / stride;
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(clamp01(cls[i]!) * clamp01(obj[i]!));
      if (score < minScore) continue;
      const col = i % cols;
      const row = Math.floor(i / cols);
      const cx = (col + bbox[i * 4]!) * stride;
      const cy = (row + bbox[i * 4 + 1]!) * stride;
      const w = Math.exp(bbox[i * 4 + 2]!) * stride;
      const h = Math.exp(bbox[i * 4 + 3]!) * stride;
      const landmarks: Point[] = [];
      for (let n = 0; n < 5; n++) {
        landmarks.push([
          (col + kps[i * 10 + 2 * n]!) * stride,
          (row + kps[i * 10 + 2 * n + 1]!) * stride,
        ]);
      }
      found.push({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score, landmarks });
    }
  }
  return found;
}

export function iou(a: Detection, b: Detection): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: best score first, dropping boxes overlapping a kept one. */
export function nms(detections: Detection[], maxIou: number): Detection[] {
  const kept: Detection[] = [];
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k, d) <= maxIou)) kept.push(d);
  }
  return kept;
}

/**
 * Maps a detection made on an image shrunk by `k` (each pixel a k x k block) back to the
 * image's own pixels. Coordinates count pixel centres from 0, as the landmarks and the
 * alignment template do, so the centre of shrunk pixel j is at k j + (k - 1) / 2.
 */
export function fromShrunk(d: Detection, k: number): Detection {
  const at = (v: number) => k * v + (k - 1) / 2;
  return {
    x: at(d.x),
    y: at(d.y),
    width: d.width * k,
    height: d.height * k,
    score: d.score,
    landmarks: d.landmarks.map(([x, y]) => [at(x), at(y)] as const),
  };
}
