import {
  BurstFrame,
  checkBurst,
  DEFAULT_CHALLENGE_POLICY,
  drawPoses,
  Pose,
  POSES,
} from './challenge';
import { cosine } from './vectors';

const policy = DEFAULT_CHALLENGE_POLICY;

/** Two people: unit vectors far apart, and a small change of each (the same person again). */
const alice = Float32Array.from([1, 0, 0, 0]);
const aliceAgain = Float32Array.from([0.95, 0.2, 0.1, 0]);
const bob = Float32Array.from([0, 1, 0, 0]);

const frame = (yaw: number, pitch: number, atMs: number, embedding = aliceAgain): BurstFrame => ({
  pose: { yaw, pitch },
  embedding,
  atMs,
});

/** The poses answered as asked: a nearly frontal frame, then 20° turns and 12° nods. */
const POSE_ANGLES: Record<Pose, [number, number]> = {
  left: [22, 1],
  right: [-18, 0],
  up: [3, 14],
  down: [-2, -10],
};
const answer = (poses: Pose[]): BurstFrame[] => [
  frame(2, 1, 0, alice),
  ...poses.map((p, i) => frame(...POSE_ANGLES[p], 700 * (i + 1))),
];

const check = (poses: Pose[], frames: BurstFrame[], elapsedMs = 5000) =>
  checkBurst(poses, frames, elapsedMs, policy, cosine);

describe('drawPoses', () => {
  it('draws only from the poses it is given', () => {
    for (let i = 0; i < 200; i++) {
      const poses = drawPoses(['left', 'right']);
      poses.forEach((p, j) => j > 0 && expect(p).not.toBe(poses[j - 1]));
      expect(poses.every((p) => p === 'left' || p === 'right')).toBe(true);
    }
  });

  it('draws two or three poses, never the same twice in a row, and every sequence can come up', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const poses = drawPoses();
      expect(poses.length === 2 || poses.length === 3).toBe(true);
      poses.forEach((p, j) => {
        expect(POSES).toContain(p);
        if (j > 0) expect(p).not.toBe(poses[j - 1]);
      });
      seen.add(poses.join(' '));
    }
    expect(seen.size).toBe(48);
  });
});

describe('checkBurst', () => {
  it.each<[Pose[]]>([[['left', 'right']], [['up', 'left', 'down']], [['down', 'right', 'up']]])(
    'passes frames that answer %j',
    (poses) => {
      expect(check(poses, answer(poses))).toBeUndefined();
    },
  );

  it('refuses a single photo, and a burst with a frame missing or too many', () => {
    const poses: Pose[] = ['left', 'up'];
    expect(check(poses, answer(poses).slice(0, 1))).toBe('frame-count');
    expect(check(poses, answer(poses).slice(0, 2))).toBe('frame-count');
    expect(check(poses, answer(['left', 'up', 'right']))).toBe('frame-count');
  });

  it('refuses frames in the wrong poses, or in the right ones in the wrong order', () => {
    expect(check(['left', 'up'], answer(['right', 'up']))).toBe('wrong-pose');
    expect(check(['left', 'up'], answer(['up', 'left']))).toBe('wrong-pose');
    // The same photo again and again: no pose changes at all.
    const still = [0, 700, 1400].map((at) => frame(2, 1, at));
    expect(check(['left', 'right'], still)).toBe('wrong-pose');
  });

  it('measures each pose from the person’s own frontal frame, which must be nearly frontal', () => {
    // Turned 10° already: a further 10° is not the turn asked for.
    const offset = [frame(10, 0, 0, alice), frame(20, 0, 700), frame(-8, 0, 1400)];
    expect(check(['left', 'right'], offset)).toBe('wrong-pose');
    const sideways = [frame(25, 0, 0, alice), frame(45, 0, 700), frame(0, 0, 1400)];
    expect(check(['left', 'right'], sideways)).toBe('wrong-pose');
  });

  it('refuses frames of two people', () => {
    const poses: Pose[] = ['left', 'right'];
    const frames = answer(poses);
    frames[2] = { ...frames[2]!, embedding: bob };
    expect(check(poses, frames)).toBe('faces-differ');
  });

  it('refuses frames too close together or too far apart, or a burst longer than its challenge has existed', () => {
    const poses: Pose[] = ['left', 'right'];
    const at = (times: number[]) => answer(poses).map((f, i) => ({ ...f, atMs: times[i]! }));
    expect(check(poses, at([0, 700, 1400]))).toBeUndefined();
    expect(check(poses, at([0, 50, 1400]))).toBe('bad-timing');
    expect(check(poses, at([0, 700, 9000]))).toBe('bad-timing');
    expect(check(poses, at([0, 1400, 700]))).toBe('bad-timing');
    expect(check(poses, at([100, 800, 1500]))).toBe('bad-timing');
    // Taken over 1.4 s, arriving 1 s after the challenge was issued: made before it existed.
    expect(check(poses, at([0, 700, 1400]), 1000)).toBe('bad-timing');
  });
});
