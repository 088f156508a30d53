import type { Point } from './geometry';

/**
 * A head pose in degrees, estimated from the detector's five landmarks. `yaw` is positive when
 * the person has turned their head to their own left, `pitch` when they look up. Both are read
 * from a camera's own image; a mirrored (selfie preview) image swaps left and right.
 */
export interface HeadPose {
  yaw: number;
  pitch: number;
}

/**
 * How far the nose tip stands in front of the eyes and mouth, as a fraction of the distance
 * between the eyes (adult faces: about 30 mm of 63 mm). It turns a landmark offset into an angle.
 */
const NOSE_DEPTH = 0.5;

/**
 * Where YuNet puts the nose tip between the eyes (0) and the mouth (1) on a frontal face. The
 * ArcFace alignment template (pipeline.ts's ALIGN_TEMPLATE) has 0.494, which read the ten shared
 * photos of people facing the camera as 4-14° down (mean 9.6°): the detector's nose point sits
 * lower. 0.567 centres them.
 */
const NOSE_AT = 0.567;

/** The distance from the eyes to the mouth over the distance between the eyes (the template: 1.156). */
const EYES_TO_MOUTH = 1.156;

const DEG = 180 / Math.PI;

/**
 * Yaw and pitch from five landmarks (right eye, left eye, nose, right and left mouth corner)
 * with a rigid model: the eyes and the mouth lie in one plane and the nose tip stands in front
 * of it. Turning the head moves the nose across the line from the eyes' midpoint to the mouth's
 * (yaw); nodding moves it along that line (pitch). Rough (a few degrees on a frontal face, worse
 * beyond 40°), but enough to tell a turned head from a frontal one, which is all a challenge
 * asks. Roll (a tilted head) does not change either, as both are measured in the face's own axes.
 */
export function estimatePose(landmarks: readonly Point[]): HeadPose {
  const [re, le, nose, rm, lm] = landmarks as [Point, Point, Point, Point, Point];
  const eyes: Point = [(re[0] + le[0]) / 2, (re[1] + le[1]) / 2];
  const mouth: Point = [(rm[0] + lm[0]) / 2, (rm[1] + lm[1]) / 2];
  const across: Point = [le[0] - re[0], le[1] - re[1]];
  const iod = Math.hypot(across[0], across[1]);
  const down: Point = [mouth[0] - eyes[0], mouth[1] - eyes[1]];
  const length = Math.hypot(down[0], down[1]);
  if (iod === 0 || length === 0) return { yaw: 0, pitch: 0 };
  const nx = nose[0] - eyes[0];
  const ny = nose[1] - eyes[1];
  // The nose's distance from the line between the eyes' midpoint and the mouth's, towards the
  // person's left eye. Measured from that line, not along the eyes' axis: a photo warped sideways
  // (sheared, stretched: any affine warp) keeps the nose on that line, so it reads as frontal.
  // The apparent distance between the eyes shrinks with the cosine of the yaw, so the ratio is
  // the tangent.
  const side = Math.sign(-down[1] * across[0] + down[0] * across[1]) || 1;
  const sideways = (side * (-down[1] * nx + down[0] * ny)) / length;
  const yaw = Math.atan2(sideways, NOSE_DEPTH * iod) * DEG;
  // Along the face: how much nearer the eyes the nose is than on a frontal face.
  const along = (nx * down[0] + ny * down[1]) / length / length;
  const pitch = Math.atan(((NOSE_AT - along) * EYES_TO_MOUTH) / NOSE_DEPTH) * DEG;
  return { yaw, pitch };
}
