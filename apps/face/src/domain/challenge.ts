import { randomInt } from 'node:crypto';
import type { HeadPose } from './pose';

/** A head pose a challenge asks for. */
export type Pose = 'left' | 'right' | 'up' | 'down';
export const POSES: readonly Pose[] = ['left', 'right', 'up', 'down'];

/**
 * Why a burst does not answer its challenge, each a stable code (face.checked.v1's
 * `challenge`): the challenge is unknown (or another caller's), expired or already used; the
 * burst has the wrong number of frames, a frame's face cannot be used, the poses are not the ones
 * asked for, the frames show different people, or the frames' timing is impossible.
 */
export type ChallengeFailure =
  | 'challenge-unknown'
  | 'challenge-expired'
  | 'challenge-used'
  | 'frame-count'
  | 'frame-unusable'
  | 'wrong-pose'
  | 'faces-differ'
  | 'bad-timing';

/** What the checker holds the burst to (docs/face.md, ADR 028). */
export interface ChallengePolicy {
  /** How long a challenge may be answered, from its issue. */
  ttlMs: number;
  /** A turn (left, right) must move the yaw this many degrees from the frontal frame. */
  minYaw: number;
  /** A nod (up, down) must move the pitch this many degrees from the frontal frame. */
  minPitch: number;
  /** The frontal frame may be at most this far off frontal, on either axis. */
  maxFrontal: number;
  /** Every frame must match the frontal one at least this well (cosine). */
  samePerson: number;
  /** The poses a challenge draws from. */
  poses: readonly Pose[];
  /** The least and most time between two frames, by the client's clock. */
  minGapMs: number;
  maxGapMs: number;
}

export const DEFAULT_CHALLENGE_POLICY: ChallengePolicy = {
  ttlMs: 30_000,
  minYaw: 12,
  minPitch: 8,
  maxFrontal: 15,
  // As sure as a match: FACE_MATCH_THRESHOLD's default (docs/face-threshold.md).
  samePerson: 0.45,
  poses: POSES,
  minGapMs: 150,
  maxGapMs: 8_000,
};

/**
 * Two or three poses to take in turn after a frontal frame, from `from` (at least two), drawn
 * with a cryptographic random source so that a recording made beforehand is unlikely to show
 * them; each differs from the one before. With all four poses, one of 48 sequences.
 */
export function drawPoses(
  from: readonly Pose[] = POSES,
  random: (n: number) => number = randomInt,
): Pose[] {
  const count = 2 + random(2);
  const poses: Pose[] = [];
  while (poses.length < count) {
    const choices = from.filter((p) => p !== poses[poses.length - 1]);
    poses.push(choices[random(choices.length)]!);
  }
  return poses;
}

/** One frame of a burst, analysed: its pose, its embedding and the client's time for it. */
export interface BurstFrame {
  pose: HeadPose;
  embedding: Float32Array;
  /** Milliseconds since the burst's first frame, by the client's clock. */
  atMs: number;
}

/**
 * Whether the frames answer the poses: a frontal frame, then one frame per pose in order, each
 * moved from the frontal one as asked (measured against the person's own frontal pose, so a
 * slightly turned frontal frame does not count towards a turn); the same person in every frame;
 * frames at least `minGapMs` and at most `maxGapMs` apart, and the whole burst no longer than the
 * time from the challenge's issue to the burst's arrival (`elapsedMs`): a burst cannot have been
 * taken before its challenge existed. Undefined when it answers.
 */
export function checkBurst(
  poses: readonly Pose[],
  frames: readonly BurstFrame[],
  elapsedMs: number,
  policy: ChallengePolicy,
  cosine: (a: Float32Array, b: Float32Array) => number,
): ChallengeFailure | undefined {
  if (frames.length !== poses.length + 1) return 'frame-count';
  const [front, ...rest] = frames as [BurstFrame, ...BurstFrame[]];
  for (let i = 1; i < frames.length; i++) {
    const gap = frames[i]!.atMs - frames[i - 1]!.atMs;
    if (gap < policy.minGapMs || gap > policy.maxGapMs) return 'bad-timing';
  }
  if (front.atMs !== 0 || frames[frames.length - 1]!.atMs > elapsedMs) return 'bad-timing';
  if (rest.some((f) => cosine(front.embedding, f.embedding) < policy.samePerson)) {
    return 'faces-differ';
  }
  const { yaw, pitch } = front.pose;
  if (Math.abs(yaw) > policy.maxFrontal || Math.abs(pitch) > policy.maxFrontal) return 'wrong-pose';
  const followed = rest.every((f, i) => {
    const dYaw = f.pose.yaw - yaw;
    const dPitch = f.pose.pitch - pitch;
    switch (poses[i]!) {
      case 'left':
        return dYaw >= policy.minYaw;
      case 'right':
        return -dYaw >= policy.minYaw;
      case 'up':
        return dPitch >= policy.minPitch;
      case 'down':
        return -dPitch >= policy.minPitch;
    }
  });
  return followed ? undefined : 'wrong-pose';
}
