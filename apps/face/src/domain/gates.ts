import { Detection } from './detection';

/** Why a face image cannot be used, each a stable reason code. */
export type FaceProblem =
  | 'bad-image'
  | 'no-face'
  | 'many-faces'
  | 'face-too-small'
  | 'low-detection-score'
  | 'too-blurry'
  | 'spoof';

/**
 * selfie: the member's own phone, one face expected. kiosk: a camera at the door, where people
 * behind may be in view; the largest face is taken when it clearly dominates.
 */
export type CaptureMode = 'selfie' | 'kiosk';

export interface GatePolicy {
  /** Cells below this are not faces at all. */
  candidateScore: number;
  /** A face must score at least this; a candidate below it is `low-detection-score`. */
  minDetectionScore: number;
  /** Smallest face box side, in pixels of the working image. */
  minFacePx: number;
  /** In kiosk mode, how many times larger (by area) the largest face must be than the next. */
  dominance: number;
}

export const DEFAULT_GATES: GatePolicy = {
  candidateScore: 0.5,
  minDetectionScore: 0.9,
  minFacePx: 40,
  dominance: 2.5,
};

const area = (d: Detection) => d.width * d.height;

/** Picks the face to use from the detector's findings (after NMS), or says why there is none. */
export function pickFace(
  detections: Detection[],
  mode: CaptureMode,
  policy: GatePolicy,
): Detection | FaceProblem {
  const candidates = detections.filter((d) => d.score >= policy.candidateScore);
  const faces = candidates.filter((d) => d.score >= policy.minDetectionScore);
  if (faces.length === 0) return candidates.length > 0 ? 'low-detection-score' : 'no-face';
  let face = faces[0]!;
  if (faces.length > 1) {
    if (mode === 'selfie') return 'many-faces';
    const [first, second] = [...faces].sort((a, b) => area(b) - area(a));
    if (area(first!) < policy.dominance * area(second!)) return 'many-faces';
    face = first!;
  }
  if (Math.min(face.width, face.height) < policy.minFacePx) return 'face-too-small';
  return face;
}
